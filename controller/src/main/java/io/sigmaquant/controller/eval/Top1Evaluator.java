package io.sigmaquant.controller.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.ModelInput;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.runtime.OrtModels;
import java.nio.FloatBuffer;
import java.util.Map;

/** Measures top-1 accuracy of a model with ONNX Runtime. */
public final class Top1Evaluator {
    /** Large enough to amortise the per-run overhead, small enough to keep memory flat. */
    private static final int DYNAMIC_BATCH = 100;

    private Top1Evaluator() {
    }

    public static Evaluation evaluate(ModelProto model, ModelInput input, InputBatches data, int threads) {
        try (OrtSession.SessionOptions opts = OrtModels.options(threads);
             OrtSession session = OrtModels.open(model, opts)) {
            return evaluate(session, input, data);
        } catch (OrtException e) {
            throw new IllegalStateException("closing an ONNX Runtime session failed", e);
        }
    }

    public static Evaluation evaluate(OrtSession session, ModelInput input, InputBatches data) {
        int batch = input.dynamicBatch() ? DYNAMIC_BATCH : (int) input.shape()[0];
        int correct = 0;
        for (int from = 0; from < data.count(); from += batch) {
            int n = Math.min(batch, data.count() - from);
            float[] x = data.batch(from, n);
            if (!input.dynamicBatch() && n < batch) {
                x = java.util.Arrays.copyOf(x, x.length / n * batch); // pad a static batch with zeros
            }
            float[][] logits = run(session, input.name(), x, data.shape(input.dynamicBatch() ? n : batch));
            for (int i = 0; i < n; i++) {
                if (argmax(logits[i]) == data.label(from + i)) {
                    correct++;
                }
            }
        }
        return Evaluation.of(data.count(), correct);
    }

    private static float[][] run(OrtSession session, String inputName, float[] x, long[] shape) {
        try (OnnxTensor tensor = OnnxTensor.createTensor(OrtModels.env(), FloatBuffer.wrap(x), shape);
             OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            Object value = result.get(0).getValue();
            if (!(value instanceof float[][] logits)) {
                throw new UserInputException("the model's first output is not a [batch, classes] float tensor");
            }
            return logits;
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime failed to run the model: "
                    + OrtModels.firstLine(e.getMessage()), e);
        }
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
