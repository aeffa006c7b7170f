package io.sigmaquant.agent.testing;

import io.sigmaquant.agent.jobs.Replies;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.Message;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;

/** The replies a job service sent, in order, with the waits the tests need. */
public final class ReplyLog implements Replies {
    private final List<Message> all = new CopyOnWriteArrayList<>();

    @Override
    public void send(Message reply) {
        all.add(reply);
    }

    public List<Message> all() {
        return all;
    }

    public <T extends Message> List<T> of(Class<T> kind) {
        return all.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** The first result or error for the job. */
    public Optional<Message> finalReply(String jobId) {
        return all.stream().filter(m -> (m instanceof JobResult r && r.jobId().equals(jobId))
                || (m instanceof JobError e && jobId.equals(e.jobId()))).findFirst();
    }

    public Message awaitFinal(String jobId, int seconds) {
        return Awaitility.await().atMost(Duration.ofSeconds(seconds)).until(() -> finalReply(jobId),
                Optional::isPresent).get();
    }

    /** Waits until {@code count} results and errors have been sent in all. */
    public void awaitFinals(int count) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                of(JobResult.class).size() + of(JobError.class).size() >= count);
    }
}
