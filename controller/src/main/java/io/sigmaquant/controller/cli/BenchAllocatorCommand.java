package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.allocation.Allocation;
import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Allocator;
import io.sigmaquant.controller.allocation.CpSatAllocator;
import io.sigmaquant.controller.allocation.SigmaQuantAllocator;
import io.sigmaquant.controller.allocation.SigmaQuantOptions;
import io.sigmaquant.controller.bench.SyntheticProblems;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sigmaquant bench-allocator}: allocation time (sensitivity excluded) on synthetic models. */
@Command(name = "bench-allocator", mixinStandardHelpOptions = true,
        description = "Time SigmaQuant and exact CP-SAT allocation on synthetic models (sensitivity excluded).")
final class BenchAllocatorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--layers", paramLabel = "N", defaultValue = "200", description = "layers (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--problems", paramLabel = "N", defaultValue = "5", description = "seeded problems (default: ${DEFAULT-VALUE})")
    int problems;

    @Option(names = "--budget-fraction", paramLabel = "F", defaultValue = "0.3",
            description = "size and latency budgets at this fraction between smallest and largest (default: ${DEFAULT-VALUE})")
    double fraction;

    @Option(names = "--time-limit", paramLabel = "S", defaultValue = "60", description = "CP-SAT time limit")
    double timeLimit;

    @Override
    public Integer call() {
        if (layers < 1 || problems < 1 || fraction <= 0 || fraction > 1) {
            throw new UserInputException("--layers and --problems must be positive and --budget-fraction in (0, 1]");
        }
        Allocator sigmaquant = new SigmaQuantAllocator(SigmaQuantOptions.defaults());
        Allocator exact = new CpSatAllocator(timeLimit);
        exact.allocate(SyntheticProblems.generate(-1, 5, fraction)); // loads the native library outside the timing
        List<double[]> rows = new ArrayList<>();
        var out = spec.commandLine().getOut();
        out.println("| problem | layers | SigmaQuant ms | exact ms | exact status | gap |");
        out.println("|---|---|---|---|---|---|");
        for (int seed = 0; seed < problems; seed++) {
            AllocationProblem p = SyntheticProblems.generate(seed, layers, fraction);
            Allocation sq = sigmaquant.allocate(p);
            Allocation ex = exact.allocate(p);
            double gap = 100 * (sq.objective() - ex.objective()) / ex.objective();
            rows.add(new double[] {sq.elapsedMs(), ex.elapsedMs()});
            out.printf(Locale.ROOT, "| %d | %d | %.1f | %.0f | %s | %.2f %% |%n", seed, layers, sq.elapsedMs(),
                    ex.elapsedMs(), ex.status(), gap);
        }
        double[] sq = rows.stream().mapToDouble(r -> r[0]).sorted().toArray();
        double[] ex = rows.stream().mapToDouble(r -> r[1]).sorted().toArray();
        out.printf(Locale.ROOT, "%nmedian: SigmaQuant %.1f ms, exact %.0f ms (%d problems of %d layers, %d bitwidths %s)%n",
                sq[sq.length / 2], ex[ex.length / 2], problems, layers, SyntheticProblems.BITS.length,
                Arrays.toString(SyntheticProblems.BITS));
        out.flush();
        return 0;
    }
}
