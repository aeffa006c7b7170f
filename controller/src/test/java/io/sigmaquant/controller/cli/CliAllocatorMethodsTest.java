package io.sigmaquant.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies the allocation methods end to end through the CLI on the digits model (examples/digits): the paper
 * method stays reachable, the default reports what it considered and its bound, and the benchmark commands
 * print what docs/BENCHMARKS.md shows.
 */
class CliAllocatorMethodsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIGITS = Fixtures.repoRoot().resolve("examples/digits");
    private static final String CACHE = "target/sensitivity-cache";
    /** The packed size of the digits model at uniform 3 bits on the Raspberry Pi 4 profile. */
    private static final String UNIFORM_3_BIT_SIZE = "25678";

    @TempDir
    Path tmp;

    private static JsonNode allocate(String method) throws Exception {
        CliRun run = CliRun.of("allocate", DIGITS.resolve("digits.onnx"), "--profile", "raspberry-pi-4", "--data", DIGITS,
                "--cache-dir", CACHE, "--max-size", UNIFORM_3_BIT_SIZE, "--method", method, "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return JSON.readTree(run.out());
    }

    @Test
    void allocate_paperAndDefaultMethods_defaultReportsItsStartsAndIsNoWorse() throws Exception {
        JsonNode paper = allocate("sigmaquant-paper");
        JsonNode uniform = allocate("uniform:3");
        JsonNode sigmaquant = allocate("sigmaquant");

        assertThat(paper.get("method").asText()).isEqualTo("sigmaquant-paper");
        assertThat(paper.get("bits").get("/MatMul").asInt()).isEqualTo(2);
        assertThat(sigmaquant.get("method").asText()).isEqualTo("sigmaquant");
        assertThat(sigmaquant.get("status").asText()).isEqualTo("OPTIMAL");
        double objective = sigmaquant.get("objective").asDouble();
        assertThat(objective).isLessThanOrEqualTo(uniform.get("objective").asDouble() * (1 + 1e-9))
                .isLessThan(paper.get("objective").asDouble());
        assertThat(sigmaquant.get("lowerBound").asDouble()).isLessThanOrEqualTo(objective * (1 + 1e-9));
        JsonNode considered = sigmaquant.get("considered");
        assertThat(considered.findValuesAsText("origin")).contains("sigma-clustering", "uniform:3");
        considered.forEach(c -> assertThat(objective).isLessThanOrEqualTo(c.get("objective").asDouble() * (1 + 1e-9)));
    }

    @Test
    void benchAllocator_smallCorpus_printsEveryFamilyTheSummaryAndTimings() throws Exception {
        Path csv = tmp.resolve("outcomes.csv");
        CliRun run = CliRun.of("bench-allocator", "--per-family", "2", "--timing-problems", "1", "--time-limit", "30",
                "--outcomes", csv);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("| sigma-against-sensitivity |", "| slow-int8 |", "| three-budgets |",
                "| **all** | 20 |", "| sigmaquant | 200 × 7 | 1 |", "| exact (CP-SAT, hinted) | 60 × 7 | 1 |");
        assertThat(Files.readAllLines(csv)).hasSize(21).first().asString().startsWith("family,seed,layers");
    }

    @Test
    void benchAllocator_unknownFamily_isRefusedWithTheKnownOnes() {
        CliRun run = CliRun.of("bench-allocator", "--family", "no-such-family");
        assertThat(run.exitCode()).isEqualTo(SigmaQuantCli.EXIT_BAD_INPUT);
        assertThat(run.err().strip()).startsWith("sigmaquant: --family must be one of").contains("slow-int8")
                .doesNotContain("\n");
    }

    @Test
    void tradeoff_digits_reportsEveryMethodAndTheSizeAtEqualAccuracy() throws Exception {
        // when stderr is not a terminal, progress is plain lines there; stdout stays one JSON document
        CliRun run = CliRun.of("tradeoff", DIGITS.resolve("digits.onnx"), "--profile", "raspberry-pi-4", "--data",
                DIGITS, "--cache-dir", CACHE, "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = JSON.readTree(run.out());
        assertThat(r.get("points")).hasSize(6);
        for (JsonNode p : r.get("points")) {
            double sigmaquant = p.get("sigmaquant").get("objective").asDouble();
            assertThat(sigmaquant).isLessThanOrEqualTo(p.get("uniform").get("objective").asDouble() * (1 + 1e-9));
            assertThat(sigmaquant).isLessThanOrEqualTo(p.get("paper").get("objective").asDouble() * (1 + 1e-9));
            assertThat(p.get("sigmaquant").get("bytes").asDouble()).isLessThanOrEqualTo(p.get("budgetBytes").asDouble());
        }
        JsonNode equal = r.get("equalAccuracy");
        double floor = equal.get("fp32Top1").asDouble() - equal.get("maxDrop").asDouble();
        assertThat(equal.get("sigmaquantTop1").asDouble()).isGreaterThanOrEqualTo(floor);
        assertThat(equal.get("uniformTop1").asDouble()).isGreaterThanOrEqualTo(floor);
        assertThat(equal.get("sigmaquantBytes").asDouble()).isLessThanOrEqualTo(equal.get("uniformBytes").asDouble());
        // 6 levels × 4 methods, and the search for the size at equal accuracy
        List<String> progress = run.err().lines().filter(l -> l.startsWith("tradeoff digits.onnx: ")).toList();
        assertThat(progress).hasSizeBetween(2, 11);
        assertThat(progress.get(progress.size() - 1)).matches("tradeoff digits.onnx: 25/25 \\(\\d+ s\\) done");
    }
}
