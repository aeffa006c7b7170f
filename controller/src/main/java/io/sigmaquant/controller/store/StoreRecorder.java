package io.sigmaquant.controller.store;

import io.sigmaquant.controller.calibration.CalibratedCostModel;
import io.sigmaquant.controller.fleet.Dispatcher;
import io.sigmaquant.controller.loop.LoopIteration;
import io.sigmaquant.controller.loop.LoopRecorder;
import java.util.Map;

/** Writes a closed-loop run into the {@link RunStore} as it happens. */
public final class StoreRecorder implements LoopRecorder {
    private final RunStore store;
    private final String runId;
    private final String deviceClass;

    public StoreRecorder(RunStore store, String runId, String deviceClass) {
        this.store = store;
        this.runId = runId;
        this.deviceClass = deviceClass;
    }

    @Override
    public void measured(Dispatcher.Measured m, Map<String, Integer> bits) {
        store.recordMeasurement(runId, bits, m.result());
    }

    @Override
    public void iteration(LoopIteration it, String jobId, int attempt) {
        store.recordIteration(runId, it, jobId, attempt);
    }

    @Override
    public void calibrated(CalibratedCostModel.Export model) {
        store.costModels().save(deviceClass, runId, model);
    }
}
