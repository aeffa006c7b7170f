package io.sigmaquant.controller.fleetbench;

import io.sigmaquant.controller.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What one {@code bench-fleet} does: N simulated agents on a broker, M runs on one or more controllers, within a
 * time limit. Checked once here, in one line each, so that a mistake costs no agent.
 *
 * @param connectBatch agents connected at once before the next group starts, so the broker is not stormed
 * @param keepRuns     a soak: keep {@code runs} in flight until the time limit, a new one submitted as one ends
 * @param agentFaults  agents crashed (and started again) at even intervals while the runs go on
 * @param agentLog     where the agents' own log of accepted and published jobs is written (TSV), or null
 */
public record FleetBenchSettings(String brokerUrl, List<String> servers, int agents, int runs, long durationSeconds,
                                 List<Path> models, int maxIterations, int connectBatch, boolean keepRuns,
                                 int agentFaults, Path agentLog) {
    /** Enough for the 1,000 with room; each agent is one socket and a few threads in this JVM. */
    public static final int MAX_AGENTS = 2000;
    /** Runs are submitted from one client: beyond this the controller's submission limit is the benchmark. */
    public static final int MAX_RUNS = 200;
    public static final long MAX_DURATION_SECONDS = 24 * 3600;
    public static final int DEFAULT_CONNECT_BATCH = 50;
    public static final int DEFAULT_MAX_ITERATIONS = 3;
    /** Each fault holds one thread for up to two minutes; a soak's 50 faults fit well below this. */
    public static final int MAX_AGENT_FAULTS = 1000;

    /** Settings without a soak, faults or an agent log. */
    public FleetBenchSettings(String brokerUrl, List<String> servers, int agents, int runs, long durationSeconds,
                              List<Path> models, int maxIterations, int connectBatch) {
        this(brokerUrl, servers, agents, runs, durationSeconds, models, maxIterations, connectBatch, false, 0, null);
    }

    public FleetBenchSettings {
        if (brokerUrl == null || !brokerUrl.matches("(tcp|ssl|ws|wss)://.+")) {
            throw new UserInputException("--broker must be an MQTT URL such as tcp://127.0.0.1:1883, not '"
                    + brokerUrl + "'");
        }
        if (servers == null || servers.isEmpty()) {
            throw new UserInputException("give at least one --server URL (a sigmaquant serve on the same broker)");
        }
        if (agents < 1 || agents > MAX_AGENTS) {
            throw new UserInputException("--agents must be between 1 and " + MAX_AGENTS + ": " + agents);
        }
        if (runs < 0 || runs > MAX_RUNS) {
            throw new UserInputException("--runs must be between 0 and " + MAX_RUNS + ": " + runs);
        }
        if (durationSeconds < 1 || durationSeconds > MAX_DURATION_SECONDS) {
            throw new UserInputException("--duration-s must be between 1 and " + MAX_DURATION_SECONDS + ": "
                    + durationSeconds);
        }
        if (maxIterations < 1 || maxIterations > 20) {
            throw new UserInputException("--max-iterations must be between 1 and 20: " + maxIterations);
        }
        if (connectBatch < 1 || connectBatch > 500) {
            throw new UserInputException("--connect-batch must be between 1 and 500: " + connectBatch);
        }
        if (keepRuns && runs < 1) {
            throw new UserInputException("--keep-runs needs --runs M, the runs kept in flight");
        }
        if (agentFaults < 0 || agentFaults > MAX_AGENT_FAULTS) {
            throw new UserInputException("--agent-faults must be between 0 and " + MAX_AGENT_FAULTS + ": "
                    + agentFaults);
        }
        if (runs > 0 && (models == null || models.isEmpty())) {
            throw new UserInputException("runs need a model: give --model FILE (e.g. examples/models/resnet.onnx)");
        }
        for (Path m : models) {
            if (!Files.isRegularFile(m)) {
                throw new UserInputException("model not found: " + m);
            }
        }
        servers = List.copyOf(servers);
        models = List.copyOf(models);
    }
}
