package io.sigmaquant.controller.quant;

/**
 * How to export a quantized model.
 *
 * @param activations    null for float activations (weight-only), else the integer type of activations
 * @param opset          default-domain opset of the written model (INT4 weight storage needs 21)
 * @param threads        ONNX Runtime threads for calibration
 */
public record ExportOptions(ActivationType activations, int opset, int threads) {
    public boolean quantizeActivations() {
        return activations != null;
    }

    public boolean int4Storage() {
        return opset >= 21;
    }
}
