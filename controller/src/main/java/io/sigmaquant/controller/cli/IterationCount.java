package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.loop.IterationKind;
import java.util.Locale;

/** Counts the iterations the loop chose, those {@code --max-iterations} limits, for "iteration k of N". */
final class IterationCount {
    private final int max;
    private int chosen;

    IterationCount(int max) {
        this.max = max;
    }

    /** ", iteration k of N" for an iteration the loop chose; "" for calibration and the benchmarks' ones. */
    String next(IterationKind kind) {
        return kind.chosenByTheLoop() ? String.format(Locale.ROOT, ", iteration %d of %d", ++chosen, max) : "";
    }
}
