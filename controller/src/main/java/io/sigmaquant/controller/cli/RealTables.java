package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.bench.ProblemCorpus;
import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.controller.cost.SizeBasis;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.planning.ProblemBuilder;
import io.sigmaquant.controller.sensitivity.Sensitivity;
import io.sigmaquant.controller.sensitivity.SensitivityCache;
import io.sigmaquant.controller.sensitivity.SensitivityMode;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.DeviceProfiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Corpus problems from a real model: its sensitivity tables in both KL modes (outputs mode where data is
 * given; cached like every table), the costs of three unlike profiles (an x86 CPU, a Raspberry Pi 4 whose
 * weight-only int8 is slower than fp32, a bit-serial accelerator), and budgets at the packed size of every
 * uniform model, at latency fractions, and both together.
 */
final class RealTables {
    private static final List<String> PROFILES = List.of("x86-64-generic", "raspberry-pi-4", "shift-add-asic");
    private static final int SENSITIVITY_IMAGES = 256;

    private RealTables() {
    }

    static List<ProblemCorpus.Entry> entries(Path file, DataOptions data) {
        ModelLoading loaded = ModelLoading.load(file);
        String name = file.getFileName().toString().replaceFirst("\\.onnx$", "");
        List<ProblemCorpus.Entry> entries = new ArrayList<>();
        List<SensitivityMode> modes = data.data == null ? List.of(SensitivityMode.WEIGHTS)
                : List.of(SensitivityMode.OUTPUTS, SensitivityMode.WEIGHTS);
        for (SensitivityMode mode : modes) {
            SensitivityTable table = table(loaded, data, mode);
            String family = "real:" + name + "/" + mode.id();
            long seed = 0;
            for (String profileId : PROFILES) {
                DeviceProfile profile = DeviceProfiles.load(profileId);
                List<Integer> allowed = List.copyOf(profile.allowedBits());
                AllocationProblem open = ProblemBuilder.build(loaded.analysis(),
                        new PriorCostModel(profile, SizeBasis.PACKED), table, allowed, Budgets.none());
                for (Budgets b : budgets(open)) {
                    entries.add(new ProblemCorpus.Entry(family, seed++, open.withBudgets(b)));
                }
            }
        }
        return entries;
    }

    private static SensitivityTable table(ModelLoading loaded, DataOptions data, SensitivityMode mode) {
        InputBatches calibration = mode == SensitivityMode.OUTPUTS ? data.calibration(loaded.model(),
                loaded.analysis().input(), SENSITIVITY_IMAGES, "outputs-mode sensitivity") : null;
        try {
            byte[] bytes = Files.readAllBytes(loaded.file());
            return new Sensitivity(new SensitivityCache(SensitivityCache.defaultDir())).compute(bytes,
                    loaded.analysis(), mode, calibration, List.of(2, 3, 4, 5, 6, 7, 8), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Size at every uniform model's packed size; latency at 10 %, 40 % and 70 % of its range; size and latency. */
    private static List<Budgets> budgets(AllocationProblem open) {
        List<Budgets> budgets = new ArrayList<>();
        List<Double> sizes = new ArrayList<>();
        for (int j = 0; j < open.choices(); j++) {
            if (open.bits()[j] == 32) {
                continue;
            }
            int[] uniform = new int[open.size()];
            Arrays.fill(uniform, j);
            sizes.add(open.total(Resource.SIZE, uniform));
            budgets.add(new Budgets(Map.of(Resource.SIZE, sizes.get(sizes.size() - 1))));
        }
        double min = open.minimum(Resource.LATENCY);
        double max = open.maximum(Resource.LATENCY);
        if (max > min) {
            for (double f : new double[] {0.1, 0.4, 0.7}) {
                double latency = min + (max - min) * f;
                budgets.add(new Budgets(Map.of(Resource.LATENCY, latency)));
                budgets.add(new Budgets(Map.of(Resource.SIZE, sizes.get(sizes.size() / 2), Resource.LATENCY, latency)));
            }
        }
        return budgets;
    }
}
