package io.sigmaquant.controller.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.model.OnnxModels;
import java.nio.file.Path;

/** Model loading shared by the commands. */
record ModelLoading(Path file, ModelProto model, ModelAnalysis analysis) {
    static ModelLoading load(Path file) {
        ModelProto model = OnnxModels.load(file);
        return new ModelLoading(file, model, ModelAnalyzer.analyze(model));
    }
}
