package io.sigmaquant.controller.fleetbench;

import io.sigmaquant.protocol.message.JobAccepted;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.Message;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated agents' own record of what they accepted and what they published, each reply logged once the
 * broker acknowledged it: one side of the count of lost and duplicated jobs (the store is the other,
 * docs/benchmarks/fleet-count.sh). Written as TSV: agent, job id, attempt, event, epoch ms.
 */
final class AgentLog {
    /** What an agent said of a (job, attempt). */
    enum Event {
        ACCEPTED("accepted"), RESULT("result"), ERROR("error");

        private final String wire;

        Event(String wire) {
            this.wire = wire;
        }

        String wire() {
            return wire;
        }
    }

    record Entry(String agentId, String jobId, int attempt, Event event, long atMs) {
    }

    /** The counts printed in the summary; a duplicate is a second result for a (job, attempt) already published. */
    record Counts(int accepted, int results, int errors, int duplicateResults) {
    }

    private final List<Entry> entries = new ArrayList<>();

    /** Logs an accepted, result or error reply (progress replies are not counted); called from Paho's threads. */
    void published(Message reply) {
        Entry e = null;
        if (reply instanceof JobAccepted a) {
            e = new Entry(a.agentId(), a.jobId(), a.attempt(), Event.ACCEPTED, now());
        } else if (reply instanceof JobResult r) {
            e = new Entry(r.agentId(), r.jobId(), r.attempt(), Event.RESULT, now());
        } else if (reply instanceof JobError x) {
            e = new Entry(x.agentId(), x.jobId(), x.attempt(), Event.ERROR, now());
        }
        if (e != null) {
            synchronized (entries) {
                entries.add(e);
            }
        }
    }

    List<Entry> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    Counts counts() {
        return counts(entries());
    }

    static Counts counts(List<Entry> entries) {
        int accepted = 0;
        int results = 0;
        int errors = 0;
        int duplicates = 0;
        Map<String, Integer> resultsByAttempt = new HashMap<>();
        for (Entry e : entries) {
            switch (e.event()) {
                case ACCEPTED -> accepted++;
                case ERROR -> errors++;
                case RESULT -> {
                    results++;
                    if (resultsByAttempt.merge(e.jobId() + "\t" + e.attempt(), 1, Integer::sum) > 1) {
                        duplicates++;
                    }
                }
            }
        }
        return new Counts(accepted, results, errors, duplicates);
    }

    /** Writes the entries as TSV with a header line. */
    void write(Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("agent\tjob_id\tattempt\tevent\tat_ms\n");
            for (Entry e : entries()) {
                w.write(e.agentId() + "\t" + e.jobId() + "\t" + e.attempt() + "\t" + e.event().wire() + "\t"
                        + e.atMs() + "\n");
            }
        }
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
