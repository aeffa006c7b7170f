package io.sigmaquant.controller.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.sigmaquant.controller.UserInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.function.IntToDoubleFunction;

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

    /** The index of the first NaN or infinite element of a FLOAT or DOUBLE tensor, or -1 (other types). */
    private static long firstNonFinite(TensorProto t) {
        boolean raw = !t.getRawData().isEmpty();
        if (t.getDataType() == DataType.FLOAT_VALUE) {
            FloatBuffer b = raw ? little(t).asFloatBuffer() : null;
            return raw ? firstNonFinite(b.limit(), b::get) : firstNonFinite(t.getFloatDataCount(), t::getFloatData);
        }
        if (t.getDataType() == DataType.DOUBLE_VALUE) {
            DoubleBuffer b = raw ? little(t).asDoubleBuffer() : null;
            return raw ? firstNonFinite(b.limit(), b::get) : firstNonFinite(t.getDoubleDataCount(), t::getDoubleData);
        }
        return -1;
    }

    private static ByteBuffer little(TensorProto t) {
        return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN); // ONNX raw_data is little-endian
    }

    /** Floats widen to doubles exactly, NaN and infinities included. */
    private static long firstNonFinite(int count, IntToDoubleFunction value) {
        for (int i = 0; i < count; i++) {
            if (!Double.isFinite(value.applyAsDouble(i))) {
                return i;
            }
        }
        return -1;
    }
}
