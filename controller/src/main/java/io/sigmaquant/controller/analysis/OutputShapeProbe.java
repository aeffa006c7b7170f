package io.sigmaquant.controller.analysis;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.runtime.OrtModels;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Output shapes of chosen tensors from one real ONNX Runtime run on a zero input of batch 1: exact for
 * every op ONNX Runtime can run, with no shape-inference code of our own.
 */
final class OutputShapeProbe {
    private OutputShapeProbe() {
    }

    static Map<String, long[]> shapes(ModelProto model, ModelInput input, List<String> tensors) {
        ModelProto probe = OrtModels.exposeTensors(model, tensors);
        long[] shape = input.withBatch(1);
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        try (OrtSession.SessionOptions opts = OrtModels.options(1);
             OrtSession session = OrtModels.open(probe, opts);
             OnnxTensor zeros = OnnxTensor.createTensor(OrtModels.env(), FloatBuffer.allocate(n), shape);
             OrtSession.Result result = session.run(Map.of(input.name(), zeros), new java.util.HashSet<>(tensors))) {
            Map<String, long[]> shapes = new HashMap<>();
            for (String t : tensors) {
                OnnxValue v = result.get(t).orElseThrow();
                shapes.put(t, ((TensorInfo) v.getInfo()).getShape());
            }
            return shapes;
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime could not run the model on a zero input of shape "
                    + java.util.Arrays.toString(shape) + ": " + OrtModels.firstLine(e.getMessage()), e);
        }
    }
}
