package io.sigmaquant.controller.run;

import io.sigmaquant.controller.calibration.CalibratedCostModel;
import io.sigmaquant.controller.calibration.NodeAttribution;
import io.sigmaquant.controller.files.JsonFiles;
import io.sigmaquant.controller.fleet.Dispatcher;
import io.sigmaquant.controller.loop.LoopIteration;
import io.sigmaquant.controller.loop.LoopRecorder;
import io.sigmaquant.protocol.message.JobResult;
import java.nio.file.Path;
import java.util.Map;

/**
 * Passes what the loop records on, and keeps the run's {@link TimeProfile} from the results' node times, written
 * to {@code profile.json} after each iteration so that the run page draws it while the run goes. Called from the
 * loop's one thread.
 */
final class TimeProfileRecorder implements LoopRecorder {
    private final LoopRecorder next;
    private final Path file;
    private TimeProfile profile;
    /** The result last measured: the loop records a measurement, then the iteration it makes of it. */
    private JobResult lastResult;
    /** The last iteration's index and attribution, told just before the iteration. */
    private int attributedIndex;
    private NodeAttribution.Attribution attribution;

    TimeProfileRecorder(LoopRecorder next, Path outDir, TimeProfile earlier) {
        this.next = next;
        this.file = outDir.resolve(TimeProfile.FILE);
        this.profile = earlier;
    }

    TimeProfile profile() {
        return profile;
    }

    @Override
    public void measured(Dispatcher.Measured m, Map<String, Integer> bits) {
        next.measured(m, bits);
        lastResult = m.result();
    }

    @Override
    public void attributed(int index, NodeAttribution.Attribution attribution) {
        next.attributed(index, attribution);
        this.attributedIndex = index;
        this.attribution = attribution;
    }

    @Override
    public void iteration(LoopIteration it, String jobId, int attempt) {
        // written before the iteration is passed on: the dashboard rereads the profile when the iteration's event comes
        if (lastResult != null && lastResult.jobId().equals(jobId) && lastResult.attempt() == attempt) {
            profile = profile.with(it.index(), it.kind(), it.bits(), lastResult,
                    attributedIndex == it.index() ? attribution : null);
            JsonFiles.write(file, profile);
        }
        next.iteration(it, jobId, attempt);
    }

    @Override
    public void calibrated(CalibratedCostModel.Export model) {
        next.calibrated(model);
    }
}
