package io.sigmaquant.controller.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.sigmaquant.controller.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads ONNX files a user exported and checks that SigmaQuant can work on them. */
public final class OnnxModels {
    /** Opsets the analysis and QDQ export are written for: per-axis DequantizeLinear needs 13. */
    public static final int MIN_OPSET = 13;
    public static final int MAX_OPSET = 21;

    private OnnxModels() {
    }

    /** Loads and validates a model file; every problem becomes a {@link UserInputException} naming the file. */
    public static ModelProto load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserInputException("model file not found: " + file);
        } catch (IOException e) {
            throw new UserInputException("cannot read model " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.toString());
    }

    /** Parses model bytes; {@code origin} names them in error messages. */
    public static ModelProto parse(byte[] bytes, String origin) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new UserInputException(origin + " is not a readable ONNX model (truncated or not protobuf: "
                    + e.getMessage() + ")", e);
        }
        validate(model, origin);
        return model;
    }

    private static void validate(ModelProto model, String origin) {
        // Arbitrary bytes sometimes parse as a protobuf message; a real ONNX model has these fields.
        if (model.getIrVersion() <= 0 || !model.hasGraph() || model.getGraph().getNodeCount() == 0
                || model.getGraph().getInputCount() == 0 || model.getGraph().getOutputCount() == 0) {
            throw new UserInputException(origin + " is not an ONNX model (no IR version, graph, inputs or nodes)");
        }
        int opset = defaultOpset(model);
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new UserInputException(origin + " uses ONNX opset " + opset + "; supported opsets are "
                    + MIN_OPSET + ".." + MAX_OPSET + " (re-export with torch.onnx.export(..., opset_version=17))");
        }
        FiniteWeights.check(model, origin);
    }

    /** The version of the default ("" or "ai.onnx") operator set, or -1 when the model imports none. */
    public static int defaultOpset(ModelProto model) {
        for (OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                return (int) id.getVersion();
            }
        }
        return -1;
    }

    /** Reads a metadata_props value, or null. */
    public static String metadata(ModelProto model, String key) {
        return model.getMetadataPropsList().stream()
                .filter(e -> e.getKey().equals(key))
                .map(e -> e.getValue())
                .findFirst().orElse(null);
    }
}
