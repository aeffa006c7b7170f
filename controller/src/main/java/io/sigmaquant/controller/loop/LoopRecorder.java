package io.sigmaquant.controller.loop;

import io.sigmaquant.controller.calibration.CalibratedCostModel;
import io.sigmaquant.controller.calibration.NodeAttribution;
import io.sigmaquant.controller.fleet.Dispatcher;
import java.util.Map;

/** Where the loop writes what it measured and learned as it goes (the store; nothing in tests). */
public interface LoopRecorder {
    LoopRecorder NONE = new LoopRecorder() {
        @Override
        public void measured(Dispatcher.Measured m, Map<String, Integer> bits) {
        }

        @Override
        public void iteration(LoopIteration it, String jobId, int attempt) {
        }

        @Override
        public void calibrated(CalibratedCostModel.Export model) {
        }
    };

    void measured(Dispatcher.Measured m, Map<String, Integer> bits);

    void iteration(LoopIteration it, String jobId, int attempt);

    /** An iteration's node times charged to the model's layers, told just before {@link #iteration}. */
    default void attributed(int index, NodeAttribution.Attribution attribution) {
    }

    void calibrated(CalibratedCostModel.Export model);
}
