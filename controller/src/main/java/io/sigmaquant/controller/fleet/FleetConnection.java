package io.sigmaquant.controller.fleet;

import io.sigmaquant.protocol.Limits;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.MqttLogin;
import io.sigmaquant.protocol.Topics;
import io.sigmaquant.protocol.message.CancelJob;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.protocol.message.ResultRecorded;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's MQTT v5 session — the only controller class that touches Paho. It follows every agent's
 * retained status, takes replies through the shared subscription (replicas split them), and publishes jobs
 * with a message expiry taken from their deadline, cancels of jobs it sent, and acknowledgements of recorded results.
 */
public final class FleetConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetConnection.class);

    private final MqttAsyncClient client;
    private final MqttConnectionOptions options = new MqttConnectionOptions();
    private final MessageCodec codec = new MessageCodec();
    /** Our own bound on QoS 1 publishes in flight, below Paho's window. */
    private final Semaphore inFlight = new Semaphore(8);
    private final MessageTraffic traffic;
    /**
     * How long a publish waits for the session to come back: Paho reconnects with a back-off of 1 s doubling to
     * 30 s, so a broker down for up to about half a minute is ridden out.
     */
    static final long RECONNECT_WAIT_MS = 60_000;
    private volatile boolean closed;
    /**
     * An acknowledgement not delivered by then is not worth delivering: the agent has published the result again
     * meanwhile (every 10 s), and that copy is acknowledged in turn.
     */
    static final long ACK_EXPIRY_S = 60;
    /** Acknowledgements waiting to be published; past this many one is dropped, and its result resent by the agent. */
    static final int ACK_BACKLOG = 10_000;
    /**
     * Publishes acknowledgements off the caller's thread: a caller may be Paho's own callback thread, which must
     * not wait for a broker's answer (Paho delivers that answer on the same thread).
     */
    private final ExecutorService acks = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(ACK_BACKLOG), r -> {
                Thread t = new Thread(r, "result-acks");
                t.setDaemon(true);
                return t;
            });

    /**
     * A session that is opened by {@link #connect}, so that whatever takes the replies can be built first.
     *
     * @param sessionExpirySeconds when positive, the broker keeps the session — and queues the agents' replies —
     *                             this long while the controller is away (a restart of the service), so that
     *                             results sent meanwhile are not lost; the client id must then be stable. Zero:
     *                             the session ends with the connection (an in-process {@code optimize}).
     * @param login                TLS (the broker's host name is verified) and/or user name and password
     * @param traffic              counts every message delivered and every publish the broker acknowledged
     */
    public FleetConnection(String brokerUrl, String clientId, long sessionExpirySeconds, MqttLogin login,
                           MessageTraffic traffic) throws MqttException {
        this.traffic = traffic;
        client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        if (login.tls() != null) {
            options.setSocketFactory(login.tls().getSocketFactory());
            options.setHttpsHostnameVerificationEnabled(true);
        }
        if (login.username() != null) {
            options.setUserName(login.username());
            options.setPassword(login.password());
        }
        // announced in CONNECT: the broker must not send a larger packet (MQTT 5, 3.1.2.11.4), so an oversized reply
        // is dropped at the broker instead of being read into memory before the codec's own check
        options.setMaximumPacketSize((long) Limits.MAX_MESSAGE_BYTES);
        options.setCleanStart(sessionExpirySeconds <= 0);
        options.setSessionExpiryInterval(sessionExpirySeconds);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 30);
    }

    /**
     * Connects and subscribes to every agent's status and to the shared replies; waits up to 15 s for the
     * broker. A resumed session may deliver queued replies at once, so the consumer must be ready.
     *
     * @param onMessage takes (topic, payload) of every message delivered: the {@link FleetInbox} decides what to
     *                  believe
     */
    public void connect(BiConsumer<String, byte[]> onMessage) throws MqttException {
        client.setCallback(new Callback(onMessage));
        client.connect(options).waitForCompletion(15_000);
    }

    /** Publishes at QoS 1 and waits for the broker's acknowledgement; safe from several threads. */
    public void publish(String agentId, MeasurementJob job) throws MqttException, InterruptedException {
        MqttProperties props = new MqttProperties();
        props.setMessageExpiryInterval(Math.max(1, (job.deadlineMs() - System.currentTimeMillis()) / 1000));
        send(agentId, new MqttMessage(codec.encode(job), 1, false, props));
    }

    /** Publishes a cancel to the agent holding a job, as {@link #publish} does; it expires with nothing queued. */
    public void cancel(String agentId, CancelJob cancel) throws MqttException, InterruptedException {
        send(agentId, new MqttMessage(codec.encode(cancel), 1, false, new MqttProperties()));
    }

    /**
     * Tells an agent that its result for (jobId, attempt) is recorded (protocol 1.4), so that it stops publishing it
     * again; QoS 1, not retained, expiring after {@link #ACK_EXPIRY_S}. Returns at once and never throws: the
     * publish happens on a thread of its own, and one that fails is only logged, since the agent then resends the
     * result, which is recorded again (idempotent by (jobId, attempt)) and acknowledged again. Agents before 1.4
     * answer it with a {@code malformed} error of attempt 0.
     */
    public void resultRecorded(String agentId, ResultRecorded ack) {
        MqttProperties props = new MqttProperties();
        props.setMessageExpiryInterval(ACK_EXPIRY_S);
        MqttMessage message = new MqttMessage(codec.encode(ack), 1, false, props);
        try {
            acks.execute(() -> acknowledge(agentId, ack, message));
        } catch (RejectedExecutionException e) {
            LOG.debug("acknowledgement of job {} attempt {} dropped: {} wait already", ack.jobId(), ack.attempt(),
                    ACK_BACKLOG);
        }
    }

    private void acknowledge(String agentId, ResultRecorded ack, MqttMessage message) {
        try {
            send(agentId, message);
        } catch (MqttException | IllegalArgumentException e) {
            LOG.debug("acknowledgement of job {} attempt {} to {} not published: {}", ack.jobId(), ack.attempt(),
                    agentId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        }
    }

    private void send(String agentId, MqttMessage message) throws MqttException, InterruptedException {
        inFlight.acquire();
        try {
            for (int tries = 0; ; tries++) {
                try {
                    client.publish(Topics.jobs(agentId), message).waitForCompletion(10_000);
                    traffic.published();
                    return;
                } catch (MqttException e) {
                    if (disconnected(e) && awaitReconnect()) {
                        continue; // the broker restarted: the same message again (agents take a job once)
                    }
                    // Paho frees a slot only after the token completes; past its window it refuses with 32202
                    if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT || tries >= 200) {
                        throw e;
                    }
                    Thread.sleep(10);
                }
            }
        } finally {
            inFlight.release();
        }
    }

    private static boolean disconnected(MqttException e) {
        int code = e.getReasonCode();
        return code == MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED
                || code == MqttClientException.REASON_CODE_CONNECTION_LOST;
    }

    /**
     * Waits for the automatic reconnect after the broker went away (a restart takes seconds), so that a job is not
     * counted as failed on its agent — three such failures used to fail the run — while the fleet is fine.
     *
     * @return whether the session is back within {@link #RECONNECT_WAIT_MS}
     */
    private boolean awaitReconnect() throws InterruptedException {
        long until = System.currentTimeMillis() + RECONNECT_WAIT_MS;
        while (!client.isConnected() && !closed && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        return client.isConnected();
    }

    /** Whether the session is up now: while it is not, agents' silence says nothing about them. */
    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void close() {
        closed = true;
        acks.shutdownNow();
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5000);
            }
            client.close();
        } catch (MqttException e) {
            LOG.warn("closing the MQTT session: {}", e.getMessage());
        }
    }

    private final class Callback implements MqttCallback {
        private final BiConsumer<String, byte[]> onMessage;

        Callback(BiConsumer<String, byte[]> onMessage) {
            this.onMessage = onMessage;
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            traffic.received();
            try {
                onMessage.accept(topic, message.getPayload());
            } catch (RuntimeException e) {
                // Paho drops the connection when a callback throws: one bad message must not cost the session
                LOG.warn("a message on {} could not be handled: {}", topic, e.toString());
            }
        }

        @Override
        public void connectComplete(boolean reconnect, String uri) {
            try {
                client.subscribe(new String[] {Topics.statusFilter(), Topics.sharedResultsFilter()}, new int[] {1, 1});
            } catch (MqttException e) {
                LOG.warn("subscribing failed: {}", e.getMessage());
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            LOG.warn("disconnected from the broker: {}", response.getReasonString());
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
            LOG.warn("MQTT error: {}", e.getMessage());
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // publish waits for its own token
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }
}
