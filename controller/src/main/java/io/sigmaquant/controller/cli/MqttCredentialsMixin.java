package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.wiring.ControllerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A user name and password for an external broker that checks them (the password from a file, never a flag). */
final class MqttCredentialsMixin {
    @Option(names = "--mqtt-username", paramLabel = "NAME", description = "with --broker: the MQTT user name")
    String username;

    @Option(names = "--mqtt-password-file", paramLabel = "FILE",
            description = "with --broker: a file whose first line is the MQTT password")
    Path passwordFile;

    ControllerOptions applyTo(ControllerOptions options) {
        if ((username == null) != (passwordFile == null)) {
            throw new UserInputException("--mqtt-username and --mqtt-password-file go together");
        }
        if (passwordFile != null && !Files.isReadable(passwordFile)) {
            throw new UserInputException("cannot read the MQTT password file " + passwordFile);
        }
        return options.setMqttCredentials(username, passwordFile);
    }
}
