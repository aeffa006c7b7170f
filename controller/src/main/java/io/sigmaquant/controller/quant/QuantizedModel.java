package io.sigmaquant.controller.quant;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.sigmaquant.controller.files.AtomicFile;
import java.nio.file.Path;
import java.util.Map;

/**
 * An exported QDQ model.
 *
 * @param bits        bitwidth of every layer
 * @param packedBytes see {@link PackedSize}: weights at b bits + scales + float biases
 */
public record QuantizedModel(ModelProto model, Map<String, Integer> bits, long packedBytes) {

    /** Writes the ONNX file atomically and returns its size in bytes. */
    public long write(Path file) {
        byte[] bytes = model.toByteArray();
        AtomicFile.write(file, bytes);
        return bytes.length;
    }
}
