package io.sigmaquant.controller.cli;

/** Public entry to in-process CLI runs for tests in other packages. */
public final class CliRunner {
    /** Exit code and captured output. */
    public record Result(int exitCode, String out, String err) {
    }

    private CliRunner() {
    }

    public static Result run(Object... args) {
        CliRun r = CliRun.of(args);
        return new Result(r.exitCode(), r.out(), r.err());
    }
}
