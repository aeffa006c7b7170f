package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.allocation.Allocator;
import io.sigmaquant.controller.allocation.AllocatorChoice;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.allocation.SigmaQuantAllocator;
import io.sigmaquant.controller.allocation.SigmaQuantOptions;
import io.sigmaquant.controller.cost.SizeBasis;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Budgets, mode, method and the SigmaQuant knobs, as flags. */
final class AllocationOptions {
    @Option(names = "--max-size", paramLabel = "SIZE", description = "size budget: bytes, or with a unit (KiB, MiB, KB, MB)")
    String maxSize;

    @Option(names = "--size-basis", paramLabel = "packed|file", defaultValue = "packed",
            description = "what --max-size limits: packed bits (default) or bytes of the ONNX file")
    String sizeBasis;

    @Option(names = "--max-latency-ms", paramLabel = "MS", description = "latency budget per inference (predicted)")
    Double maxLatencyMs;

    @Option(names = "--max-energy-mj", paramLabel = "MJ", description = "energy budget per inference (predicted)")
    Double maxEnergyMj;

    @Option(names = "--max-accuracy-drop", paramLabel = "POINTS",
            description = "largest loss of top-1 (percentage points) against FP32, measured on --data")
    Double maxAccuracyDrop;

    @Option(names = "--minimize", paramLabel = "size|latency|energy",
            description = "accuracy-floor mode: the smallest resource that keeps --max-accuracy-drop")
    String minimize;

    @Option(names = "--method", paramLabel = "sigmaquant|sigmaquant-paper|exact|uniform:B",
            defaultValue = SigmaQuantAllocator.NAME,
            description = "sigmaquant (default: the paper's method plus Lagrangian starts, local search and a bounded "
                    + "search that proves optimality where it can), sigmaquant-paper (σ clustering and Phase 2 as "
                    + "published), exact (OR-Tools CP-SAT) or uniform:B")
    String method;

    @Option(names = "--k-rule", paramLabel = "bic|fixed:K", defaultValue = "bic",
            description = "Phase 1 cluster count: bic (default) or a fixed K")
    String kRule;

    @Option(names = "--sigma-scale", paramLabel = "log|linear", defaultValue = "log",
            description = "Phase 1 clusters log σ (default) or σ")
    String sigmaScale;

    @Option(names = "--move-rule", paramLabel = "ratio|delta", defaultValue = "ratio",
            description = "Phase 2 ranks moves by ΔD per normalised cost (ratio, default) or by ΔD alone (delta)")
    String moveRule;

    @Option(names = "--time-limit", paramLabel = "S", defaultValue = "30",
            description = "CP-SAT time limit in seconds for --method exact (default: ${DEFAULT-VALUE})")
    double timeLimit;

    Budgets budgets() {
        Double size = maxSize == null ? null : ByteSize.parse(maxSize, "--max-size");
        check(maxLatencyMs, "--max-latency-ms");
        check(maxEnergyMj, "--max-energy-mj");
        if (maxAccuracyDrop != null && (maxAccuracyDrop < 0 || maxAccuracyDrop > 100)) {
            throw new UserInputException("--max-accuracy-drop must be between 0 and 100 points: " + maxAccuracyDrop);
        }
        return Budgets.of(size, maxLatencyMs, maxEnergyMj);
    }

    /** The flag that sets a budget: the command line's name for it in messages. */
    static String flag(Resource r) {
        return switch (r) {
            case SIZE -> "--max-size";
            case LATENCY -> "--max-latency-ms";
            case ENERGY -> "--max-energy-mj";
        };
    }

    private static void check(Double v, String flag) {
        if (v != null && !(v > 0 && Double.isFinite(v))) {
            throw new UserInputException(flag + " must be a positive number: " + v);
        }
    }

    SizeBasis sizeBasis() {
        return switch (sizeBasis) {
            case "packed" -> SizeBasis.PACKED;
            case "file" -> SizeBasis.FILE;
            default -> throw new UserInputException("--size-basis must be packed or file, not '" + sizeBasis + "'");
        };
    }

    Resource minimizeTarget() {
        if (minimize == null) {
            return null;
        }
        for (Resource r : Resource.values()) {
            if (r.label().equals(minimize)) {
                return r;
            }
        }
        throw new UserInputException("--minimize must be size, latency or energy, not '" + minimize + "'");
    }

    Allocator allocator() {
        boolean sigmaQuant = method.startsWith("sigmaquant");
        return AllocatorChoice.parse(method, sigmaQuant ? sigmaQuantOptions() : null, timeLimit, "--method");
    }

    SigmaQuantOptions sigmaQuantOptions() {
        SigmaQuantOptions.KRule rule;
        int k = SigmaQuantOptions.defaults().fixedK();
        if (kRule.equals("bic")) {
            rule = SigmaQuantOptions.KRule.BIC;
        } else if (kRule.startsWith("fixed:")) {
            rule = SigmaQuantOptions.KRule.FIXED;
            try {
                k = Integer.parseInt(kRule.substring("fixed:".length()));
            } catch (NumberFormatException e) {
                k = 0;
            }
            if (k < 1) {
                throw new UserInputException("--k-rule fixed:K needs a positive integer K, not '" + kRule + "'");
            }
        } else {
            throw new UserInputException("--k-rule must be bic or fixed:K, not '" + kRule + "'");
        }
        return new SigmaQuantOptions(rule, k, parse(SigmaQuantOptions.SigmaScale.class, sigmaScale, "--sigma-scale"),
                parse(SigmaQuantOptions.MoveRule.class, moveRule, "--move-rule"));
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String flag) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
                return e;
            }
        }
        throw new UserInputException(flag + " does not accept '" + value + "'");
    }
}
