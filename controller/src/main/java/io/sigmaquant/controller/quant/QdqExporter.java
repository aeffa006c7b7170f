package io.sigmaquant.controller.quant;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.model.ConstantResolver;
import io.sigmaquant.controller.model.GraphEdit;
import io.sigmaquant.controller.model.Tensors;
import io.sigmaquant.controller.progress.Progress;
import io.sigmaquant.controller.progress.ProgressReporter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes a deployable QDQ model for a per-layer bit configuration. Integer layers read their weights
 * through a per-channel DequantizeLinear; with integer activations, the inputs and outputs of those layers
 * pass through QuantizeLinear→DequantizeLinear pairs and biases become int32, which is the pattern ONNX
 * Runtime fuses into QLinearConv / QGemm / QLinearMatMul.
 */
public final class QdqExporter {
    private QdqExporter() {
    }

    /**
     * @param calibration calibration images; required when {@code options} quantize activations
     */
    public static QuantizedModel export(ModelAnalysis analysis, Map<String, Integer> bits, ExportOptions options,
                                        InputBatches calibration) {
        return export(analysis, bits, options, calibration, null);
    }

    /**
     * As {@link #export(ModelAnalysis, Map, ExportOptions, InputBatches)}, the activation ranges taken from
     * {@code ranges} (measured once for every configuration) when it is not null.
     */
    public static QuantizedModel export(ModelAnalysis analysis, Map<String, Integer> bits, ExportOptions options,
                                        InputBatches calibration, ActivationRanges ranges) {
        return export(analysis, bits, options, calibration, ranges, ProgressReporter.NONE, "export");
    }

    /**
     * As {@link #export(ModelAnalysis, Map, ExportOptions, InputBatches, ActivationRanges)}, reporting the
     * calibration images run (as "{@code task} calibration") and each layer whose weights are quantized (as
     * {@code task}).
     */
    public static QuantizedModel export(ModelAnalysis analysis, Map<String, Integer> bits, ExportOptions options,
                                        InputBatches calibration, ActivationRanges ranges, ProgressReporter reporter,
                                        String task) {
        OpsetUpgrade.check(analysis.folded(), options.opset());
        GraphProto graph = analysis.folded().getGraph();
        List<Layer> integerLayers = analysis.layers().stream()
                .filter(l -> bits.get(l.name()) != BitConfig.FLOAT).toList();
        Map<String, ActivationType.Params> activationParams = options.quantizeActivations()
                ? calibrate(analysis, integerLayers, options, calibration, ranges, reporter, task + " calibration")
                : Map.of();
        Rewrite rewrite = new Rewrite(graph, options);
        try (Progress progress = reporter.start(task, integerLayers.size())) {
            for (Layer l : integerLayers) {
                rewrite.quantizeWeights(l, bits.get(l.name()), activationParams);
                progress.advance(1);
            }
        }
        activationParams.forEach(rewrite::quantizeActivation);
        ModelProto model = analysis.folded().toBuilder().setGraph(GraphEdit.pruneUnused(rewrite.build())).build();
        model = OpsetUpgrade.apply(model, options.opset());
        model = withMetadata(model, bits, options, calibration);
        return new QuantizedModel(model, bits, PackedSize.bytes(analysis, bits));
    }

    private static Map<String, ActivationType.Params> calibrate(ModelAnalysis analysis, List<Layer> layers,
                                                                ExportOptions options, InputBatches calibration,
                                                                ActivationRanges known, ProgressReporter reporter,
                                                                String task) {
        if (calibration == null) {
            throw new IllegalArgumentException("integer activations need calibration data");
        }
        Set<String> tensors = ActivationSites.choose(analysis.folded().getGraph(), layers);
        Map<String, ActivationCalibrator.Range> ranges = known != null ? known.of(tensors)
                : ActivationCalibrator.ranges(analysis.folded(), analysis.input(), calibration, tensors,
                options.threads(), reporter, task);
        Map<String, ActivationType.Params> params = new HashMap<>();
        ranges.forEach((t, r) -> params.put(t, options.activations().params(r.min(), r.max())));
        return params;
    }

