package io.sigmaquant.controller.broker;

import io.sigmaquant.controller.testing.TestPki;
import io.sigmaquant.controller.wiring.ControllerOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --tls-*} without --broker: the controller starts its own embedded broker with its certificate. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedTlsControllerIT {
    @TempDir
    Path work;

    @Test
    void controllerWithCertificate_startsItsTlsBroker_agentMeasuresAndFakeAgentNeverJoins() throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"), "fleet-ca");
        TestPki foreign = TestPki.create(work.resolve("foreign-pki"), "another-ca");
        foreign.agent("evil-1");
        FleetSecurityContract.agentMeasuresOverTls(new ControllerOptions().setDataDir(work.resolve("data"))
                .setHttpPort(0).setMqttPort(0).setPersistentSession(false).setTls(pki.controller("controller")), pki,
                foreign, work);
    }
}
