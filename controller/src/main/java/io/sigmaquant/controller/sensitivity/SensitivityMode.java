package io.sigmaquant.controller.sensitivity;

/** How the KL sensitivity D_l(b) is measured (docs/ALLOCATION.md). */
public enum SensitivityMode {
    /** Mean KL between the FP32 softmax output and the output with only layer l quantized, over calibration images. */
    OUTPUTS,
    /** Data-free: KL between the histograms of a layer's float weights and of their quantized values. */
    WEIGHTS;

    public String id() {
        return name().toLowerCase();
    }
}
