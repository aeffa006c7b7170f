package io.sigmaquant.agent.testing;

import io.sigmaquant.agent.energy.CommandRunner;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Recorded sysfs trees and command outputs of boards that are not at hand here (test resources under
 * {@code boards/}), laid out exactly as on the boards. Fakes stand in only for the hardware.
 */
public final class Boards {
    private Boards() {
    }

    public static Path root(String board) {
        try {
            return Path.of(Boards.class.getResource("/boards/" + board).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A command runner that answers from recorded outputs and fails for anything else (command missing). */
    public static CommandRunner recorded(String board, Map<List<String>, String> files) {
        return command -> {
            String file = files.get(command);
            if (file == null) {
                throw new IOException(command.get(0) + ": command not found");
            }
            return Files.readString(root(board).resolve("commands").resolve(file));
        };
    }

    public static final CommandRunner NO_COMMANDS = command -> {
        throw new IOException(command.get(0) + ": command not found");
    };
}
