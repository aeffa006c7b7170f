package io.sigmaquant.controller.broker;

import io.sigmaquant.controller.wiring.ControllerOptions;
import io.sigmaquant.protocol.tls.TlsFiles;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The fleet's security rules against a real Mosquitto started with the shipped docker/mosquitto set-up. */
class MosquittoFleetSecurityIT extends FleetSecurityContract {
    ShippedMosquitto mosquitto;

    @BeforeAll
    void startMosquitto() throws IOException {
        TlsFiles broker = pki.broker("broker"); // as docker/mosquitto/README.md issues it
        mosquitto = ShippedMosquitto.start(pki.ca(), broker.cert(), broker.key(), pki.crl());
    }

    @AfterAll
    void stopMosquitto() {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    @Override
    String url() {
        return mosquitto.url();
    }

    @Override
    ControllerOptions withBroker(ControllerOptions options) {
        return options.setBrokerUrl(url());
    }

    /** Mosquitto reads its CRL at start and on SIGHUP: copy the new list, send SIGHUP. */
    @Override
    void revocationsChanged() throws Exception {
        mosquitto.reloadRevocations(pki.crl());
    }
}
