package io.sigmaquant.controller.planning;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.sigmaquant.controller.allocation.Allocation;
import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.allocation.SigmaQuantAllocator;
import io.sigmaquant.controller.allocation.SigmaQuantOptions;
import io.sigmaquant.controller.allocation.UniformAllocator;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.controller.cost.SizeBasis;
import io.sigmaquant.controller.data.DataDirectory;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.data.Preprocessing;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.quant.ExportOptions;
import io.sigmaquant.controller.sensitivity.Sensitivity;
import io.sigmaquant.controller.sensitivity.SensitivityCache;
import io.sigmaquant.controller.sensitivity.SensitivityMode;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.DeviceProfiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Verifies issue acceptance point 2 for real: at the packed size of uniform 3- and 4-bit weights, the
 * SigmaQuant allocation, quantized and run in ONNX Runtime on the evaluation subset, is at least as accurate
 * as the uniform model of that size.
 */
class MixedPrecisionAccuracyTest {
    static final List<String> MODELS = Fixtures.MODELS;

    @ParameterizedTest
    @FieldSource("MODELS")
    void sigmaquant_atUniformSizes_isAtLeastAsAccurateAsUniform(String name) throws Exception {
        ModelProto model = OnnxModels.load(Fixtures.model(name));
        ModelAnalysis a = ModelAnalyzer.analyze(model);
        Preprocessing pre = Preprocessing.resolve(model, null, null, null);
        InputBatches calib = new InputBatches(DataDirectory.load(Fixtures.data(), DataDirectory.Split.CALIB).limit(256),
                pre, a.input());
        InputBatches eval = new InputBatches(DataDirectory.load(Fixtures.data(), DataDirectory.Split.EVAL), pre, a.input());
        DeviceProfile profile = DeviceProfiles.load("x86-64-generic");
        List<Integer> bits = List.copyOf(profile.allowedBits());
        SensitivityTable table = new Sensitivity(new SensitivityCache(Path.of("target/sensitivity-cache")))
                .compute(Files.readAllBytes(Fixtures.model(name)), a, SensitivityMode.OUTPUTS, calib,
                        bits.stream().filter(b -> b != 32).toList(), 0);
        AllocationProblem open = ProblemBuilder.build(a, new PriorCostModel(profile, SizeBasis.PACKED), table, bits,
                Budgets.none());
        AccuracyCheck check = new AccuracyCheck(a, new ExportOptions(null, a.opset(), 0), null, eval);
        for (int uniformBits : new int[] {3, 4}) {
            Allocation uniform = new UniformAllocator(uniformBits).allocate(open);
            double size = open.total(Resource.SIZE, uniform.choice());
            AllocationProblem p = open.withBudgets(Budgets.of(size, null, null));
            Allocation mixed = new SigmaQuantAllocator(SigmaQuantOptions.defaults()).allocate(p);

            assertThat(p.total(Resource.SIZE, mixed.choice())).isLessThanOrEqualTo(size);
            assertThat(check.top1(mixed.bits(p))).as("%s at the %d-bit size", name, uniformBits)
                    .isGreaterThanOrEqualTo(check.top1(uniform.bits(p)));
        }
    }
}
