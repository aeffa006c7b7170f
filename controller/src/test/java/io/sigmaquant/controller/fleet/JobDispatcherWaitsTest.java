package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.progress.ProgressReporter;
import io.sigmaquant.controller.testing.Results;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Verifies that each attempt's waits — for an agent of the class, then for its result — are reported as plain
 * progress lines (the form a CLI prints when stderr is not a terminal), naming the class, the job and the attempt.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobDispatcherWaitsTest {
    private final FleetRegistry registry = new FleetRegistry();
    private final StringWriter err = new StringWriter();
    private JobDispatcher dispatcher;

    @Test
    void measure_firstAgentSilent_reportsEachWaitAndHowItEnded() throws Exception {
        // given agent-a stays silent past its lease, agent-b answers at once
        registry.update(JobDispatcherTest.status("agent-a", AgentStatus.ONLINE));
        registry.update(JobDispatcherTest.status("agent-b", AgentStatus.ONLINE));
        dispatcher = new JobDispatcher(registry, this::publish, (a, c) -> { }, DispatchListener.NONE,
                new MemoryDispatchLog());
        dispatcher.reportWaitsTo(ProgressReporter.forCommandLine(true, new PrintWriter(err, true)));

        // when
        dispatcher.measure(JobDispatcherTest.CLASS, JobDispatcherTest.job("j1"), JobDispatcherTest.POLICY);

        // then: a line as each wait starts and one as it ends; the silent agent's wait ends stopped
        List<String> lines = err.toString().lines().filter(l -> !l.contains("still waiting")).toList();
        assertThat(lines).hasSize(8);
        assertThat(lines.get(0)).startsWith("agent of x86-64-generic for job j1 (attempt 1 of 3): waiting (");
        assertThat(lines.get(1)).startsWith("agent of x86-64-generic for job j1 (attempt 1 of 3): waited (")
                .endsWith(" done");
        assertThat(lines.get(2)).startsWith("measurement of job j1 on agent-a (attempt 1 of 3): waiting (");
        assertThat(lines.get(3)).startsWith("measurement of job j1 on agent-a (attempt 1 of 3): waited (")
                .endsWith(" stopped");
        assertThat(lines.get(5)).startsWith("agent of x86-64-generic for job j1 (attempt 2 of 3): waited (")
                .endsWith(" done");
        assertThat(lines.get(7)).startsWith("measurement of job j1 on agent-b (attempt 2 of 3): waited (")
                .endsWith(" done");
    }

    private void publish(String agentId, MeasurementJob job) {
        if (agentId.equals("agent-b")) {
            dispatcher.onReply(agentId, Results.result(agentId, job.jobId(), job.attempt()));
        }
    }
}
