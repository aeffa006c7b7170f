package io.sigmaquant.controller.fleet;

/** Counts the MQTT messages the controller's session receives and publishes, for metrics; any thread. */
public interface MessageTraffic {
    MessageTraffic NONE = new MessageTraffic() {
        @Override
        public void received() {
        }

        @Override
        public void published() {
        }
    };

    /** A message was delivered to the session (a status, a reply, anything its subscriptions match). */
    void received();

    /** A message (a job, a cancel or a result's acknowledgement) was published and the broker acknowledged it. */
    void published();
}
