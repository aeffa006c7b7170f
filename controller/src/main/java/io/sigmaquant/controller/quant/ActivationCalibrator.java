package io.sigmaquant.controller.quant;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.ModelInput;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.runtime.OrtModels;
import io.sigmaquant.controller.progress.Progress;
import io.sigmaquant.controller.progress.ProgressReporter;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Min/max ranges of activation tensors over the calibration images, from real ONNX Runtime runs of the
 * float model. Ranges always include 0 so that zero is exactly representable (padding, ReLU).
 */
public final class ActivationCalibrator {
    /** Calibration images used unless told otherwise. */
    public static final int DEFAULT_IMAGES = 512;
    private static final int BATCH = 64;

    /** A calibrated range. */
    public record Range(float min, float max) {
    }

    private ActivationCalibrator() {
    }

    public static Map<String, Range> ranges(ModelProto model, ModelInput input, InputBatches calibration,
                                            Set<String> tensors, int threads) {
        return ranges(model, input, calibration, tensors, threads, ProgressReporter.NONE, "calibration");
    }

    /** As {@link #ranges(ModelProto, ModelInput, InputBatches, Set, int)}, reporting the images run as {@code task}. */
    public static Map<String, Range> ranges(ModelProto model, ModelInput input, InputBatches calibration,
                                            Set<String> tensors, int threads, ProgressReporter reporter, String task) {
        if (tensors.isEmpty()) {
            return Map.of(); // an all-float configuration has nothing to calibrate
        }
        Map<String, float[]> acc = new HashMap<>();
        tensors.forEach(t -> acc.put(t, new float[] {0f, 0f}));
        ModelProto probe = OrtModels.exposeTensors(model, tensors);
        int batch = input.dynamicBatch() ? BATCH : (int) input.shape()[0];
        int images = input.dynamicBatch() ? calibration.count() : calibration.count() / batch * batch;
        try (OrtSession.SessionOptions opts = OrtModels.options(threads);
             OrtSession session = OrtModels.open(probe, opts);
             Progress progress = reporter.start(task, images)) {
            for (int from = 0; from < calibration.count(); from += batch) {
                int n = Math.min(batch, calibration.count() - from);
                if (!input.dynamicBatch() && n < batch) {
                    break; // a static-batch model cannot take the short tail
                }
                try (OnnxTensor x = OnnxTensor.createTensor(OrtModels.env(),
                        FloatBuffer.wrap(calibration.batch(from, n)), calibration.shape(n));
                     OrtSession.Result r = session.run(Map.of(input.name(), x), new HashSet<>(tensors))) {
                    for (String t : tensors) {
                        FloatBuffer values = ((OnnxTensor) r.get(t).orElseThrow()).getFloatBuffer();
                        float[] mm = acc.get(t);
                        while (values.hasRemaining()) {
                            float v = values.get();
                            mm[0] = Math.min(mm[0], v);
                            mm[1] = Math.max(mm[1], v);
                        }
                    }
                }
                progress.advance(n);
            }
        } catch (OrtException e) {
            throw new UserInputException("calibration run failed: " + OrtModels.firstLine(e.getMessage()), e);
        }
        Map<String, Range> ranges = new HashMap<>();
        acc.forEach((t, mm) -> ranges.put(t, new Range(mm[0], mm[1])));
        return ranges;
    }
}
