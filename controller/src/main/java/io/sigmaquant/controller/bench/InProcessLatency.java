package io.sigmaquant.controller.bench;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.sigmaquant.controller.calibration.NodeAttribution;
import io.sigmaquant.controller.files.JsonFiles;
import io.sigmaquant.controller.runtime.OrtModels;
import io.sigmaquant.protocol.message.JobResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures models in this process with ONNX Runtime as an agent does (all optimisations, no spinning, a
 * separate profiled session for per-node kernel times) and corrects for load and drift. On a shared machine
 * other processes take the CPU in bursts, so a median measures them as much as the model (this VM's medians
 * moved 2–5× within minutes): each time is the {@link #QUANTILE} quantile of its runs, which the bursts do not
 * reach, each node the same quantile of its calls; and every configuration is timed run by run interleaved
 * with a reference model (the all-float one): its time is the reference's first time × the median ratio of
 * adjacent runs.
 */
final class InProcessLatency implements AutoCloseable {
    /** Timed runs per side at least, and until both sides have run this long. */
    static final int MIN_RUNS = 30;
    static final double MIN_SIDE_MS = 500;
    static final int WARM_UP = 3;
    static final int PROFILED_RUNS = 20;
    /** The low quantile that stands for a time: the 10th percentile (3rd fastest of 30). */
    static final double QUANTILE = 0.1;

    private final String inputName;
    private final long[] shape;
    private final float[] input;
    private final int threads;
    private final OrtSession reference;
    private final double referenceMs;

    /** One configuration's load- and drift-corrected time and attributed kernel times. */
    record Result(double ms, double referenceNowMs, double rawMs, NodeAttribution.Attribution nodes) {
    }

    InProcessLatency(ModelProto referenceModel, String inputName, long[] shape, float[] input, int threads) {
        this.inputName = inputName;
        this.shape = shape.clone();
        this.input = input.clone();
        this.threads = threads;
        this.reference = OrtModels.open(referenceModel, OrtModels.options(threads));
        for (int i = 0; i < 10; i++) {
            runMs(reference);
        }
        double[] first = new double[MIN_RUNS * 3];
        for (int i = 0; i < first.length; i++) {
            first[i] = runMs(reference);
        }
        this.referenceMs = quantile(first);
    }

    double referenceMs() {
        return referenceMs;
    }

    Result measure(ModelProto model, Collection<String> layers) {
        double cfg;
        double ref;
        double pairedRatio;
        try (OrtSession s = OrtModels.open(model, OrtModels.options(threads))) {
            for (int i = 0; i < WARM_UP; i++) {
                runMs(s);
                runMs(reference);
            }
            List<Double> a = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            double sumA = 0;
            double sumB = 0;
            while (a.size() < MIN_RUNS || sumA < MIN_SIDE_MS || sumB < MIN_SIDE_MS) {
                double tb = runMs(reference);
                double ta = runMs(s);
                a.add(ta);
                b.add(tb);
                sumA += ta;
                sumB += tb;
            }
            cfg = quantile(a.stream().mapToDouble(Double::doubleValue).toArray());
            ref = quantile(b.stream().mapToDouble(Double::doubleValue).toArray());
            double[] ratios = new double[a.size()];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = a.get(i) / b.get(i);
            }
            Arrays.sort(ratios);
            pairedRatio = ratios[ratios.length / 2];
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
        // the profiled session runs later, under other load: its kernels' low quantiles stand unscaled
        NodeAttribution.Attribution nodes = new NodeAttribution(model.getGraph(), layers).attribute(profile(model));
        return new Result(referenceMs * pairedRatio, ref, cfg, nodes);
    }

    private List<JobResult.NodeTime> profile(ModelProto model) {
        Path trace = null;
        try {
            Path dir = Files.createTempDirectory("sq-latency-profile");
            OrtSession.SessionOptions opts = OrtModels.options(threads);
            opts.enableProfiling(dir.resolve("ort").toString());
            try (OrtSession s = OrtModels.open(model, opts)) {
                for (int i = 0; i < PROFILED_RUNS; i++) {
                    runMs(s);
                }
                trace = Path.of(s.endProfiling());
            }
            return parse(JsonFiles.JSON.readTree(trace.toFile()));
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (trace != null) {
                trace.toFile().delete();
                trace.getParent().toFile().delete();
            }
        }
    }

    /** As the agent's NodeProfile: {@code <node>_kernel_time} events, the low quantile of each node's calls. */
    private static List<JobResult.NodeTime> parse(JsonNode events) {
        Map<String, List<Double>> micros = new LinkedHashMap<>();
        Map<String, String> ops = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String name = e.path("name").asText();
            if (e.path("cat").asText().equals("Node") && name.endsWith("_kernel_time")) {
                String node = name.substring(0, name.length() - "_kernel_time".length());
                micros.computeIfAbsent(node, k -> new ArrayList<>()).add(e.path("dur").asDouble());
                ops.putIfAbsent(node, e.path("args").path("op_name").asText(""));
            }
        }
        List<JobResult.NodeTime> nodes = new ArrayList<>();
        micros.forEach((n, calls) -> nodes.add(new JobResult.NodeTime(n, ops.get(n), "CPUExecutionProvider",
                quantile(calls.stream().mapToDouble(Double::doubleValue).toArray()))));
        return nodes;
    }

    private double runMs(OrtSession s) {
        try (OnnxTensor x = OnnxTensor.createTensor(OrtModels.env(), FloatBuffer.wrap(input), shape)) {
            long t0 = System.nanoTime();
            try (OrtSession.Result r = s.run(Map.of(inputName, x))) {
                return (System.nanoTime() - t0) / 1e6;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a benchmark model", e);
        }
    }

    static double quantile(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.floor(QUANTILE * (s.length - 1))];
    }

    @Override
    public void close() {
        try {
            reference.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
