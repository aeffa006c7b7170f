package io.sigmaquant.controller.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.sigmaquant.controller.UserInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Refuses a model with a NaN or infinite weight: every statistic SigmaQuant takes of it (σ, histograms, scales)
 * would be NaN and the quantized model garbage, yet nothing would fail (issue 13: an all-NaN model passed
 * inspect, quantize and evaluate). Checked once, when a model is loaded.
 */
final class FiniteWeights {
    private FiniteWeights() {
    }

    static void check(ModelProto model, String origin) {
        for (TensorProto t : model.getGraph().getInitializerList()) {
            long bad = firstNonFinite(t);
            if (bad >= 0) {
                throw new UserInputException(origin + ": initializer '" + t.getName() + "' has a non-finite value "
                        + "(NaN or infinity) at element " + bad + "; the model's weights must be finite");
            }
        }
    }

    /** The index of the first NaN or infinite element of a FLOAT or DOUBLE tensor, or -1. */
    private static long firstNonFinite(TensorProto t) {
        int type = t.getDataType();
        if (type == DataType.FLOAT_VALUE) {
            if (!t.getRawData().isEmpty()) {
                var buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                for (int i = 0; i < buf.limit(); i++) {
                    if (!Float.isFinite(buf.get(i))) {
                        return i;
                    }
                }
            }
            for (int i = 0; i < t.getFloatDataCount(); i++) {
                if (!Float.isFinite(t.getFloatData(i))) {
                    return i;
                }
            }
        } else if (type == DataType.DOUBLE_VALUE) {
            if (!t.getRawData().isEmpty()) {
                ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                var buf = raw.asDoubleBuffer();
                for (int i = 0; i < buf.limit(); i++) {
                    if (!Double.isFinite(buf.get(i))) {
                        return i;
                    }
                }
            }
            for (int i = 0; i < t.getDoubleDataCount(); i++) {
                if (!Double.isFinite(t.getDoubleData(i))) {
                    return i;
                }
            }
        }
        return -1;
    }
}
