package io.sigmaquant.controller.fleet;

import io.sigmaquant.protocol.message.JobAccepted;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobProgress;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.Message;

/** What every reply to a job names: the agent, the job and the attempt. */
record Reply(String agentId, String jobId, int attempt) {
    /** The names of a reply, or null for a message that is none or an error too broken to name its job. */
    static Reply of(Message m) {
        if (m instanceof JobResult r) {
            return new Reply(r.agentId(), r.jobId(), r.attempt());
        } else if (m instanceof JobAccepted a) {
            return new Reply(a.agentId(), a.jobId(), a.attempt());
        } else if (m instanceof JobProgress p) {
            return new Reply(p.agentId(), p.jobId(), p.attempt());
        } else if (m instanceof JobError e && e.jobId() != null) {
            return new Reply(e.agentId(), e.jobId(), e.attempt());
        }
        return null;
    }
}
