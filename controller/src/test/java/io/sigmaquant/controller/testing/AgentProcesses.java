package io.sigmaquant.controller.testing;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Real edge-agent processes (the built agent jar) for the closed-loop tests. */
public final class AgentProcesses implements AutoCloseable {
    private final Map<String, Process> agents = new LinkedHashMap<>();

    public Process start(String brokerUrl, String id, String profile, Path workDir) throws IOException {
        return start(brokerUrl, id, profile, workDir, new String[0]);
    }

    /** @param extraArgs more options of {@code sigmaquant-agent run}, e.g. {@code --simulate} */
    public Process start(String brokerUrl, String id, String profile, Path workDir, String... extraArgs)
            throws IOException {
        Path jar;
        try (var files = Files.list(Fixtures.repoRoot().resolve("edge-agent/target"))) {
            jar = files.filter(f -> f.getFileName().toString().matches("sigmaquant-edge-agent-[0-9.]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElseThrow(() -> new IOException("build the agent first (mvn package)"));
        }
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", jar.toString(), "run", "--broker", brokerUrl, "--id", id,
                "--profile", profile, "--energy", "estimate", "--cache-dir", workDir.resolve(id).toString()));
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(workDir.resolve(id + ".log").toFile()).start();
        agents.put(id, p);
        return p;
    }

    public Process get(String id) {
        return agents.get(id);
    }

    @Override
    public void close() {
        agents.values().forEach(Process::destroyForcibly);
    }
}
