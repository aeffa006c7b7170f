package io.sigmaquant.controller.fleetbench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.fleetbench.AgentLog.Entry;
import io.sigmaquant.controller.fleetbench.AgentLog.Event;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.JobAccepted;
import io.sigmaquant.protocol.message.JobError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies that the agents' own log counts what they accepted and published, and a repeated result as such. */
class AgentLogTest {
    @TempDir
    Path tmp;

    @Test
    void counts_aResultPublishedTwiceForOneAttempt_isOneDuplicate() {
        List<Entry> entries = List.of(new Entry("a", "j1", 1, Event.ACCEPTED, 0),
                new Entry("a", "j1", 1, Event.RESULT, 1), new Entry("b", "j1", 2, Event.RESULT, 2),
                new Entry("a", "j1", 1, Event.RESULT, 3), new Entry("b", "j2", 1, Event.ERROR, 4));

        assertThat(AgentLog.counts(entries)).isEqualTo(new AgentLog.Counts(1, 3, 1, 1));
    }

    @Test
    void write_acceptedAndError_oneTsvLineEachAfterTheHeader() throws Exception {
        AgentLog log = new AgentLog();
        log.published(new JobAccepted(Messages.SCHEMA_VERSION, JobAccepted.TYPE, "c", "agent-1", "job-1", 2, 0));
        log.published(new JobError(Messages.SCHEMA_VERSION, JobError.TYPE, "c", "agent-1", "job-1", 2, "busy", "queue"));
        Path file = tmp.resolve("agents.tsv");

        log.write(file);

        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo("agent\tjob_id\tattempt\tevent\tat_ms");
        assertThat(lines.subList(1, 3)).satisfiesExactly(
                l -> assertThat(l).startsWith("agent-1\tjob-1\t2\taccepted\t"),
                l -> assertThat(l).startsWith("agent-1\tjob-1\t2\terror\t"));
    }
}
