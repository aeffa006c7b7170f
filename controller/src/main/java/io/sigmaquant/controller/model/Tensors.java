package io.sigmaquant.controller.model;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import io.sigmaquant.controller.UserInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Conversions between ONNX {@link TensorProto}s and Java arrays (ONNX raw_data is little-endian). */
public final class Tensors {
    private Tensors() {
    }

    /** Whether a tensor is FLOAT or DOUBLE: what {@link #toFloats} reads. */
    public static boolean isFloat(TensorProto t) {
        return t.getDataType() == DataType.FLOAT_VALUE || t.getDataType() == DataType.DOUBLE_VALUE;
    }

    /** The values of a FLOAT or DOUBLE tensor as floats. */
    public static float[] toFloats(TensorProto t) {
        int n = Math.toIntExact(elementCount(t.getDimsList()));
        int type = t.getDataType();
        if (!isFloat(t)) {
            throw new UserInputException("tensor '" + t.getName() + "' has data type "
                    + DataType.forNumber(type) + "; weights must be FLOAT or DOUBLE");
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new UserInputException("tensor '" + t.getName() + "' keeps its data in an external file; "
                    + "save the model with its weights inside (onnx.save(..., save_as_external_data=False))");
        }
        boolean isDouble = type == DataType.DOUBLE_VALUE;
        boolean raw = !t.getRawData().isEmpty();
        long available = raw ? t.getRawData().size() / (isDouble ? 8 : 4)
                : isDouble ? t.getDoubleDataCount() : t.getFloatDataCount();
        if (available != n || (raw && t.getRawData().size() % (isDouble ? 8 : 4) != 0)) {
            throw new UserInputException("tensor '" + t.getName() + "' holds " + available + " values for its "
                    + n + " elements (corrupt model)");
        }
        float[] out = new float[n];
        if (raw) {
            var buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = isDouble ? (float) buf.getDouble() : buf.getFloat();
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = isDouble ? (float) t.getDoubleData(i) : t.getFloatData(i);
            }
        }
        return out;
    }

    public static long elementCount(List<Long> dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    public static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    public static TensorProto floats(String name, long[] dims, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return raw(name, DataType.FLOAT, dims, buf.array());
    }

    public static TensorProto int32s(String name, long[] dims, int[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asIntBuffer().put(values);
        return raw(name, DataType.INT32, dims, buf.array());
    }

    /** int8 or uint8 storage, one value a byte. */
    public static TensorProto bytes(String name, DataType type, long[] dims, byte[] values) {
        return raw(name, type, dims, values);
    }

    /** INT4 storage: two values a byte, low nibble first (ONNX's packing). */
    public static TensorProto int4s(String name, long[] dims, byte[] values) {
        byte[] packed = new byte[(values.length + 1) / 2];
        for (int i = 0; i < values.length; i++) {
            int nibble = values[i] & 0x0F;
            packed[i / 2] |= (byte) (i % 2 == 0 ? nibble : nibble << 4);
        }
        return raw(name, DataType.INT4, dims, packed);
    }

    private static TensorProto raw(String name, DataType type, long[] dims, byte[] data) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(data));
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }
}
