package io.sigmaquant.controller.runtime;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sigmaquant.controller.UserInputException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** Opens ONNX Runtime sessions on in-memory models with the settings SigmaQuant measures under. */
public final class OrtModels {
    private OrtModels() {
    }

    public static OrtEnvironment env() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * Session options: all graph optimisations (so QDQ groups fuse into integer kernels) and no spinning
     * (spinning threads made 2-thread medians much worse on 2 shared cores).
     */
    public static OrtSession.SessionOptions options(int threads) {
        try {
            OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                opts.setIntraOpNumThreads(threads);
            }
            opts.setInterOpNumThreads(1);
            opts.addConfigEntry("session.intra_op.allow_spinning", "0");
            return opts;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime rejected its own session options", e);
        }
    }

    /** A session on the model; a model ONNX Runtime refuses becomes a {@link UserInputException}. */
    public static OrtSession open(ModelProto model, OrtSession.SessionOptions opts) {
        try {
            return env().createSession(model.toByteArray(), opts);
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime cannot load the model: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * The model with extra float graph outputs, so one run returns intermediate tensors (output shapes,
     * activation ranges).
     */
    public static ModelProto exposeTensors(ModelProto model, Collection<String> tensors) {
        Set<String> present = new HashSet<>();
        model.getGraph().getOutputList().forEach(o -> present.add(o.getName()));
        var graph = model.getGraph().toBuilder();
        TypeProto floatTensor = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(DataType.FLOAT_VALUE)).build();
        for (String t : tensors) {
            if (present.add(t)) {
                graph.addOutput(ValueInfoProto.newBuilder().setName(t).setType(floatTensor));
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    public static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
