package io.sigmaquant.controller.sensitivity;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.model.ConstantResolver;
import io.sigmaquant.controller.model.Tensors;
import io.sigmaquant.controller.progress.Progress;
import io.sigmaquant.controller.quant.WeightQuantizer;
import io.sigmaquant.controller.runtime.OrtModels;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Output-mode sensitivity (the same D_l(b) as {@link OutputKlSensitivity}) that runs, per probe, only the
 * part of the network the probed layer can change. Layers are probed in graph order; the float activations
 * each layer's suffix reads (its {@link GraphCut cut}) are computed once, by running only the nodes between
 * the previous cut and this one, kept while a later layer still reads them, and fed to one session per
 * layer whose weight is a graph input. Images go through in batches; a {@link StoppingRule} may end a
 * probe early.
 */
final class SlicedOutputKl {
    /** Images per ONNX Runtime call: 16 at 224×224 keeps the largest cached activation near 50 MB. */
    static final int BATCH = 16;
    private static final String WEIGHT = "sigmaquant.sensitivity.weight";

    private final ModelAnalysis analysis;
    private final InputBatches calibration;
    private final StoppingRule rule;
    private final GraphCut graphCut;
    private final ConstantResolver constants;
    private final int[][] batches;
    /** Cached float activations: tensor name → one array per batch, with its shape. */
    private final Map<String, float[][]> cache = new HashMap<>();
    private final Map<String, long[][]> cacheShapes = new HashMap<>();
    private float[][] reference;
    /** Entropy of the float model's output per image: the control variate of every probe's mean KL. */
    private double[] entropy;
    private double meanEntropy;
    /** Nodes of the float segments run to fill the cache: each node of the network at most once. */
    private long floatNodesRun;

    SlicedOutputKl(ModelAnalysis analysis, InputBatches calibration, StoppingRule rule) {
        this.analysis = analysis;
        this.calibration = calibration;
        this.rule = rule;
        this.graphCut = new GraphCut(analysis.folded().getGraph());
        this.constants = new ConstantResolver(analysis.folded().getGraph());
        this.batches = batches(calibration.count(), analysis.input().dynamicBatch() ? BATCH : 1, rule);
    }

