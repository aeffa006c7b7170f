package io.sigmaquant.controller.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.analysis.Layer;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Q/DQ boundaries of configurations on small graphs whose elements are distinct powers of ten. */
class FormatBoundariesTest {
    /** A layer reading {@code in} elements and writing {@code out}, with the given neighbours. */
    static Layer layer(String name, long in, long out, List<String> up, List<String> down) {
        return new Layer(name, "Conv", name + ".w", name + ".w", null, new long[] {1, 1, 1, 1}, 0, 1, 1, 0, 1, 0.1,
                new long[] {1, out}, in, up, down);
    }

    static Predicate<String> integer(String... names) {
        return Set.of(names)::contains;
    }

    // a → b → c, a chain
    static final List<Layer> CHAIN = List.of(
            layer("a", 1, 10, List.of(Layer.MODEL_INPUT), List.of("b")),
            layer("b", 100, 1_000, List.of("a"), List.of("c")),
            layer("c", 10_000, 100_000, List.of("b"), List.of(Layer.MODEL_OUTPUT)));

    // a → b → c and a → c through a residual Add (c reads b's output plus a's)
    static final List<Layer> RESIDUAL = List.of(
            layer("a", 1, 10, List.of(Layer.MODEL_INPUT), List.of("b", "c")),
            layer("b", 100, 1_000, List.of("a"), List.of("c")),
            layer("c", 10_000, 100_000, List.of("b", "a"), List.of(Layer.MODEL_OUTPUT)));

    /** Verifies that an all-integer chain converts only the model's input and output. */
    @Test
    void elements_allIntegerChain_onlyModelInputAndOutput() {
        assertThat(new FormatBoundaries(CHAIN).elements(integer("a", "b", "c"))).isEqualTo(1 + 100_000);
    }

    /** Verifies that an all-float configuration converts nothing. */
    @Test
    void elements_allFloat_none() {
        assertThat(new FormatBoundaries(CHAIN).elements(integer())).isZero();
    }

    /** Verifies that a float layer between integer ones dequantizes its input and quantizes its reader's. */
    @Test
    void elements_floatLayerInIntegerChain_convertsBothSides() {
        // a: model input Q (1), output DQ toward float b (10); c: input Q from float b (10 000), output DQ (100 000)
        assertThat(new FormatBoundaries(CHAIN).elements(integer("a", "c"))).isEqualTo(1 + 10 + 10_000 + 100_000);
    }

    /** Verifies that a residual edge counts: c reads float b and integer a, so its input is quantized. */
    @Test
    void elements_residualWithFloatBranch_quantizesTheJoin() {
        assertThat(new FormatBoundaries(RESIDUAL).elements(integer("a", "c"))).isEqualTo(1 + 10 + 10_000 + 100_000);
        // with b integer, the join is integer on both sides and nothing is converted inside the model
        assertThat(new FormatBoundaries(RESIDUAL).elements(integer("a", "b", "c"))).isEqualTo(1 + 100_000);
        // a float, b and c integer: b and c read a float tensor; a's residual edge is the boundary, not list order
        assertThat(new FormatBoundaries(RESIDUAL).elements(integer("b", "c"))).isEqualTo(100 + 10_000 + 100_000);
    }

    /** Verifies that two integer layers reading the same float tensor share one quantization of it. */
    @Test
    void elements_branchesReadingOneTensor_quantizeItOnce() {
        List<Layer> branches = List.of(
                layer("stem", 1, 10, List.of(Layer.MODEL_INPUT), List.of("left", "right")),
                layer("left", 10, 100, List.of("stem"), List.of(Layer.MODEL_OUTPUT)),
                layer("right", 10, 1_000, List.of("stem"), List.of(Layer.MODEL_OUTPUT)));
        assertThat(new FormatBoundaries(branches).elements(integer("left", "right"))).isEqualTo(10 + 100 + 1_000);
    }

    /** Verifies that layers without known neighbours sit between their list neighbours. */
    @Test
    void elements_unknownNeighbours_followListOrder() {
        List<Layer> bare = CHAIN.stream().map(l -> l.withNeighbours(List.of(), List.of())).toList();
        assertThat(new FormatBoundaries(bare).elements(integer("a", "c")))
                .isEqualTo(new FormatBoundaries(CHAIN).elements(integer("a", "c")));
    }

    /** Verifies the context flags: a neighbour of the other kind upstream, downstream. */
    @Test
    void context_flagsNeighboursOfTheOtherKind() {
        FormatBoundaries g = new FormatBoundaries(RESIDUAL);
        Predicate<String> config = integer("a", "c");
        assertThat(g.context("a", config)).isEqualTo("11"); // model input is float; b is float
        assertThat(g.context("b", config)).isEqualTo("11");
        assertThat(g.context("c", config)).isEqualTo("11"); // b float upstream; model output float
        assertThat(g.context("b", integer())).isEqualTo("00");
    }
}
