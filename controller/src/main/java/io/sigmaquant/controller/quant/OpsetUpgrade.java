package io.sigmaquant.controller.quant;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.model.OnnxModels;
import java.util.Map;

/**
 * Raises a model's default opset for export. Most ops keep their meaning across 13..21; the few whose
 * inputs or semantics changed incompatibly are refused rather than silently mis-exported.
 */
final class OpsetUpgrade {
    /** Op → the opset at which its signature changed incompatibly (attributes became inputs, semantics). */
    private static final Map<String, Integer> BREAKING = Map.ofEntries(
            Map.entry("ReduceMean", 18), Map.entry("ReduceMax", 18), Map.entry("ReduceMin", 18),
            Map.entry("ReduceProd", 18), Map.entry("ReduceL1", 18), Map.entry("ReduceL2", 18),
            Map.entry("ReduceLogSum", 18), Map.entry("ReduceLogSumExp", 18), Map.entry("ReduceSumSquare", 18),
            Map.entry("DFT", 20), Map.entry("GroupNormalization", 21));

    private OpsetUpgrade() {
    }

    static ModelProto apply(ModelProto model, int target) {
        check(model, target);
        ModelProto.Builder b = model.toBuilder().clearOpsetImport();
        for (OperatorSetIdProto id : model.getOpsetImportList()) {
            boolean isDefault = id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx");
            b.addOpsetImport(isDefault ? id.toBuilder().setVersion(target).build() : id);
        }
        // ONNX pairs opset 21 with IR version 10; older IR versions cannot hold INT4 tensors.
        if (target >= 21 && b.getIrVersion() < 10) {
            b.setIrVersion(10);
        }
        return b.build();
    }

    /** Refuses a target {@link #apply} cannot reach: run before the export's work, so a refusal comes at once. */
    static void check(ModelProto model, int target) {
        int source = OnnxModels.defaultOpset(model);
        if (target < OnnxModels.MIN_OPSET || target > OnnxModels.MAX_OPSET) {
            throw new UserInputException("--opset " + target + " is out of range; supported: "
                    + OnnxModels.MIN_OPSET + ".." + OnnxModels.MAX_OPSET);
        }
        if (target < source) {
            throw new UserInputException("--opset " + target + " is below the model's opset " + source
                    + "; lowering an opset is not supported");
        }
        checkOps(model.getGraph(), source, target);
    }

    private static void checkOps(GraphProto graph, int source, int target) {
        for (NodeProto n : graph.getNodeList()) {
            Integer changedAt = n.getDomain().isEmpty() ? BREAKING.get(n.getOpType()) : null;
            if (changedAt != null && source < changedAt && target >= changedAt) {
                throw new UserInputException("cannot raise the opset from " + source + " to " + target + ": node '"
                        + n.getName() + "' (" + n.getOpType() + ") changed its signature at opset " + changedAt
                        + "; export at --opset " + (changedAt - 1) + " or re-export the model");
            }
        }
    }
}
