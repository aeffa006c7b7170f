package io.sigmaquant.controller.fleetbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetBenchSettingsTest {
    private static final Path MODEL = Fixtures.model("resnet");

    private static FleetBenchSettings settings(String broker, List<String> servers, int agents, int runs,
                                               long duration, List<Path> models) {
        return new FleetBenchSettings(broker, servers, agents, runs, duration, models, 3, 50);
    }

    @Test
    void new_withinBounds_isAccepted() {
        FleetBenchSettings s = settings("tcp://127.0.0.1:1883", List.of("http://127.0.0.1:8080"), 2000, 200, 60,
                List.of(MODEL));
        assertThat(s.agents()).isEqualTo(2000);
        assertThat(s.runs()).isEqualTo(200);
    }

    @Test
    void new_tooManyAgents_isRefusedInOneLine() {
        assertThatThrownBy(() -> settings("tcp://h:1883", List.of("http://h:8080"), 2001, 1, 60, List.of(MODEL)))
                .isInstanceOf(UserInputException.class).hasMessage("--agents must be between 1 and 2000: 2001");
    }

    @Test
    void new_noAgents_isRefused() {
        assertThatThrownBy(() -> settings("tcp://h:1883", List.of("http://h:8080"), 0, 1, 60, List.of(MODEL)))
                .isInstanceOf(UserInputException.class).hasMessageContaining("--agents");
    }

    @Test
    void new_tooManyRuns_isRefused() {
        assertThatThrownBy(() -> settings("tcp://h:1883", List.of("http://h:8080"), 10, 201, 60, List.of(MODEL)))
                .isInstanceOf(UserInputException.class).hasMessage("--runs must be between 0 and 200: 201");
    }

    @Test
    void new_zeroDuration_isRefused() {
        assertThatThrownBy(() -> settings("tcp://h:1883", List.of("http://h:8080"), 10, 1, 0, List.of(MODEL)))
                .isInstanceOf(UserInputException.class).hasMessageContaining("--duration-s");
    }

    @Test
    void new_httpBrokerUrl_isRefused() {
        assertThatThrownBy(() -> settings("http://h:1883", List.of("http://h:8080"), 10, 1, 60, List.of(MODEL)))
                .isInstanceOf(UserInputException.class).hasMessageContaining("--broker");
    }

    @Test
    void new_noServer_isRefused() {
        assertThatThrownBy(() -> settings("tcp://h:1883", List.of(), 10, 1, 60, List.of(MODEL)))
                .isInstanceOf(UserInputException.class).hasMessageContaining("--server");
    }

    @Test
    void new_missingModel_isRefused() {
        assertThatThrownBy(() -> settings("tcp://h:1883", List.of("http://h:8080"), 10, 1, 60,
                List.of(Path.of("no-such.onnx")))).isInstanceOf(UserInputException.class)
                .hasMessage("model not found: no-such.onnx");
    }

    @Test
    void new_runsWithoutModel_isRefused() {
        assertThatThrownBy(() -> settings("tcp://h:1883", List.of("http://h:8080"), 10, 1, 60, List.of()))
                .isInstanceOf(UserInputException.class).hasMessageContaining("--model");
    }

    @Test
    void new_keepRunsWithoutRuns_isRefusedInOneLine() {
        assertThatThrownBy(() -> new FleetBenchSettings("tcp://h:1883", List.of("http://h:8080"), 6, 0, 60, List.of(),
                3, 50, true, 0, null)).isInstanceOf(UserInputException.class).hasMessageContaining("--keep-runs");
    }

    @Test
    void new_negativeAgentFaults_isRefusedInOneLine() {
        assertThatThrownBy(() -> new FleetBenchSettings("tcp://h:1883", List.of("http://h:8080"), 6, 1, 60,
                List.of(MODEL), 3, 50, false, -1, null)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("--agent-faults");
    }
}
