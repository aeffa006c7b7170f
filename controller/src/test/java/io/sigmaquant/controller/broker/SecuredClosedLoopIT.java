package io.sigmaquant.controller.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.agent.AgentOptions;
import io.sigmaquant.agent.AgentRuntime;
import io.sigmaquant.controller.cli.CliRunner;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.TestPki;
import io.sigmaquant.protocol.tls.TlsFiles;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed loop end to end over the secured set-up: the shipped Mosquitto (TLS, client certificates, ACL), two
 * agents each with its own bundle, and {@code optimize} connecting with the controller's certificate. The agents
 * simulate their board (the loop's decisions are ClosedLoopTest's; here the transport is under test).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SecuredClosedLoopIT {
    static final String DEVICE_CLASS = "x86-64-generic";

    @TempDir
    Path work;

    @Test
    void optimize_twoAgentsWithMutualTls_runsTheLoopThroughTheShippedBroker() throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"), "fleet-ca");
        TlsFiles broker = pki.broker("broker"); // as docker/mosquitto/README.md issues it
        TlsFiles controller = pki.controller("controller");
        try (ShippedMosquitto mosquitto = ShippedMosquitto.start(pki.ca(), broker.cert(), broker.key(), pki.crl());
             AgentRuntime a = agent(mosquitto, pki, "agent-a");
             AgentRuntime b = agent(mosquitto, pki, "agent-b")) {
            Path out = work.resolve("out");
            CliRunner.Result r = CliRunner.run("optimize", Fixtures.model("resnet"), "--device-class", DEVICE_CLASS,
                    "--broker", mosquitto.url(), "--tls-ca", pki.ca(), "--tls-cert", controller.cert(), "--tls-key",
                    controller.key(), "--tls-crl", pki.crl(), "--latency-fraction", "0.8", "--max-size", "40KiB",
                    "--max-iterations", "4", "--runs", "20", "--min-duration-ms", "100", "--threads", "1",
                    "--data", Fixtures.data(), "--cache-dir", "target/sensitivity-cache", "--out", out);
            assertThat(r.exitCode()).as(r.err()).isIn(0, 3);
            JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
            assertThat(report.get("reason").asText()).isNotBlank();
            assertThat(report.get("iterations").size()).isGreaterThanOrEqualTo(2);
            assertThat(report.get("measurements").asInt()).isPositive();
        }
    }

    private static AgentRuntime agent(ShippedMosquitto mosquitto, TestPki pki, String id) throws Exception {
        return AgentRuntime.start(new AgentOptions(mosquitto.url(), id, DEVICE_CLASS).setSimulate(true)
                .setTls(pki.agent(id)));
    }
}
