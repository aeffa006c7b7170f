package io.sigmaquant.controller.analysis;

import java.util.Arrays;
import java.util.List;

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
 * @param upstream      the layers whose outputs reach this layer's input through non-layer operators (pooling,
 *                      activations, adds, reshapes), {@link #MODEL_INPUT} where the model's input does; empty
 *                      when unknown. Latency models need it: where a float layer meets an integer one, the
 *                      runtime quantizes or dequantizes the tensor between them.
 * @param downstream    the layers this layer's output reaches the same way, {@link #MODEL_OUTPUT} where a model
 *                      output does; empty when unknown
 */
public record Layer(String name, String op, String weightTensor, String weightInput, String biasTensor,
                    long[] weightShape, int channelAxis, long groups, long weightParams, long biasParams,
                    long macs, double sigma, long[] outputShape, long inputElements, List<String> upstream,
                    List<String> downstream) {
    /** The neighbour named in {@link #upstream} where the model's input reaches a layer. */
    public static final String MODEL_INPUT = "<model input>";
    /** The neighbour named in {@link #downstream} where a layer's output reaches a model output. */
    public static final String MODEL_OUTPUT = "<model output>";

    public Layer {
        upstream = List.copyOf(upstream);
        downstream = List.copyOf(downstream);
    }

    /** A layer whose neighbours are not known (yet). */
    public Layer(String name, String op, String weightTensor, String weightInput, String biasTensor,
                 long[] weightShape, int channelAxis, long groups, long weightParams, long biasParams,
                 long macs, double sigma, long[] outputShape, long inputElements) {
        this(name, op, weightTensor, weightInput, biasTensor, weightShape, channelAxis, groups, weightParams,
                biasParams, macs, sigma, outputShape, inputElements, List.of(), List.of());
    }

    /** The same layer with its graph neighbours. */
    public Layer withNeighbours(List<String> up, List<String> down) {
        return new Layer(name, op, weightTensor, weightInput, biasTensor, weightShape, channelAxis, groups,
                weightParams, biasParams, macs, sigma, outputShape, inputElements, up, down);
    }

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
