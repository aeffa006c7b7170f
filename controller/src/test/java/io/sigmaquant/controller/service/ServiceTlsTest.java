package io.sigmaquant.controller.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.controller.auth.ApiRole;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.TestPki;
import io.sigmaquant.controller.wiring.ControllerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service secured with the installation's TLS files: HTTPS with the controller's certificate, tokens on the
 * API, models only for this installation's unrevoked certificates or a token, and no handshake for a client
 * that trusts another CA.
 */
class ServiceTlsTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static ControllerService service;
    static String base;
    static String modelSha;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir.resolve("pki"), "test-ca");
        pki.agent("agent-1");
        service = ControllerService.start(new ControllerOptions().setDataDir(dir.resolve("data")).setHttpPort(0)
                .setMqttPort(0).setTls(pki.controller("controller")).setWaitForAgent(Duration.ofSeconds(1)));
        base = "https://localhost:" + service.httpPort();
        modelSha = service.models().put(Files.readAllBytes(Fixtures.model("resnet")));
        token = service.runs().store().tokens().create("viewer", ApiRole.VIEWER).token();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    static HttpResponse<String> get(SSLContext tls, String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HttpClient.newBuilder().sslContext(tls).build().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void https_apiNeedsATokenAndHealthDoesNot() throws Exception {
        assertThat(service.scheme()).isEqualTo("https");
        assertThat(get(pki.anonymous(), "/health", null).statusCode()).isEqualTo(200);
        assertThat(get(pki.anonymous(), "/api/runs", null).statusCode()).isEqualTo(401);
        assertThat(get(pki.anonymous(), "/api/runs", token).statusCode()).isEqualTo(200);
    }

    @Test
    void models_withoutCredentials401_withAnAgentCertificateOrAToken200() throws Exception {
        String path = "/models/" + modelSha;
        assertThat(get(pki.anonymous(), path, null).statusCode()).isEqualTo(401);
        assertThat(get(pki.anonymous(), path, "sq_wrong").statusCode()).isEqualTo(401);
        assertThat(get(pki.context("agent-1"), path, null).statusCode()).isEqualTo(200);
        assertThat(get(pki.anonymous(), path, token).statusCode()).isEqualTo(200);
    }

    /** Verifies that a board revoked while the service runs can no longer download models, without a restart. */
    @Test
    void models_brokersCertificate_neverServed() throws Exception {
        pki.broker("broker-1");
        int status;
        try {
            status = get(pki.context("broker-1"), "/models/" + modelSha, null).statusCode();
        } catch (IOException refusedByTls) {
            return; // serverAuth only: the handshake refuses it as a client's certificate
        }
        assertThat(status).isEqualTo(401); // else ModelAccess must
    }

    @Test
    void models_agentRevokedAfterStart_401() throws Exception {
        pki.agent("agent-2");
        SSLContext revokedBoard = pki.context("agent-2");
        String path = "/models/" + modelSha;
        assertThat(get(revokedBoard, path, null).statusCode()).isEqualTo(200);

        pki.revoke("agent-2"); // sigmaquant pki revoke: crl.pem is rewritten

        HttpResponse<String> refused = get(revokedBoard, path, null);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        assertThat(get(pki.context("agent-1"), path, null).statusCode()).isEqualTo(200);
    }

    @Test
    void clientTrustingAnotherCa_failsTheHandshake() {
        TestPki other = TestPki.create(dir.resolve("other-pki"), "other-ca");
        assertThatThrownBy(() -> get(other.anonymous(), "/health", null)).isInstanceOf(SSLHandshakeException.class);
    }
}
