package io.sigmaquant.controller.broker;

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

    /** The broker reads the CRL file again when it changes: nothing to do. */
    @Override
    void revocationsChanged() {
    }
}