    private static ModelProto withMetadata(ModelProto model, Map<String, Integer> bits, ExportOptions options,
                                           InputBatches calibration) {
        String acts = options.quantizeActivations()
                ? options.activations().name().toLowerCase() + " per tensor, min/max over " + calibration.count()
                + " calibration images" : "float";
        String bitsText = bits.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        return model.toBuilder()
                .addMetadataProps(entry("sigmaquant.quantization.weights", "symmetric per-channel, max-abs scale"))
                .addMetadataProps(entry("sigmaquant.quantization.activations", acts))
                .addMetadataProps(entry("sigmaquant.quantization.bits", bitsText))
                .build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** The graph being rewritten: new constants, nodes inserted before/after originals, inputs rewired. */
    private static final class Rewrite {
        private final GraphProto graph;
        private final ExportOptions options;
        private final ConstantResolver constants;
        private final Set<String> taken;
        private final List<TensorProto> initializers = new ArrayList<>();
        private final Map<String, List<NodeProto>> before = new HashMap<>();
        private final Map<String, List<NodeProto>> after = new HashMap<>();
        private final List<NodeProto> atStart = new ArrayList<>();
        private final Map<String, Map<Integer, String>> inputRewires = new HashMap<>();
        private final Map<String, String> tensorRewires = new HashMap<>();
        private final Map<String, NodeProto> producers = new HashMap<>();
        private final Map<String, NodeProto> byName = new HashMap<>();

        Rewrite(GraphProto graph, ExportOptions options) {
            this.graph = graph;
            this.options = options;
            this.constants = new ConstantResolver(graph);
            this.taken = GraphEdit.tensorNames(graph);
            graph.getNodeList().forEach(n -> {
                n.getOutputList().forEach(o -> producers.put(o, n));
                byName.put(n.getName(), n);
            });
        }

        void quantizeWeights(Layer l, int bits, Map<String, ActivationType.Params> acts) {
            float[] w = Tensors.toFloats(constants.resolve(l.weightInput()).orElseThrow());
            QuantizedWeights q = WeightQuantizer.quantize(w, l.weightShape(), l.channelAxis(), bits);
            boolean int4 = bits <= 4 && options.int4Storage();
            long[] channels = {l.outputChannels()};
            String qName = fresh(l.name() + ".weight_q");
            String sName = fresh(l.name() + ".weight_scale");
            String zName = fresh(l.name() + ".weight_zero_point");
            byte[] zeros = new byte[l.outputChannels()];
            initializers.add(int4 ? Tensors.int4s(qName, l.weightShape(), q.values())
                    : Tensors.bytes(qName, DataType.INT8, l.weightShape(), q.values()));
            initializers.add(Tensors.floats(sName, channels, q.scales()));
            initializers.add(int4 ? Tensors.int4s(zName, channels, zeros)
                    : Tensors.bytes(zName, DataType.INT8, channels, zeros));
            String dq = fresh(l.name() + ".weight_dq");
            before.computeIfAbsent(l.name(), k -> new ArrayList<>())
                    .add(dequantize(l.name() + "/weight_DequantizeLinear", qName, sName, zName, dq, l.channelAxis()));
            rewireInput(l.name(), 1, dq);
            NodeProto node = byName.get(l.name());
            ActivationType.Params in = acts.get(node.getInput(0));
            if (in != null && l.biasTensor() != null) {
                quantizeBias(l, node, q.scales(), in.scale());
            }
        }

        /** int32 bias with scale s_x·s_w[c]: the form ONNX Runtime's integer kernels take their bias in. */
        private void quantizeBias(Layer l, NodeProto node, float[] weightScales, float inputScale) {
            TensorProto bias = constants.resolve(node.getInput(2)).orElseThrow();
            float[] b = Tensors.toFloats(bias);
            if (bias.getDimsCount() != 1 || b.length != weightScales.length) {
                return; // a broadcast bias shape stays float; the layer still runs correctly
            }
            float[] scales = new float[b.length];
            int[] q = new int[b.length];
            for (int c = 0; c < b.length; c++) {
                scales[c] = inputScale * weightScales[c];
                q[c] = (int) Math.max(Integer.MIN_VALUE + 1L, Math.min(Integer.MAX_VALUE, Math.round(b[c] / (double) scales[c])));
            }
            long[] dims = {b.length};
            String qName = fresh(l.name() + ".bias_q");
            String sName = fresh(l.name() + ".bias_scale");
            String zName = fresh(l.name() + ".bias_zero_point");
            initializers.add(Tensors.int32s(qName, dims, q));
            initializers.add(Tensors.floats(sName, dims, scales));
            initializers.add(Tensors.int32s(zName, dims, new int[b.length]));
            String dq = fresh(l.name() + ".bias_dq");
            before.get(l.name()).add(dequantize(l.name() + "/bias_DequantizeLinear", qName, sName, zName, dq, 0));
            rewireInput(l.name(), 2, dq);
        }

        void quantizeActivation(String tensor, ActivationType.Params p) {
            String sName = fresh(tensor + ".scale");
            String zName = fresh(tensor + ".zero_point");
            initializers.add(Tensors.floats(sName, new long[0], new float[] {p.scale()}));
            initializers.add(Tensors.bytes(zName, options.activations().onnxType(), new long[0],
                    new byte[] {(byte) p.zeroPoint()}));
            String q = fresh(tensor + ".q");
            String dq = fresh(tensor + ".dq");
            NodeProto qNode = NodeProto.newBuilder().setOpType("QuantizeLinear").setName(fresh(tensor + "/QuantizeLinear"))
                    .addInput(tensor).addInput(sName).addInput(zName).addOutput(q).build();
            NodeProto dqNode = NodeProto.newBuilder().setOpType("DequantizeLinear")
                    .setName(fresh(tensor + "/DequantizeLinear"))
                    .addInput(q).addInput(sName).addInput(zName).addOutput(dq).build();
            NodeProto producer = producers.get(tensor);
            List<NodeProto> slot = producer == null ? atStart
                    : after.computeIfAbsent(producer.getName(), k -> new ArrayList<>());
            slot.add(qNode);
            slot.add(dqNode);
            tensorRewires.put(tensor, dq);
        }

        GraphProto build() {
            List<NodeProto> nodes = new ArrayList<>(atStart);
            for (NodeProto n : graph.getNodeList()) {
                nodes.addAll(before.getOrDefault(n.getName(), List.of()));
                nodes.add(rewired(n));
                nodes.addAll(after.getOrDefault(n.getName(), List.of()));
            }
            return graph.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(initializers).build();
        }

        private NodeProto rewired(NodeProto n) {
            NodeProto.Builder b = n.toBuilder();
            Map<Integer, String> explicit = inputRewires.getOrDefault(n.getName(), Map.of());
            for (int i = 0; i < n.getInputCount(); i++) {
                String replacement = explicit.containsKey(i) ? explicit.get(i) : tensorRewires.get(n.getInput(i));
                if (replacement != null) {
                    b.setInput(i, replacement);
                }
            }
            return b.build();
        }

        private void rewireInput(String node, int index, String tensor) {
            inputRewires.computeIfAbsent(node, k -> new HashMap<>()).put(index, tensor);
        }

        private String fresh(String base) {
            return GraphEdit.freshName(taken, base);
        }

        private static NodeProto dequantize(String name, String q, String scale, String zp, String out, int axis) {
            return NodeProto.newBuilder().setOpType("DequantizeLinear").setName(name)
                    .addInput(q).addInput(scale).addInput(zp).addOutput(out)
                    .addAttribute(GraphEdit.intAttr("axis", axis)).build();
        }
    }

    /** Which activation tensors get Q/DQ pairs. */
    static final class ActivationSites {
        private ActivationSites() {
        }

        /**
         * The input of every integer layer, and its output — taken after a sole Relu/Clip consumer, so that
         * ONNX Runtime can drop the activation into the quantized range. Graph outputs stay float.
         */
        static Set<String> choose(GraphProto graph, List<Layer> layers) {
            Map<String, List<NodeProto>> readers = new HashMap<>();
            Map<String, NodeProto> byName = new HashMap<>();
            for (NodeProto n : graph.getNodeList()) {
                byName.put(n.getName(), n);
                n.getInputList().forEach(in -> readers.computeIfAbsent(in, k -> new ArrayList<>()).add(n));
            }
            Set<String> graphOutputs = graph.getOutputList().stream().map(v -> v.getName()).collect(Collectors.toSet());
            Set<String> sites = new LinkedHashSet<>();
            for (Layer l : layers) {
                NodeProto node = byName.get(l.name());
                sites.add(node.getInput(0));
                String out = node.getOutput(0);
                List<NodeProto> consumers = readers.getOrDefault(out, List.of());
                if (consumers.size() == 1 && isActivation(consumers.get(0))) {
                    out = consumers.get(0).getOutput(0);
                }
                sites.add(out);
            }
            sites.removeAll(graphOutputs);
            return sites;
        }

        private static boolean isActivation(NodeProto n) {
            return n.getDomain().isEmpty() && (n.getOpType().equals("Relu") || n.getOpType().equals("Clip"));
        }
    }
}
