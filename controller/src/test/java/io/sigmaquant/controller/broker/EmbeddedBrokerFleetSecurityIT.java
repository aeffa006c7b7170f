package io.sigmaquant.controller.broker;

import io.sigmaquant.controller.wiring.ControllerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The fleet's security rules against the embedded HiveMQ with TLS and its security extension. */
class EmbeddedBrokerFleetSecurityIT extends FleetSecurityContract {
    EmbeddedBroker broker;

    @BeforeAll
    void startBroker() {
        broker = EmbeddedBroker.start(work.resolve("hivemq"), "127.0.0.1", 0, controllerFiles);
    }

    @AfterAll
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    String url() {
        return broker.url();
    }

    /** The controller starts its own embedded broker with its certificate, as {@code serve --tls-*} does. */
    @Override
    ControllerOptions withBroker(ControllerOptions options) {
        return options.setMqttPort(0);
    }

    /** The broker reads the CRL file again when it changes: nothing to do. */
    @Override
    void revocationsChanged() {
    }
}
