package io.sigmaquant.controller.sensitivity;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.model.ConstantResolver;
import io.sigmaquant.controller.model.GraphEdit;
import io.sigmaquant.controller.model.Tensors;
import io.sigmaquant.controller.quant.WeightQuantizer;
import io.sigmaquant.controller.runtime.OrtModels;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Output-mode sensitivity: for every layer l and bitwidth b, the mean KL between the FP32 model's softmax
 * output and the output with only layer l's weights quantized at b, over calibration images, in ONNX
 * Runtime. The layers' weights become graph inputs, so one session serves every (l, b): each run feeds the
 * float weights except layer l's, which are fed quantized-then-dequantized.
 */
final class OutputKlSensitivity {
    private static final int BATCH = 128;

    private final ModelAnalysis analysis;
    private final InputBatches calibration;
    private final List<float[]> floatWeights = new ArrayList<>();
    private final List<String> weightInputs = new ArrayList<>();

    OutputKlSensitivity(ModelAnalysis analysis, InputBatches calibration) {
        this.analysis = analysis;
        this.calibration = calibration;
        ConstantResolver constants = new ConstantResolver(analysis.folded().getGraph());
        for (int i = 0; i < analysis.layers().size(); i++) {
            Layer l = analysis.layers().get(i);
            floatWeights.add(Tensors.toFloats(constants.resolve(l.weightInput()).orElseThrow()));
            weightInputs.add("sigmaquant.sensitivity.weight." + i);
        }
    }

    double[][] compute(List<Integer> bits, int threads) {
        ModelProto model = weightsAsInputs();
        double[][] kl = new double[analysis.layers().size()][bits.size()];
        try (OrtSession.SessionOptions opts = OrtModels.options(threads);
             OrtSession session = OrtModels.open(model, opts)) {
            List<float[][]> reference = new ArrayList<>();
            for (int from = 0; from < calibration.count(); from += BATCH) {
                reference.add(softmax(run(session, from, Math.min(BATCH, calibration.count() - from), -1, null)));
            }
            for (int l = 0; l < kl.length; l++) {
                Layer layer = analysis.layers().get(l);
                for (int i = 0; i < bits.size(); i++) {
                    if (bits.get(i) >= 32) {
                        continue;
                    }
                    float[] q = WeightQuantizer.quantize(floatWeights.get(l), layer.weightShape(),
                            layer.channelAxis(), bits.get(i)).dequantize();
                    for (int batch = 0; batch < reference.size(); batch++) {
                        int from = batch * BATCH;
                        int n = Math.min(BATCH, calibration.count() - from);
                        kl[l][i] += klSum(reference.get(batch), softmax(run(session, from, n, l, q)));
                    }
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("closing an ONNX Runtime session failed", e);
        }
        for (double[] row : kl) {
            for (int i = 0; i < row.length; i++) {
                row[i] /= calibration.count();
            }
        }
        return kl;
    }

    private float[][] run(OrtSession session, int from, int n, int quantizedLayer, float[] quantized) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put(analysis.input().name(), OnnxTensor.createTensor(OrtModels.env(),
                    FloatBuffer.wrap(calibration.batch(from, n)), calibration.shape(n)));
            for (int l = 0; l < weightInputs.size(); l++) {
                float[] w = l == quantizedLayer ? quantized : floatWeights.get(l);
                feeds.put(weightInputs.get(l), OnnxTensor.createTensor(OrtModels.env(), FloatBuffer.wrap(w),
                        analysis.layers().get(l).weightShape()));
            }
            try (OrtSession.Result r = session.run(feeds)) {
                Object v = r.get(0).getValue();
                if (!(v instanceof float[][] out)) {
                    throw new UserInputException("output-mode sensitivity needs a [batch, classes] float output");
                }
                return out;
            }
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime failed during sensitivity: " + OrtModels.firstLine(e.getMessage()), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /** The folded model with every layer's weight input replaced by a graph input of the same shape. */
    private ModelProto weightsAsInputs() {
        GraphProto graph = analysis.folded().getGraph();
        GraphProto.Builder g = graph.toBuilder().clearNode();
        Map<String, Integer> layerIndex = new HashMap<>();
        for (int i = 0; i < analysis.layers().size(); i++) {
            layerIndex.put(analysis.layers().get(i).name(), i);
        }
        for (NodeProto n : graph.getNodeList()) {
            Integer i = layerIndex.get(n.getName());
            g.addNode(i == null ? n : n.toBuilder().setInput(1, weightInputs.get(i)).build());
        }
        for (int i = 0; i < weightInputs.size(); i++) {
            g.addInput(floatInput(weightInputs.get(i), analysis.layers().get(i).weightShape()));
        }
        return analysis.folded().toBuilder().setGraph(GraphEdit.pruneUnused(g.build())).build();
    }

    static ValueInfoProto floatInput(String name, long[] shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : shape) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    /**
     * Softmax of each row, unless the rows already are probability distributions (a model that ends in
     * Softmax), which are returned as they are.
     */
    static float[][] softmax(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            float[] x = rows[r];
            double sum = 0;
            boolean probabilities = true;
            for (float v : x) {
                sum += v;
                probabilities &= v >= 0 && v <= 1;
            }
            if (probabilities && Math.abs(sum - 1) < 1e-3) {
                out[r] = x;
                continue;
            }
            float max = Float.NEGATIVE_INFINITY;
            for (float v : x) {
                max = Math.max(max, v);
            }
            double z = 0;
            float[] e = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                e[i] = (float) Math.exp(x[i] - max);
                z += e[i];
            }
            for (int i = 0; i < x.length; i++) {
                e[i] /= (float) z;
            }
            out[r] = e;
        }
        return out;
    }

    /** Σ over rows of KL(p ‖ q). */
    static double klSum(float[][] p, float[][] q) {
        double total = 0;
        for (int r = 0; r < p.length; r++) {
            for (int i = 0; i < p[r].length; i++) {
                if (p[r][i] > 0) {
                    total += p[r][i] * Math.log(p[r][i] / Math.max(q[r][i], 1e-12));
                }
            }
        }
        return Math.max(0, total);
    }
}
