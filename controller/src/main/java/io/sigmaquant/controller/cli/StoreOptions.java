package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.wiring.ControllerOptions;
import picocli.CommandLine.Option;

/** Where runs, measurements and cost models are kept, as flags; unset flags keep ControllerOptions' defaults. */
final class StoreOptions {
    @Option(names = "--store-url", paramLabel = "JDBC", description = "where runs, measurements and cost models are "
            + "kept: jdbc:postgresql://... or an H2 URL (default: an embedded H2 file in the data or output folder)")
    String url;

    @Option(names = "--store-user", paramLabel = "USER",
            description = "store user (default: " + ControllerOptions.DEFAULT_STORE_USER + ")")
    String user;

    @Option(names = "--store-password", paramLabel = "PASSWORD", description = "store password")
    String password;

    ControllerOptions applyTo(ControllerOptions options) {
        options.setStoreUrl(url);
        if (user != null) {
            options.setStoreUser(user);
        }
        if (password != null) {
            options.setStorePassword(password);
        }
        return options;
    }
}
