package io.sigmaquant.controller.run;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.bench.TradeoffBenchmark;
import io.sigmaquant.controller.bench.TradeoffPoint;
import io.sigmaquant.controller.data.DataDirectory;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.files.JsonFiles;
import io.sigmaquant.controller.planning.AccuracyCheck;
import io.sigmaquant.controller.planning.ProblemBuilder;
import io.sigmaquant.controller.progress.ProgressReporter;
import io.sigmaquant.controller.quant.ExportOptions;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The accuracy–size front of a run that has labelled evaluation images: {@link TradeoffBenchmark}'s levels
 * (uniform, the paper method, the default allocator and exact) on the run's model, device class and sensitivity,
 * with the run's chosen configuration measured the same way, written as {@value #FILE} into the run's out folder.
 * Accuracy is that of {@code sigmaquant tradeoff}: weights quantized, activations in float, top-1 on the images.
 */
public final class RunTradeoff {
    public static final String FILE = "tradeoff.json";
    /** CP-SAT's limit per level: bounds the front's time; the exact method's status says where it proved. */
    public static final double EXACT_TIME_LIMIT_S = 5;
    /** Evaluation images at most: 12 allocations and a search are each measured on all of them. */
    public static final int EVAL_IMAGES = 500;

    /** tradeoff.json: the levels, and the run's chosen configuration (null when it chose none). */
    public record Front(double fp32Top1, int samples, String sensitivity, List<TradeoffPoint> points,
                        Chosen chosen) {
    }

    /** The run's chosen configuration on the same axes. */
    public record Chosen(Map<String, Integer> bits, double bytes, double top1) {
    }

    private RunTradeoff() {
    }

    /** Whether the run was submitted with labelled evaluation images. */
    public static boolean hasEvalImages(PreparedRun run) {
        if (run.dataDir() == null) {
            return false;
        }
        try {
            DataDirectory.files(run.dataDir(), DataDirectory.Split.EVAL);
            return true;
        } catch (UserInputException e) {
            return false;
        }
    }

    /** The problem without budgets, size on the packed basis, as {@code sigmaquant tradeoff} builds it. */
    public static AllocationProblem openProblem(PreparedRun run, SensitivityTable table) {
        return ProblemBuilder.build(run.analysis(), run.prior(), table, List.copyOf(run.profile().allowedBits()),
                Budgets.none());
    }

    /** Top-1 of weight-quantized configurations on the run's first {@link #EVAL_IMAGES} evaluation images. */
    public static AccuracyCheck accuracyCheck(PreparedRun run) {
        InputBatches eval = new InputBatches(DataDirectory.load(run.dataDir(), DataDirectory.Split.EVAL)
                .limit(EVAL_IMAGES), run.preprocessing(), run.analysis().input());
        return new AccuracyCheck(run.analysis(), new ExportOptions(null, run.analysis().opset(), 0), null, eval);
    }

    /**
     * Computes the front and writes it atomically.
     *
     * @param chosen the run's final bits, or null when it proved none
     */
    public static Front write(PreparedRun run, SensitivityTable table, Map<String, Integer> chosen, Path outDir,
                              double exactTimeLimitS) {
        AllocationProblem open = openProblem(run, table);
        AccuracyCheck check = accuracyCheck(run);
        TradeoffBenchmark.Result result = TradeoffBenchmark.run(open, check, exactTimeLimitS, ProgressReporter.NONE,
                "tradeoff " + run.modelFile().getFileName());
        Chosen mark = chosen == null ? null : new Chosen(chosen, open.total(Resource.SIZE, choice(open, chosen)),
                check.top1(chosen));
        Front front = new Front(check.fp32Top1(), check.samples(), table.source(), result.points(), mark);
        JsonFiles.write(outDir.resolve(FILE), front);
        return front;
    }

    /** The problem's choice indices of {@code bits}, layer by layer. */
    private static int[] choice(AllocationProblem p, Map<String, Integer> bits) {
        int[] choice = new int[p.size()];
        for (int l = 0; l < p.size(); l++) {
            int j = Arrays.binarySearch(p.bits(), bits.get(p.layers().get(l)));
            if (j < 0) {
                throw new IllegalArgumentException("bits of " + p.layers().get(l) + " not allowed: " + bits);
            }
            choice[l] = j;
        }
        return choice;
    }
}
