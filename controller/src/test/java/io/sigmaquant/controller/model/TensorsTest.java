package io.sigmaquant.controller.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.sigmaquant.controller.UserInputException;
import org.junit.jupiter.api.Test;

class TensorsTest {
    @Test
    void toFloats_rawAndListedFloats_readTheSameValues() {
        TensorProto raw = Tensors.floats("w", new long[] {2, 2}, new float[] {1, -2, 3.5f, 0});
        TensorProto listed = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(2).addDims(2).addFloatData(1).addFloatData(-2).addFloatData(3.5f).addFloatData(0).build();
        assertThat(Tensors.toFloats(raw)).containsExactly(1, -2, 3.5f, 0);
        assertThat(Tensors.toFloats(listed)).containsExactly(1, -2, 3.5f, 0);
    }

    @Test
    void toFloats_doubles_areNarrowed() {
        TensorProto d = TensorProto.newBuilder().setName("d").setDataType(TensorProto.DataType.DOUBLE_VALUE)
                .addDims(2).addDoubleData(0.25).addDoubleData(-8).build();
        assertThat(Tensors.toFloats(d)).containsExactly(0.25f, -8f);
    }

    @Test
    void toFloats_dataShorterThanDims_isACorruptModel() {
        TensorProto cut = Tensors.floats("w", new long[] {3}, new float[] {1, 2, 3}).toBuilder()
                .setRawData(ByteString.copyFrom(new byte[8])).build();
        assertThatThrownBy(() -> Tensors.toFloats(cut)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("corrupt");
    }

    @Test
    void toFloats_externalData_isRefusedWithAHint() {
        TensorProto ext = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(4).setDataLocation(TensorProto.DataLocation.EXTERNAL).build();
        assertThatThrownBy(() -> Tensors.toFloats(ext)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("external");
    }

    @Test
    void toFloats_integerTensor_isRefusedWithItsType() {
        TensorProto ints = Tensors.int32s("i", new long[] {1}, new int[] {3});
        assertThatThrownBy(() -> Tensors.toFloats(ints)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("INT32");
    }

    @Test
    void int4s_packsLowNibbleFirst() {
        TensorProto t = Tensors.int4s("q", new long[] {3}, new byte[] {1, -1, 7});
        assertThat(t.getRawData().toByteArray()).containsExactly((byte) 0xF1, (byte) 0x07);
    }
}
