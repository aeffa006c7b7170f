package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.allocation.Allocation;
import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Allocator;
import io.sigmaquant.controller.allocation.CpSatAllocator;
import io.sigmaquant.controller.allocation.InfeasibleBudgetException;
import io.sigmaquant.controller.allocation.SigmaQuantAllocator;
import io.sigmaquant.controller.allocation.SigmaQuantOptions;
import io.sigmaquant.controller.allocation.SigmaQuantPaperAllocator;
import io.sigmaquant.controller.bench.CorpusBenchmark;
import io.sigmaquant.controller.bench.ProblemCorpus;
import io.sigmaquant.controller.files.AtomicFile;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sigmaquant bench-allocator}: the allocator against the exact optimum on a corpus of generated problems
 * (and, with {@code --model}, the real sensitivity tables of those models), and allocation times at 200 and
 * 60 layers. Sensitivity is excluded from every time.
 */
@Command(name = "bench-allocator", mixinStandardHelpOptions = true,
        description = "Optimality gap of sigmaquant and sigmaquant-paper against exact CP-SAT on a corpus of "
                + "generated problems (and real sensitivity tables with --model), and allocation times.")
final class BenchAllocatorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--per-family", paramLabel = "N", defaultValue = "100",
            description = "generated problems per family (default: ${DEFAULT-VALUE}; 0 skips the corpus)")
    int perFamily;

    @Option(names = "--family", paramLabel = "NAME", split = ",",
            description = "only these generated families (default: all), e.g. slow-int8,three-budgets")
    List<String> families = new ArrayList<>();

    @Option(names = "--model", paramLabel = "FILE",
            description = "add the real sensitivity tables of this model (both KL modes; outputs mode needs --data)")
    List<Path> models = new ArrayList<>();

    @Mixin
    DataOptions data;

    @Option(names = "--timing-problems", paramLabel = "N", defaultValue = "21",
            description = "problems per timing row (default: ${DEFAULT-VALUE}; 0 skips the timing)")
    int timingProblems;

    @Option(names = "--time-limit", paramLabel = "S", defaultValue = "120", description = "CP-SAT time limit per solve")
    double timeLimit;

    @Option(names = "--outcomes", paramLabel = "FILE", description = "write every problem's outcome as CSV")
    Path outcomesFile;

    @Option(names = "--verbose", description = "print each problem's outcome to stderr as it is solved")
    boolean verbose;

    @Override
    public Integer call() {
        if (perFamily < 0 || timingProblems < 0 || !(timeLimit > 0)) {
            throw new UserInputException("--per-family and --timing-problems must be ≥ 0 and --time-limit positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        Allocator sigmaquant = new SigmaQuantAllocator(SigmaQuantOptions.defaults());
        Allocator paper = new SigmaQuantPaperAllocator(SigmaQuantOptions.defaults());
        Allocator reference = CpSatAllocator.reference(timeLimit);
        warmUp(sigmaquant, paper, reference);
        List<ProblemCorpus.Entry> corpus = new ArrayList<>(ProblemCorpus.generate(perFamily, families(families)));
        for (Path model : models) {
            corpus.addAll(RealTables.entries(model, data));
        }
        if (!corpus.isEmpty()) {
            corpus(out, corpus, sigmaquant, paper, reference);
        }
        if (timingProblems > 0) {
            timing(out, sigmaquant, paper);
        }
        out.flush();
        return 0;
    }

    private static List<ProblemCorpus.Family> families(List<String> names) {
        if (names.isEmpty()) {
            return List.of(ProblemCorpus.Family.values());
        }
        List<ProblemCorpus.Family> chosen = new ArrayList<>();
        for (String name : names) {
            chosen.add(java.util.Arrays.stream(ProblemCorpus.Family.values()).filter(f -> f.id().equals(name))
                    .findFirst().orElseThrow(() -> new UserInputException("--family must be one of "
                            + java.util.Arrays.stream(ProblemCorpus.Family.values()).map(ProblemCorpus.Family::id)
                                    .toList() + ", not '" + name + "'")));
        }
        return chosen;
    }

    private void corpus(PrintWriter out, List<ProblemCorpus.Entry> corpus, Allocator sigmaquant, Allocator paper,
                        Allocator reference) {
        Map<String, List<CorpusBenchmark.Outcome>> byFamily = new LinkedHashMap<>();
        List<CorpusBenchmark.Outcome> all = new ArrayList<>();
        for (ProblemCorpus.Entry e : corpus) {
            CorpusBenchmark.Outcome o = CorpusBenchmark.run(e, sigmaquant, paper, reference);
            if (verbose) {
                spec.commandLine().getErr().printf(Locale.ROOT, "%s %d: %d layers, %d budgets, exact %s %.0f ms, "
                        + "gap %.4f %%, sigmaquant %s %.1f ms%n", o.family(), o.seed(), o.layers(), o.budgets(),
                        o.exactStatus(), o.exactMs(), 100 * o.gap(), o.sigmaquantStatus(), o.sigmaquantMs());
                spec.commandLine().getErr().flush();
            }
            byFamily.computeIfAbsent(e.family(), f -> new ArrayList<>()).add(o);
            all.add(o);
        }
        out.println("| family | problems | feasible (CP-SAT proved optimal) | sigmaquant proved optimal "
                + "| feasibility agreed | gap median | gap p99 | gap max | within 1 % | paper: gap median "
                + "| paper: within 1 % | sigmaquant ms median / max | CP-SAT ms median | = best uniform |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        byFamily.forEach((family, outcomes) -> row(out, CorpusBenchmark.summarise(family, outcomes)));
        row(out, CorpusBenchmark.summarise("**all**", all));
        out.println();
        if (outcomesFile != null) {
            AtomicFile.write(outcomesFile, csv(all).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void row(PrintWriter out, CorpusBenchmark.Summary s) {
        out.printf(Locale.ROOT, "| %s | %d | %d (%d) | %d | %d | %s | %s | %s | %s | %s | %s | %.1f / %.1f | %.0f | %s |%n",
                s.family(), s.problems(), s.feasible(), s.exactProven(), s.sigmaquantProven(), s.agreed(),
                pct(s.gapMedian()), pct(s.gapP99()),
                pct(s.gapMax()), share(s.withinOnePercent()), pct(s.paperGapMedian()),
                share(s.paperWithinOnePercent()), s.sigmaquantMedianMs(), s.sigmaquantMaxMs(), s.exactMedianMs(),
                share(s.equalsUniform()));
    }

    /**
     * Medians of both SigmaQuant methods at 200 layers (one and three budgets) and of hinted CP-SAT at 60 layers
     * (the default's allocation as its hint and its bound).
     */
    private void timing(PrintWriter out, Allocator sigmaquant, Allocator paper) {
        CpSatAllocator exact = new CpSatAllocator(timeLimit);
        out.println("| what | layers × bitwidths | budgets | problems | median ms | max ms | statuses |");
        out.println("|---|---|---|---|---|---|---|");
        timingRow(out, "sigmaquant", sigmaquant, ProblemCorpus.Family.BASELINE, 200);
        timingRow(out, "sigmaquant", sigmaquant, ProblemCorpus.Family.THREE_BUDGETS, 200);
        timingRow(out, "sigmaquant-paper", paper, ProblemCorpus.Family.BASELINE, 200);
        timingRow(out, "sigmaquant-paper", paper, ProblemCorpus.Family.THREE_BUDGETS, 200);
        timingRow(out, "exact (CP-SAT, hinted)", exact, ProblemCorpus.Family.BASELINE, 60);
        timingRow(out, "exact (CP-SAT, hinted)", exact, ProblemCorpus.Family.THREE_BUDGETS, 60);
        out.println();
    }

    private void timingRow(PrintWriter out, String what, Allocator a, ProblemCorpus.Family family, int layers) {
        List<Allocation> runs = new ArrayList<>();
        for (long seed = 0; seed < timingProblems; seed++) {
            AllocationProblem p = ProblemCorpus.generate(family, seed, layers);
            try {
                runs.add(a.allocate(p));
            } catch (InfeasibleBudgetException e) {
                // jointly infeasible budgets: not a timing sample
            }
        }
        double[] ms = runs.stream().mapToDouble(Allocation::elapsedMs).sorted().toArray();
        Map<String, Long> statuses = new LinkedHashMap<>();
        runs.forEach(r -> statuses.merge(r.status(), 1L, Long::sum));
        out.printf(Locale.ROOT, "| %s | %d × %d | %d | %d | %.1f | %.1f | %s |%n", what, layers,
                ProblemCorpus.BITS.length, family == ProblemCorpus.Family.BASELINE ? 1 : 3, ms.length,
                CorpusBenchmark.quantile(ms, 0.5), CorpusBenchmark.quantile(ms, 1), statuses);
    }

    /** JIT-compiles the heuristics and loads CP-SAT's native library outside every timing. */
    private static void warmUp(Allocator sigmaquant, Allocator paper, Allocator exact) {
        for (long seed = 0; seed < 30; seed++) {
            AllocationProblem p = ProblemCorpus.generate(ProblemCorpus.Family.BASELINE, 10_000 + seed, 100);
            sigmaquant.allocate(p);
            paper.allocate(p);
        }
        exact.allocate(ProblemCorpus.generate(ProblemCorpus.Family.BASELINE, 10_000, 5));
    }

    private static String csv(List<CorpusBenchmark.Outcome> outcomes) {
        StringBuilder s = new StringBuilder("family,seed,layers,budgets,exact_status,sigmaquant_status,exact,"
                + "sigmaquant,paper,gap,paper_gap,sigmaquant_ms,paper_ms,exact_ms,equals_uniform\n");
        for (CorpusBenchmark.Outcome o : outcomes) {
            s.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%s,%s,%.9g,%.9g,%.9g,%.6g,%.6g,%.3f,%.3f,%.3f,%b%n",
                    o.family(), o.seed(), o.layers(), o.budgets(), o.exactStatus(), o.sigmaquantStatus(), o.exact(),
                    o.sigmaquant(),
                    o.paper(), o.gap(), o.paperGap(), o.sigmaquantMs(), o.paperMs(), o.exactMs(), o.equalsUniform()));
        }
        return s.toString();
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "–" : Double.isInfinite(v) ? "∞" : String.format(Locale.ROOT, "%.2f %%", v);
    }

    private static String share(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * v);
    }
}
