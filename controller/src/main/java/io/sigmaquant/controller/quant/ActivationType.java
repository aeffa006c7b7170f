package io.sigmaquant.controller.quant;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.RuntimeFormat;

/**
 * Integer type of quantized activations. ONNX Runtime's x86 integer kernels want uint8 activations with
 * int8 weights; ARM64 runs int8 (s8s8) fastest but accepts uint8 too.
 */
public enum ActivationType {
    UINT8(DataType.UINT8, 0, 255),
    INT8(DataType.INT8, -128, 127);

    private final DataType onnxType;
    private final int qmin;
    private final int qmax;

    ActivationType(DataType onnxType, int qmin, int qmax) {
        this.onnxType = onnxType;
        this.qmin = qmin;
        this.qmax = qmax;
    }

    /** uint8 on x86-64 hosts (where ONNX Runtime fuses u8s8 kernels), int8 elsewhere. */
    public static ActivationType forHost() {
        String arch = System.getProperty("os.arch", "");
        return arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86") ? UINT8 : INT8;
    }

    /**
     * The activations a board runs integer layers with: none (null) unless it has W8A8 kernels; then uint8 on
     * x86 (ONNX Runtime's u8s8 kernels) and int8 on Arm.
     */
    public static ActivationType forProfile(DeviceProfile profile) {
        if (!profile.formats().contains(RuntimeFormat.W8A8)) {
            return null;
        }
        return profile.hardware().isa().stream().anyMatch(i -> i.startsWith("x86")) ? UINT8 : INT8;
    }

    public DataType onnxType() {
        return onnxType;
    }

    /** Asymmetric per-tensor parameters for the range [min, max] (which contains 0). */
    public Params params(float min, float max) {
        float scale = max > min ? (max - min) / (qmax - qmin) : 1f;
        int zp = Math.round(qmin - min / scale);
        return new Params(scale, Math.max(qmin, Math.min(qmax, zp)));
    }

    /** Scale and zero point of one activation tensor. */
    public record Params(float scale, int zeroPoint) {
    }
}
