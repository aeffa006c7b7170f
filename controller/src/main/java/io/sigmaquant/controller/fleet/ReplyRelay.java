package io.sigmaquant.controller.fleet;

import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.Message;
import java.util.Collection;
import java.util.List;

/**
 * How a final reply reaches the replica waiting for it when the shared results subscription delivered it to
 * another: through the store. A result is there once any replica recorded it; an error is relayed. The waiting
 * replica asks for the replies of its attempts when it hears news, or every so often in case it missed some.
 */
public interface ReplyRelay {
    /** Keeps an error reply for the replica whose attempt it answers; once per (job id, attempt). */
    void relayError(JobError error);

    /** The results recorded and errors relayed for any attempt of these jobs. */
    List<Message> finalReplies(Collection<String> jobIds);

    /**
     * Waits until another replica may have recorded or relayed a reply (a database notification), or at most
     * {@code timeoutMs}.
     */
    void awaitNews(long timeoutMs) throws InterruptedException;

    /** Nothing is relayed: one controller alone sees every reply. */
    ReplyRelay NONE = new ReplyRelay() {
        @Override
        public void relayError(JobError error) {
        }

        @Override
        public List<Message> finalReplies(Collection<String> jobIds) {
            return List.of();
        }

        @Override
        public void awaitNews(long timeoutMs) throws InterruptedException {
            Thread.sleep(timeoutMs);
        }
    };
}
