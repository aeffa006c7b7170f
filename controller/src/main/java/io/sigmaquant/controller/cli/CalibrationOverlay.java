package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.calibration.CalibratedCostModel;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the {@code cost-model.json} that {@code optimize} writes, for {@code allocate --profile FILE.json}. */
final class CalibrationOverlay {
    private CalibrationOverlay() {
    }

    static CalibratedCostModel.Export read(Path file) {
        CalibratedCostModel.Export e;
        try {
            e = Output.JSON.readValue(file.toFile(), CalibratedCostModel.Export.class);
        } catch (NoSuchFileException ex) {
            throw new UserInputException("calibration file not found: " + file);
        } catch (IOException ex) {
            throw new UserInputException(file + " is not a calibrated cost model (cost-model.json written by "
                    + "optimize): " + ex.getMessage().lines().findFirst().orElse(""), ex);
        }
        if (e.deviceClass() == null || e.latencyFits() == null) {
            throw new UserInputException(file + " has no deviceClass or latencyFits");
        }
        for (String format : e.latencyFits().keySet()) {
            try {
                io.sigmaquant.profiles.RuntimeFormat.of(format);
            } catch (IllegalArgumentException ex) {
                throw new UserInputException(file + ": latencyFits names unknown format '" + format + "'");
            }
        }
        return e;
    }
}
