package io.sigmaquant.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Verifies that bench-fleet refuses what it cannot do in one line, exit 2, before starting any agent. */
class BenchFleetCommandTest {
    private static void assertRefused(CliRun run, String message) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(SigmaQuantCli.EXIT_BAD_INPUT);
        assertThat(run.err().strip()).isEqualTo("sigmaquant: " + message);
    }

    @Test
    void benchFleet_tooManyAgents_isRefusedInOneLine() {
        assertRefused(CliRun.of("bench-fleet", "--broker", "tcp://127.0.0.1:1", "--server", "http://127.0.0.1:1",
                "--agents", 2001), "--agents must be between 1 and 2000: 2001");
    }

    @Test
    void benchFleet_tooManyRuns_isRefusedInOneLine() {
        assertRefused(CliRun.of("bench-fleet", "--broker", "tcp://127.0.0.1:1", "--server", "http://127.0.0.1:1",
                "--agents", 10, "--runs", 201), "--runs must be between 0 and 200: 201");
    }

    @Test
    void benchFleet_negativeDuration_isRefusedInOneLine() {
        assertRefused(CliRun.of("bench-fleet", "--broker", "tcp://127.0.0.1:1", "--server", "http://127.0.0.1:1",
                "--agents", 10, "--duration-s", -1), "--duration-s must be between 1 and 86400: -1");
    }

    @Test
    void benchFleet_missingModel_isRefusedInOneLine() {
        assertRefused(CliRun.of("bench-fleet", "--broker", "tcp://127.0.0.1:1", "--server", "http://127.0.0.1:1",
                "--agents", 10, "--runs", 1, "--model", "no-such.onnx"), "model not found: no-such.onnx");
    }
}