    /** Image indices of each batch: in order, or shuffled with the rule's seed when probes may stop early. */
    static int[][] batches(int count, int batch, StoppingRule rule) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            order.add(i);
        }
        if (!rule.exact()) {
            java.util.Collections.shuffle(order, new Random(rule.seed()));
        }
        int[][] out = new int[(count + batch - 1) / batch][];
        for (int b = 0; b < out.length; b++) {
            int n = Math.min(batch, count - b * batch);
            out[b] = order.subList(b * batch, b * batch + n).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    double[][] compute(List<Integer> bits, int threads, Progress progress) {
        List<Layer> layers = analysis.layers();
        List<List<String>> cuts = new ArrayList<>();
        for (Layer l : layers) {
            NodeProto node = node(l);
            cuts.add(graphCut.cut(graphCut.suffix(node), Set.of(l.weightInput())));
        }
        double[][] kl = new double[layers.size()][bits.size()];
        try (OrtSession.SessionOptions opts = OrtModels.options(threads)) {
            reference = referenceOutputs(opts);
            entropy = Arrays.stream(reference).mapToDouble(SlicedOutputKl::entropy).toArray();
            meanEntropy = Arrays.stream(entropy).average().orElse(0);
            for (int l = 0; l < layers.size(); l++) {
                fillCache(cuts.get(l), opts);
                evictBefore(l, cuts);
                kl[l] = probeLayer(layers.get(l), cuts.get(l), bits, opts, progress);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("closing ONNX Runtime session options failed", e);
        }
        return kl;
    }

    private double[] probeLayer(Layer layer, List<String> cut, List<Integer> bits, OrtSession.SessionOptions opts,
                                Progress progress) throws OrtException {
        double[] kl = new double[bits.size()];
        NodeProto node = node(layer);
        if (!graphCut.reachesOutput(node)) {
            progress.advance(bits.stream().filter(b -> b < 32).count());
            return kl;
        }
        float[] w = Tensors.toFloats(constants.resolve(layer.weightInput()).orElseThrow());
        List<OnnxTensor> weights = new ArrayList<>();
        List<KlEstimate> estimates = new ArrayList<>();
        List<Integer> open = new ArrayList<>();
        ModelProto suffix = graphCut.suffixModel(analysis.folded(), node, layer.weightInput(), WEIGHT,
                layer.weightShape());
        try (OrtSession session = open(suffix, opts)) {
            for (int i = 0; i < bits.size(); i++) {
                estimates.add(new KlEstimate(calibration.count(), meanEntropy));
                weights.add(bits.get(i) >= 32 ? null : tensor(WeightQuantizer.quantize(w, layer.weightShape(),
                        layer.channelAxis(), bits.get(i)).dequantize(), layer.weightShape()));
                if (bits.get(i) < 32) {
                    open.add(i);
                }
            }
            for (int b = 0; b < batches.length && !open.isEmpty(); b++) {
                Map<String, OnnxTensor> feeds = feeds(cut, b);
                try {
                    for (int i : open) {
                        feeds.put(WEIGHT, weights.get(i));
                        float[][] q = OutputKlSensitivity.softmax(logits(session, feeds));
                        for (int s = 0; s < q.length; s++) {
                            int image = batches[b][s];
                            estimates.get(i).add(klRow(reference[image], q[s]), entropy[image]);
                        }
                    }
                } finally {
                    feeds.remove(WEIGHT);
                    feeds.values().forEach(OnnxTensor::close);
                }
                int before = open.size();
                open.removeIf(i -> rule.satisfiedBy(estimates.get(i)));
                progress.advance(before - open.size());
            }
            progress.advance(open.size());
        } finally {
            weights.stream().filter(t -> t != null).forEach(OnnxTensor::close);
        }
        for (int i = 0; i < bits.size(); i++) {
            kl[i] = Math.max(0, estimates.get(i).mean());
        }
        return kl;
    }

    /** Softmax of the float model's output for every image, by image index. */
    private float[][] referenceOutputs(OrtSession.SessionOptions opts) throws OrtException {
        float[][] out = new float[calibration.count()][];
        try (OrtSession session = OrtModels.open(analysis.folded(), opts)) {
            for (int b = 0; b < batches.length; b++) {
                Map<String, OnnxTensor> feeds = new HashMap<>();
                feeds.put(analysis.input().name(), inputBatch(b));
                try {
                    float[][] p = OutputKlSensitivity.softmax(logits(session, feeds));
                    for (int s = 0; s < p.length; s++) {
                        out[batches[b][s]] = p[s];
                    }
                } finally {
                    feeds.values().forEach(OnnxTensor::close);
                }
            }
        }
        return out;
    }

    /** Runs the float nodes between the cached activations and this cut, for every batch. */
    private void fillCache(List<String> cut, OrtSession.SessionOptions opts) throws OrtException {
        List<String> missing = cut.stream().filter(t -> !cache.containsKey(t) && !isModelInput(t)).toList();
        if (missing.isEmpty()) {
            return;
        }
        ModelProto segment = graphCut.segmentModel(analysis.folded(), missing, cache.keySet());
        floatNodesRun += segment.getGraph().getNodeCount();
        Set<String> inputs = new HashSet<>();
        segment.getGraph().getInputList().forEach(v -> inputs.add(v.getName()));
        missing.forEach(t -> {
            cache.put(t, new float[batches.length][]);
            cacheShapes.put(t, new long[batches.length][]);
        });
        try (OrtSession session = open(segment, opts)) {
            for (int b = 0; b < batches.length; b++) {
                Map<String, OnnxTensor> feeds = feeds(List.copyOf(inputs), b);
                try (OrtSession.Result r = session.run(feeds)) {
                    for (String t : missing) {
                        OnnxTensor v = (OnnxTensor) r.get(t).orElseThrow();
                        FloatBuffer fb = v.getFloatBuffer();
                        float[] data = new float[fb.remaining()];
                        fb.get(data);
                        cache.get(t)[b] = data;
                        cacheShapes.get(t)[b] = v.getInfo().getShape();
                    }
                } finally {
                    feeds.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    long floatNodesRun() {
        return floatNodesRun;
    }

    /**
     * Drops cached activations that neither this layer's cut reads nor a later cut needs, directly or on the
     * way: a later cut is then computed from what is cached, never again from the model's input.
     */
    private void evictBefore(int layer, List<List<String>> cuts) {
        Set<String> later = new HashSet<>();
        for (int k = layer + 1; k < cuts.size(); k++) {
            later.addAll(cuts.get(k));
        }
        Set<String> keep = graphCut.needed(later, cache.keySet());
        keep.addAll(cuts.get(layer));
        cache.keySet().retainAll(keep);
        cacheShapes.keySet().retainAll(keep);
    }

    private Map<String, OnnxTensor> feeds(List<String> names, int batch) throws OrtException {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            for (String t : names) {
                feeds.put(t, isModelInput(t) ? inputBatch(batch) : tensor(cache.get(t)[batch], cacheShapes.get(t)[batch]));
            }
        } catch (OrtException | RuntimeException e) {
            feeds.values().forEach(OnnxTensor::close);
            throw e;
        }
        return feeds;
    }

    private OnnxTensor inputBatch(int b) throws OrtException {
        int[] images = batches[b];
        int size = (int) (calibration.shape(1).length == 0 ? 0 : product(calibration.shape(1)));
        float[] x = new float[images.length * size];
        for (int s = 0; s < images.length; s++) {
            System.arraycopy(calibration.batch(images[s], 1), 0, x, s * size, size);
        }
        return tensor(x, calibration.shape(images.length));
    }

    /** A sub-model ONNX Runtime refuses (a cut tensor that is not float, say) ends the sliced path. */
    private static OrtSession open(ModelProto model, OrtSession.SessionOptions opts) {
        try {
            return OrtModels.open(model, opts);
        } catch (UserInputException e) {
            throw new SliceRefused(e.getMessage(), e);
        }
    }

    /** ONNX Runtime refused a sliced sub-model; the caller falls back to whole-model probes. */
    static final class SliceRefused extends RuntimeException {
        SliceRefused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static float[][] logits(OrtSession session, Map<String, OnnxTensor> feeds) {
        try (OrtSession.Result r = session.run(feeds)) {
            OnnxValue v = r.get(0);
            if (!(v.getValue() instanceof float[][] out)) {
                throw new UserInputException("output-mode sensitivity needs a [batch, classes] float output");
            }
            return out;
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime failed during sensitivity: " + OrtModels.firstLine(e.getMessage()), e);
        }
    }

    /** KL(p ‖ q) of one image, as {@link OutputKlSensitivity#klSum} sums it. */
    static double klRow(float[] p, float[] q) {
        double total = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                total += p[i] * Math.log(p[i] / Math.max(q[i], 1e-12));
            }
        }
        return total;
    }

    /** Shannon entropy of one softmax row, in nats. */
    static double entropy(float[] p) {
        double h = 0;
        for (float v : p) {
            if (v > 0) {
                h -= v * Math.log(v);
            }
        }
        return h;
    }

    private boolean isModelInput(String tensor) {
        return tensor.equals(analysis.input().name());
    }

    private NodeProto node(Layer layer) {
        return analysis.folded().getGraph().getNodeList().stream().filter(n -> n.getName().equals(layer.name()))
                .findFirst().orElseThrow(() -> new IllegalStateException("layer " + layer.name() + " has no node"));
    }

    private static OnnxTensor tensor(float[] data, long[] shape) throws OrtException {
        return OnnxTensor.createTensor(OrtModels.env(), FloatBuffer.wrap(data), shape);
    }

    private static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
