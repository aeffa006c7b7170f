package io.sigmaquant.profiles;

import java.util.Map;

/**
 * Cross-field rules a JSON Schema cannot state: every allowed bitwidth runs in a format the board has a cost for;
 * int8 on the GPU goes through TensorRT.
 */
final class ProfileRules {
    private ProfileRules() {
    }

    static void check(String source, DeviceProfile p) {
        Map<Integer, RuntimeFormat> formatOf = p.bits().formatOf();
        for (int b : p.bits().allowed()) {
            if (!formatOf.containsKey(b)) {
                throw new ProfileException(source, "$.bits.formatOf", "allowed bitwidth " + b + " has no format");
            }
        }
        formatOf.forEach((bits, format) -> {
            if (!p.formats().contains(format)) {
                throw new ProfileException(source, "$.bits.formatOf." + bits, "format " + format.id()
                        + " is not among the board's formats " + p.formats());
            }
        });
        for (RuntimeFormat f : p.formats()) {
            if (!p.cost().containsKey(f)) {
                throw new ProfileException(source, "$.cost", "format " + f.id() + " has no cost entry");
            }
        }
        DeviceProfile.Gpu gpu = p.gpu();
        // ONNX Runtime runs statically quantized (QDQ) int8 models on an NVIDIA GPU through TensorRT only; the
        // CUDA provider has no int8 kernels for them (Hugging Face Optimum's ONNX Runtime GPU guide).
        if (gpu != null && gpu.formats().contains(GpuFormat.INT8) && gpu.provider() != ExecutionProvider.TENSORRT) {
            throw new ProfileException(source, "$.gpu.formats", "int8 on the GPU needs provider tensorrt, not "
                    + gpu.provider().id());
        }
        String fileName = source.replace('\\', '/');
        fileName = fileName.substring(fileName.lastIndexOf('/') + 1);
        if ((fileName.endsWith(".yaml") || fileName.endsWith(".yml"))
                && !fileName.substring(0, fileName.lastIndexOf('.')).equals(p.id())) {
            throw new ProfileException(source, "$.id", "id '" + p.id() + "' does not match the file name");
        }
    }
}
