package io.sigmaquant.controller.fleet;

import java.util.List;
import java.util.Map;

/**
 * Every attempt the dispatcher issued, kept where a restart does not lose it (the store), so that a result
 * arriving after a restart is taken only when it answers an attempt this controller sent, from the agent it
 * was sent to.
 */
public interface DispatchLog {
    /** Nothing kept: results of jobs sent before a restart are refused. */
    DispatchLog NONE = new DispatchLog() {
        @Override
        public void issued(IssuedAttempt attempt) {
        }

        @Override
        public List<IssuedAttempt> attempts(String jobId) {
            return List.of();
        }

        @Override
        public List<SentTo> issuedSince(long sentSinceMs, int limit) {
            return List.of();
        }
    };

    /** One attempt as sent: to whom, for which run, measuring which bit configuration. */
    record IssuedAttempt(String jobId, int attempt, String agentId, String runId, Map<String, Integer> bits) {
    }

    /** Where one attempt went: all a reply is checked against. */
    record SentTo(String jobId, int attempt, String agentId) {
    }

    /** Called before the attempt is published, so that its answer always finds it. */
    void issued(IssuedAttempt attempt);

    /** The attempts issued for a job, in any order; empty when the job id was never issued. */
    List<IssuedAttempt> attempts(String jobId);

    /** The attempts issued since {@code sentSinceMs} (epoch ms), newest first, at most {@code limit}. */
    List<SentTo> issuedSince(long sentSinceMs, int limit);

    /**
     * Records why an issued attempt was given up ({@link AttemptFailure#reason}, or an {@link AgentLoss#reason}).
     * Nothing by default: a log that keeps no reasons loses only the explanation.
     */
    default void failed(String jobId, int attempt, String reason) {
    }

    /** Why each given-up attempt of a job failed, by attempt; empty when none is recorded. */
    default Map<Integer, String> failures(String jobId) {
        return Map.of();
    }
}
