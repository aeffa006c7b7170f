package io.sigmaquant.controller.analysis;

import java.util.Arrays;

/**
 * A quantizable layer of a (BatchNorm-folded) model.
 *
 * @param name          the node name; configs and reports name layers by it
 * @param op            Conv, Gemm or MatMul
 * @param weightTensor  the constant tensor holding the weights (after resolving Identity/Constant)
 * @param weightInput   the node input through which the weights arrive (what quantization rewires)
 * @param biasTensor    the constant bias tensor, or null
 * @param weightShape   as stored in ONNX
 * @param channelAxis   the weight axis of output channels (0 for Conv and Gemm transB=1, else 1)
 * @param groups        Conv groups (1 for dense layers); groups == channels means depthwise
 * @param weightParams  number of weights
 * @param biasParams    number of bias values
 * @param macs          multiply-accumulates for one sample (batch 1)
 * @param sigma         population standard deviation of the weights
 * @param outputShape   output shape for batch 1
 * @param inputElements elements of the activation input for batch 1
 */
public record Layer(String name, String op, String weightTensor, String weightInput, String biasTensor,
                    long[] weightShape, int channelAxis, long groups, long weightParams, long biasParams,
                    long macs, double sigma, long[] outputShape, long inputElements) {

    public long outputElements() {
        long n = 1;
        for (long d : outputShape) {
            n *= d;
        }
        return n;
    }

    public long params() {
        return weightParams + biasParams;
    }

    public int outputChannels() {
        return (int) weightShape[channelAxis];
    }

    public boolean depthwise() {
        return op.equals("Conv") && groups > 1 && groups == weightShape[0];
    }

    /** A short human description of the weight shape, e.g. {@code 16x1x3x3}. */
    public String shapeText() {
        return String.join("x", Arrays.stream(weightShape).mapToObj(Long::toString).toList());
    }
}
