package io.sigmaquant.controller.broker;

import io.sigmaquant.controller.wiring.ControllerOptions;
import io.sigmaquant.protocol.Topics;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
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

    /**
     * This class's broker: HiveMQ's extension services answer for the broker started last in a JVM, so one embedded
     * broker at a time (EmbeddedTlsControllerIT covers the controller starting its own).
     */
    @Override
    ControllerOptions withBroker(ControllerOptions options) {
        return options.setBrokerUrl(url());
    }

    /**
     * Verifies that the embedded broker does more than refuse the next connect: an agent already connected when its
     * certificate is revoked is disconnected, and its Last Will tells the controller it is offline.
     */
    @Test
    void revoke_agentConnected_isDisconnectedAndItsWillSent() throws Exception {
        pki.agent("agent-cut");
        try (MqttProbe controller = controllerListening();
             MqttProbe agent = MqttProbe.connectWithWill(url(), "agent-cut", pki.context("agent-cut"),
                     Topics.status("agent-cut"), "agent-cut-offline")) {
            pki.revoke("agent-cut");
            Awaitility.await().atMost(PATIENCE).until(() -> !agent.connected());
            Awaitility.await().atMost(PATIENCE).until(() -> controller.texts().contains("agent-cut-offline"));
        }
    }

    /** The broker reads the CRL file again when it changes: nothing to do. */
    @Override
    void revocationsChanged() {
    }
}
