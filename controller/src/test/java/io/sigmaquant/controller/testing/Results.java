package io.sigmaquant.controller.testing;

import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.JobResult;
import java.util.List;

/** Job results as an agent would send them, for tests that need one without measuring. */
public final class Results {
    private Results() {
    }

    /** A result with two node times and a metered energy, for run {@code c}. */
    public static JobResult result(String agentId, String jobId, int attempt) {
        return new JobResult(Messages.SCHEMA_VERSION, null, "c", agentId, jobId, attempt, "c".repeat(64), false,
                new JobResult.Latency(50, 1.5, 1.7, 2.0, 1.55, 0.05, 80),
                List.of(new JobResult.NodeTime("/stem/Conv_token_1", "QLinearConv", "CPU", 120),
                        new JobResult.NodeTime("/fc/Gemm", "QGemm", "CPU", 8)),
                new JobResult.Energy("rapl", false, 2.5, 4.0, 1.0, null), 1 << 20, null, null, "1.23.2", 1);
    }
}
