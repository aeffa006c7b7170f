package io.sigmaquant.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.agent.AgentOptions;
import io.sigmaquant.agent.AgentRuntime;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.client.RunClient;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.controller.service.ControllerService;
import io.sigmaquant.controller.wiring.ControllerOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sigmaquant demo}: the whole system in one process with nothing else running — the service with its
 * embedded broker, one agent measuring this machine, the bundled ResNet fixture — and a closed loop under a
 * latency budget set from the first measurement of the float model.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "One-command demo: embedded broker, the controller service, one in-process agent measuring "
                + "this machine, the bundled fixture; prints the loop as it goes and the final table.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", description = "FP32 ONNX model (default: the bundled ResNet fixture)")
    Path model;

    @Option(names = "--data", paramLabel = "DIR", description = "calibration images (default: the bundled examples/data)")
    Path data;

    @Option(names = "--device-class", paramLabel = "ID",
            description = "profile of this machine (default: x86-64-generic on x86-64, raspberry-pi-5 on arm64)")
    String deviceClass;

    @Option(names = "--latency-fraction", paramLabel = "F", defaultValue = "0.9",
            description = "latency budget as a fraction of the measured float model (default: ${DEFAULT-VALUE})")
    double latencyFraction;

    @Option(names = "--max-size", paramLabel = "SIZE", defaultValue = "40KiB",
            description = "size budget (default: ${DEFAULT-VALUE})")
    String maxSize;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32",
            description = "images per measured inference; integer kernels pay off on batches here (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "sigmaquant-demo",
            description = "where the service keeps its data and the results land (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    @SuppressWarnings("try") // the agent only has to run while the service does
    public Integer call() throws Exception {
        // the demo's own progress is the output; the components' start-up narration would bury it
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path home = Path.of(System.getProperty("sigmaquant.home", "."));
        Path modelFile = model != null ? model : home.resolve("examples/models/resnet.onnx");
        Path dataDir = data != null ? data : home.resolve("examples/data");
        if (!Files.isRegularFile(modelFile)) {
            throw new UserInputException("model not found: " + modelFile + " (run from the repository or pass --model)");
        }
        String profile = deviceClass != null ? deviceClass
                : System.getProperty("os.arch").matches("aarch64|arm64") ? "raspberry-pi-5" : "x86-64-generic";
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        Path work = Files.createDirectories(out.toAbsolutePath());
        err.printf("demo: starting the service (embedded MQTT broker, H2 store in %s) and one agent (%s) ...%n", work,
                profile);
        err.flush();
        try (ControllerService service = ControllerService.start(new ControllerOptions().setDataDir(work.resolve("service"))
                .setHttpPort(0).setMqttPort(0).setConcurrentRuns(1).setWaitForAgent(Duration.ofMinutes(2)));
             AgentRuntime agent = AgentRuntime.start(new AgentOptions(service.brokerUrl(), "demo-agent", profile)
                     .setCacheDir(work.resolve("agent-cache")).setQueueCapacity(8))) {
            RunClient client = new RunClient("http://127.0.0.1:" + service.httpPort());
            // shorter measurements and fewer iterations than a real run: the demo should take well under a minute
            RunRequest request = RunRequest.builder(profile).maxSizeBytes(ByteSize.parse(maxSize, "--max-size"))
                    .latencyFraction(latencyFraction).maxIterations(6).tolerance(0.25).batch(batch).threads(1).runs(30)
                    .minDurationMs(500L).build();
            String runId = client.submit(request, modelFile, RunClient.calibrationFiles(dataDir));
            err.printf("demo: run %s: %s on %s, budgets: latency %.2f × float (set by the first measurement), size %s%n",
                    runId, modelFile.getFileName(), profile, latencyFraction, maxSize);
            err.flush();
            JsonNode status = client.follow(runId, it -> {
                err.printf(Locale.ROOT, "[%d] %-11s measured %8.3f ms, predicted %8.3f ms%n", it.get("index").asInt(),
                        it.get("kind").asText(), it.get("measuredMs").asDouble(), it.get("predictedMs").asDouble());
                err.flush();
            }, 500);
            client.downloadAll(runId, work);
            return finish(status, work, (System.nanoTime() - start) / 1e9, latencyFraction, maxSize);
        }
    }

    private int finish(JsonNode status, Path work, double seconds, double fraction, String size) throws java.io.IOException {
        PrintWriter w = spec.commandLine().getOut();
        JsonNode run = status.get("run");
        if (RunStatus.fromWire(run.get("status").asText()) == RunStatus.FAILED) {
            w.printf("demo failed: %s%n", run.get("reason").asText());
            w.flush();
            return 1;
        }
        JsonNode report = new ObjectMapper().readTree(work.resolve("report.json").toFile());
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("#", "kind", "predicted ms", "measured ms", "size", "meets budgets"));
        for (JsonNode it : report.get("iterations")) {
            rows.add(List.of(it.get("index").asText(), it.get("kind").asText(),
                    String.format(Locale.ROOT, "%.3f", it.get("predictedMs").asDouble()),
                    String.format(Locale.ROOT, "%.3f", it.get("measuredMs").asDouble()),
                    Output.bytes(Math.round(it.get("sizeBytes").asDouble())),
                    it.get("meetsBudgets").asBoolean() ? "yes" : "no"));
        }
        double floatMs = report.get("iterations").get(0).get("measuredMs").asDouble();
        w.printf(Locale.ROOT, "%nbudgets: latency %.3f ms (%.2f × the float model's measured %.3f ms), size %s%n%n",
                fraction * floatMs, fraction, floatMs, size);
        Output.table(w, rows);
        w.println();
        List<List<String>> layers = new ArrayList<>();
        layers.add(List.of("layer", "bits"));
        for (Map.Entry<String, JsonNode> e : report.get("finalBits").properties()) {
            layers.add(List.of(e.getKey(), e.getValue().asText()));
        }
        Output.table(w, layers);
        w.printf(Locale.ROOT, "%n%s: %s%n", report.get("converged").asBoolean() ? "converged" : "NOT converged",
                report.get("reason").asText());
        w.printf(Locale.ROOT, "results in %s (model.onnx, report.json, cost-model.json); demo took %.0f s%n", work,
                seconds);
        w.flush();
        return report.get("converged").asBoolean() ? 0 : 3;
    }
}
