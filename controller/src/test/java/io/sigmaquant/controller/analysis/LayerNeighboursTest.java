package io.sigmaquant.controller.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Neighbours found through pooling, activations and a residual Add. */
class LayerNeighboursTest {
    private static NodeProto node(String op, String name, List<String> in, String out) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addOutput(out).build();
    }

    private static Layer layer(String name) {
        return new Layer(name, "Conv", name + ".w", name + ".w", null, new long[] {1, 1, 1, 1}, 0, 1, 1, 0, 1, 0.1,
                new long[] {1}, 1);
    }

    /**
     * x → a → Relu → MaxPool → b → Add(b, pool) → c → y: a reaches b directly and c through the residual Add;
     * the weights (initializers) are nobody's neighbours.
     */
    @Test
    void attach_residualGraph_findsNeighboursThroughNonLayerOperators() {
        GraphProto g = GraphProto.newBuilder()
                .addInput(ValueInfoProto.newBuilder().setName("x"))
                .addInput(ValueInfoProto.newBuilder().setName("a.w"))
                .addInitializer(TensorProto.newBuilder().setName("a.w"))
                .addNode(node("Conv", "a", List.of("x", "a.w"), "a_out"))
                .addNode(node("Relu", "relu", List.of("a_out"), "r"))
                .addNode(node("MaxPool", "pool", List.of("r"), "p"))
                .addNode(node("Conv", "b", List.of("p", "b.w"), "b_out"))
                .addNode(node("Add", "add", List.of("b_out", "p"), "s"))
                .addNode(node("Conv", "c", List.of("s", "c.w"), "y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y"))
                .build();
        Map<String, Layer> out = LayerNeighbours.attach(g, List.of(layer("a"), layer("b"), layer("c"))).stream()
                .collect(Collectors.toMap(Layer::name, Function.identity()));
        assertThat(out.get("a").upstream()).containsExactly(Layer.MODEL_INPUT);
        assertThat(out.get("a").downstream()).containsExactlyInAnyOrder("b", "c");
        assertThat(out.get("b").upstream()).containsExactly("a");
        assertThat(out.get("b").downstream()).containsExactly("c");
        assertThat(out.get("c").upstream()).containsExactlyInAnyOrder("b", "a");
        assertThat(out.get("c").downstream()).containsExactly(Layer.MODEL_OUTPUT);
    }

    /** Verifies that the analyzer attaches neighbours to a real model's layers (each has some). */
    @Test
    void analyze_fixture_everyLayerHasNeighbours() {
        ModelAnalysis a = ModelAnalyzer.analyze(io.sigmaquant.controller.model.OnnxModels.load(
                io.sigmaquant.controller.testing.Fixtures.model("resnet")));
        assertThat(a.layers()).allSatisfy(l -> {
            assertThat(l.upstream()).isNotEmpty();
            assertThat(l.downstream()).isNotEmpty();
        });
        assertThat(a.layers().get(0).upstream()).containsExactly(Layer.MODEL_INPUT);
    }
}
