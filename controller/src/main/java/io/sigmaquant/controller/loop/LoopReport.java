package io.sigmaquant.controller.loop;

import io.sigmaquant.controller.calibration.CalibratedCostModel;
import java.util.List;
import java.util.Map;

/** What the closed loop did and found; {@code converged} false says why in {@code reason}. */
public record LoopReport(String model, String deviceClass, boolean converged, String reason, int measurements,
                         Map<String, Integer> finalBits, String finalSha256, List<LoopIteration> iterations,
                         String costModel, CalibratedCostModel.Export calibration) {
}
