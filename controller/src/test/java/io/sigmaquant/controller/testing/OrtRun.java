package io.sigmaquant.controller.testing;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sigmaquant.controller.runtime.OrtModels;
import java.nio.FloatBuffer;
import java.util.Map;

/** Runs a model once in ONNX Runtime and returns its first output flattened. */
public final class OrtRun {
    private OrtRun() {
    }

    public static float[] run(ModelProto model, String input, float[] x, long... shape) throws OrtException {
        try (OrtSession.SessionOptions opts = OrtModels.options(1);
             OrtSession s = OrtModels.open(model, opts);
             OnnxTensor t = OnnxTensor.createTensor(OrtModels.env(), FloatBuffer.wrap(x), shape);
             OrtSession.Result r = s.run(Map.of(input, t))) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        }
    }

    public static float[] randomInput(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }
}
