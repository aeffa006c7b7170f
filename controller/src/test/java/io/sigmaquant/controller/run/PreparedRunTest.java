package io.sigmaquant.controller.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.quant.ActivationCalibrator;
import io.sigmaquant.controller.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** Which runs are accepted without a data set, and what their activations are calibrated on. */
class PreparedRunTest {
    static final String W8A8_CLASS = "x86-64-generic";

    private static RunRequest.Builder latencyOnly() {
        return RunRequest.builder(W8A8_CLASS).maxSizeBytes(40_960.0).latencyFraction(0.9);
    }

    @Test
    void check_w8a8ClassWithoutData_isAcceptedAndCalibratesOnGeneratedInputs() {
        PreparedRun run = PreparedRun.check(latencyOnly().build(), Fixtures.model("resnet"), null);

        InputBatches calibration = run.activationCalibration();

        assertThat(run.activations()).isNotNull();
        assertThat(calibration.count()).isEqualTo(ActivationCalibrator.DEFAULT_IMAGES);
        assertThat(calibration.shape(2)).isEqualTo(run.analysis().input().withBatch(2));
        assertThat(run.describe(calibration))
                .isEqualTo(new ActivationCalibration(ActivationCalibration.Source.GENERATED, 512));
    }

    @Test
    void check_w8a8ClassWithoutData_generatesTheSameInputsEachTime() {
        PreparedRun run = PreparedRun.check(latencyOnly().build(), Fixtures.model("resnet"), null);

        assertThat(run.activationCalibration().batch(0, 4)).isEqualTo(run.activationCalibration().batch(0, 4));
    }

    @Test
    void check_outputsModeWithoutData_isRefused() {
        assertThatThrownBy(() -> PreparedRun.check(latencyOnly().sensitivityMode("outputs").build(),
                Fixtures.model("resnet"), null)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("outputs-mode sensitivity needs calibration images")
                .hasMessageContaining("weights mode");
    }

    @Test
    void check_withData_calibratesOnTheImages() {
        PreparedRun run = PreparedRun.check(latencyOnly().build(), Fixtures.model("resnet"), Fixtures.data());

        InputBatches calibration = run.activationCalibration();

        assertThat(run.describe(calibration).source()).isEqualTo(ActivationCalibration.Source.IMAGES);
        assertThat(run.describe(calibration).inputs()).isEqualTo(calibration.count());
    }

    @Test
    void describe_floatActivations_isNone() {
        PreparedRun run = PreparedRun.check(latencyOnly().build(), Fixtures.model("resnet"), null);

        assertThat(run.describe(null)).isEqualTo(new ActivationCalibration(ActivationCalibration.Source.NONE, 0));
        assertThat(run.describe(null).note()).contains("float");
    }
}
