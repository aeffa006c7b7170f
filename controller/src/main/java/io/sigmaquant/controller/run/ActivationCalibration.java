package io.sigmaquant.controller.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sigmaquant.controller.loop.LoopReport;
import java.util.Locale;

/**
 * How a run calibrated its activation ranges, as its {@code report.json} says beside the loop's report. The
 * closed loop measures latency, energy and size; it evaluates no accuracy, so a run never claims one — and one
 * calibrated on generated inputs has not even seen an image.
 *
 * @param inputs samples the ranges were calibrated on (0 when activations stay float)
 */
public record ActivationCalibration(Source source, int inputs) {
    /** Where the calibration samples came from; {@link #wire()} is the string the report holds. */
    public enum Source {
        /** The calibration split the user gave. */
        IMAGES,
        /** No data set: seeded inputs of the model's shape (see {@code GeneratedInputs}). */
        GENERATED,
        /** The device class keeps activations in float: nothing to calibrate. */
        NONE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ActivationCalibration {
        if (source == null || inputs < 0 || (source == Source.NONE) != (inputs == 0)) {
            throw new IllegalArgumentException("no calibration has no inputs, and a calibration has some: " + source
                    + " with " + inputs);
        }
    }

    /** One sentence for the CLI and the report. */
    public String note() {
        return switch (source) {
            case IMAGES -> "activations calibrated on " + inputs + " calibration images; accuracy is not measured by "
                    + "the loop";
            case GENERATED -> "activations calibrated on " + inputs + " generated inputs (no data set); no accuracy "
                    + "is claimed";
            case NONE -> "activations stay float; accuracy is not measured by the loop";
        };
    }

    /**
     * The loop's report with this calibration's fields added. Added to the loop's JSON rather than to
     * {@link LoopReport} itself: the loop knows nothing of data sets, and the run is where it is decided.
     */
    public ObjectNode addTo(LoopReport report, ObjectMapper json) {
        ObjectNode node = json.valueToTree(report);
        node.put("activationCalibration", source.wire());
        node.put("activationCalibrationInputs", inputs);
        node.put("accuracyClaimed", false);
        node.put("note", note());
        return node;
    }
}
