package io.sigmaquant.agent.mqtt;

import io.sigmaquant.agent.jobs.Replies;
import io.sigmaquant.protocol.Limits;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.MqttLogin;
import io.sigmaquant.protocol.Topics;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's MQTT v5 session — the only class that touches Paho. Clean start off with a session expiry (jobs
 * queued while the agent was away are delivered), Last Will {@code offline} (retained) on the status topic,
 * retained capabilities on every (re)connect, automatic reconnect with backoff. Replies and status changes go
 * through one publisher thread that bounds the QoS 1 messages in flight (Paho fails with 32202 past its own
 * window), buffers while disconnected and retries what failed (for the status, only the latest). With a client certificate the client id is the agent id, which is the
 * certificate's CN (brokers refuse any other); without one it is {@code sigmaquant-agent-<id>}.
 */
public final class MqttAgentConnection implements Replies, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttAgentConnection.class);
    /** Below Paho's default in-flight window of 65535 and the broker's receive maximum. */
    static final int MAX_IN_FLIGHT = 20;
    static final long SESSION_EXPIRY_S = 3600;

    private final MqttAsyncClient client;
    private final MessageCodec codec = new MessageCodec();
    private final String agentId;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final BlockingQueue<Message> outbox = new LinkedBlockingQueue<>();
    private final Thread publisher;
    private final MqttConnectionOptions options;
    private volatile boolean open = true;
    /** Sees each reply the broker acknowledged (a load generator's count); a no-op by default. */
    private volatile Consumer<Message> onPublished = m -> { };

    /** What is announced (retained) on every connect: online, or unavailable with a reason. */
    private final StatusSlot status = new StatusSlot();
    private final int heartbeatSeconds;
    /** The jobs the agent holds, reported with each heartbeat; none until {@link #reportJobsHeld}. */
    private volatile java.util.function.IntSupplier jobsHeld;
    /** When the status was last handed to Paho (publisher thread only). */
    private long statusSentAtMs;
    private final String plugTopic;
    private final Consumer<byte[]> onPlug;

    /**
     * A session opened by {@link #connect}; replies may be sent from here on (they wait in the outbox).
     *
     * @param login     TLS and/or user name and password; {@link MqttLogin#NONE} for plain anonymous TCP
     * @param online    the retained status to publish on every connect
     * @param plugTopic a smart plug's topic to follow, or null
     * @param onPlug    receives the plug's payloads
     * @param keepAliveSeconds the MQTT keep-alive: the broker publishes the Last Will 1.5 × this after the last
     *                  packet
     * @param heartbeatSeconds the status is published again this often while connected (protocol 1.5), so that a
     *                  controller notices a hung agent; 0: only when it changes and on connect
     */
    public MqttAgentConnection(String brokerUrl, String agentId, MqttLogin login, AgentStatus online, String plugTopic,
                               Consumer<byte[]> onPlug, int keepAliveSeconds, int heartbeatSeconds)
            throws MqttException {
        this.agentId = agentId;
        this.heartbeatSeconds = heartbeatSeconds;
        String clientId = login.tls() != null ? agentId : "sigmaquant-agent-" + agentId;
        this.client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
        buffer.setBufferEnabled(true);
        buffer.setBufferSize(10_000);
        buffer.setPersistBuffer(false);
        buffer.setDeleteOldestMessages(false);
        client.setBufferOpts(buffer);
        status.offer(online);
        this.plugTopic = plugTopic;
        this.onPlug = onPlug;
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(SESSION_EXPIRY_S);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 60);
        options.setKeepAliveInterval(keepAliveSeconds);
        options.setConnectionTimeout(10);
        options.setReceiveMaximum(MAX_IN_FLIGHT);
        // announced in CONNECT: the broker must not send this client a larger packet (MQTT 5, 3.1.2.11.4), so an
        // oversized job is dropped at the broker instead of being read into memory here
        options.setMaximumPacketSize((long) Limits.MAX_MESSAGE_BYTES);
        if (login.tls() != null) {
            options.setSocketFactory(login.tls().getSocketFactory());
            options.setHttpsHostnameVerificationEnabled(true); // the broker's certificate must name its host
        }
        if (login.username() != null) {
            options.setUserName(login.username());
            options.setPassword(login.password());
        }
        MqttMessage will = new MqttMessage(codec.encode(offline()), 1, true, new MqttProperties());
        options.setWill(Topics.status(agentId), will);
        this.options = options;
        this.publisher = new Thread(this::publishLoop, "mqtt-publisher");
        publisher.setDaemon(true);
        publisher.start();
    }

    /**
     * Connects (jobs may arrive from here on) and waits up to 15 s for the broker's answer.
     *
     * @param onJob receives each payload of the jobs topic (on Paho's thread; must not block)
     */
    public void connect(Consumer<byte[]> onJob) throws MqttException {
        connect(onJob, () -> { });
    }

    /**
     * As {@link #connect(Consumer)}, and runs {@code onReconnect} (on Paho's thread; must not block) each time the
     * session is back after a connection loss.
     */
    public void connect(Consumer<byte[]> onJob, Runnable onReconnect) throws MqttException {
        client.setCallback(new Callback(onJob, onReconnect));
        try {
            client.connect(options).waitForCompletion(15_000);
        } catch (MqttException e) {
            if (refusedCredentials(e)) {
                // the operator's to fix (certificate revoked, expired or from another CA; wrong password): one line
                throw new IllegalArgumentException("the broker " + client.getServerURI() + " refused this agent: "
                        + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
            }
            throw new BrokerUnreachableException(client.getServerURI(), e, certificateHint(e));
        }
    }

    /**
     * A hint for a connection the broker dropped after TCP was up. TLS 1.3: the client's side of the handshake ends
     * before the broker checks the certificate, so a refused one shows as a reset or broken pipe. So can a broker
     * restarting, hence exit 1 with a hint rather than exit 2 (which the service unit does not restart). Nothing
     * for a broker not reached at all (refused, unknown host, no route, timeout): a board booting before its
     * network must keep trying.
     */
    private String certificateHint(MqttException e) {
        if (!overTls() || !(e.getCause() instanceof java.io.IOException) || neverReached(e)) {
            return null;
        }
        return "if this persists, check the certificate: a revoked, expired or foreign one is refused this way";
    }

    private static boolean neverReached(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private boolean overTls() {
        return options.getSocketFactory() instanceof javax.net.ssl.SSLSocketFactory
                || client.getServerURI().startsWith("ssl://");
    }

    /** CONNACK "not authorized" / "bad user name or password", or a TLS handshake the broker ended. */
    private static boolean refusedCredentials(MqttException e) {
        return e.getReasonCode() == 0x86 || e.getReasonCode() == 0x87
                || e.getCause() instanceof SSLException && !neverReached(e);
    }

    private AgentStatus offline() {
        return new AgentStatus(io.sigmaquant.protocol.Messages.SCHEMA_VERSION, null, "lwt-" + agentId, agentId,
                AgentStatus.OFFLINE, null, null, 0);
    }

    @Override
    public void send(Message reply) {
        outbox.add(reply);
    }

    private void publishLoop() {
        while (open || !outbox.isEmpty()) {
            Message m;
            try {
                publishStatus();
                m = outbox.poll(200, TimeUnit.MILLISECONDS);
                if (m == null) {
                    continue;
                }
                inFlight.acquire();
            } catch (InterruptedException e) {
                return;
            }
            publish(Topics.results(agentId), m, false, m.type(), () -> outbox.add(m), // nothing measured is dropped
                    () -> onPublished.accept(m));
        }
    }

    /**
     * One QoS 1 publish holding a permit of the in-flight window (acquired by the caller) until the broker
     * answers; on failure {@code retry} puts the message back (after a pause when Paho refused it at once).
     */
    private void publish(String topic, Message m, boolean retained, String what, Runnable retry, Runnable done) {
        try {
            client.publish(topic, codec.encode(m), 1, retained, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    inFlight.release();
                    done.run();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    inFlight.release();
                    LOG.warn("publishing {} failed ({}); retrying", what, failure.getMessage());
                    retry.run();
                }
            });
        } catch (MqttException e) {
            inFlight.release();
            LOG.warn("publishing {} failed ({}); retrying", what, e.getMessage());
            retry.run();
            sleep(1000);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Announces a new status (retained) through the publisher thread, retried until published, and again on
     * every later connect: an agent that cannot take jobs says so instead of appearing online.
     */
    public void publishStatus(AgentStatus next) {
        status.offer(next);
    }

    /**
     * On the publisher thread: the latest status, if one waits and the broker is there (else on connect), or as a
     * heartbeat when one period has passed since the last; with a heartbeat, each carries its period and the time.
     */
    private void publishStatus() throws InterruptedException {
        if (!client.isConnected()) {
            return;
        }
        long now = System.currentTimeMillis();
        if (heartbeatSeconds > 0 && now - statusSentAtMs >= heartbeatSeconds * 1000L) {
            status.reannounce();
        }
        AgentStatus taken = status.take();
        if (taken == null) {
            return;
        }
        AgentStatus s = heartbeatSeconds > 0 && !AgentStatus.OFFLINE.equals(taken.state())
                ? taken.beat(heartbeatSeconds, now, held()) : taken;
        statusSentAtMs = now;
        inFlight.acquire();
        publish(Topics.status(agentId), s, true, "status " + s.state(), () -> status.failed(taken), () -> { });
    }

    /** Where each heartbeat reads the jobs the agent holds (queued or measuring); set once the jobs exist. */
    public void reportJobsHeld(java.util.function.IntSupplier held) {
        this.jobsHeld = held;
    }

    private Integer held() {
        java.util.function.IntSupplier h = jobsHeld;
        return h == null ? null : h.getAsInt();
    }

    /** Receives each reply once the broker has acknowledged it (PUBACK); set before {@link #connect}. */
    public void onPublished(Consumer<Message> tap) {
        this.onPublished = tap == null ? m -> { } : tap;
    }

    /**
     * Drops the connection as a crash or a power cut would: the socket closed without DISCONNECT, so the broker
     * publishes the Last Will; what waited in the outbox is lost. For the load generator's injected faults.
     */
    public void closeAbruptly() {
        open = false;
        publisher.interrupt();
        outbox.clear();
        try {
            client.disconnectForcibly(0, 1000, false);
        } catch (MqttException e) {
            LOG.debug("dropping the MQTT connection: {}", e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("closing the MQTT client: {}", e.getMessage());
        }
    }

    /** Publishes {@code offline} (retained) and disconnects, after the outbox has drained. */
    @Override
    public void close() {
        long until = System.currentTimeMillis() + 5000;
        while (!outbox.isEmpty() && System.currentTimeMillis() < until) {
            sleep(50);
        }
        open = false;
        try {
            publisher.join(2000); // no status of the publisher may follow the offline below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.interrupt();
        try {
            if (client.isConnected()) {
                client.publish(Topics.status(agentId), codec.encode(offline()), 1, true).waitForCompletion(5000);
                client.disconnect().waitForCompletion(5000);
            }
            client.close();
        } catch (MqttException e) {
            LOG.warn("closing the MQTT connection: {}", e.getMessage());
        }
    }

    /** Whether the session is up now. */
    public boolean isConnected() {
        return client.isConnected();
    }

    private final class Callback implements MqttCallback {
        private final Consumer<byte[]> onJob;
        private final Runnable onReconnect;

        Callback(Consumer<byte[]> onJob, Runnable onReconnect) {
            this.onJob = onJob;
            this.onReconnect = onReconnect;
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            LOG.info("{} to {}", reconnect ? "reconnected" : "connected", serverUri);
            status.reannounce(); // published by the publisher thread, retried until it is
            try {
                List<String> topics = new ArrayList<>(List.of(Topics.jobs(agentId)));
                List<Integer> qos = new ArrayList<>(List.of(1));
                if (plugTopic != null) {
                    topics.add(plugTopic);
                    qos.add(0);
                }
                client.subscribe(topics.toArray(String[]::new), qos.stream().mapToInt(Integer::intValue).toArray());
            } catch (MqttException e) {
                LOG.warn("subscribing failed: {}", e.getMessage());
            }
            if (reconnect) {
                onReconnect.run();
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (topic.equals(plugTopic)) {
                onPlug.accept(message.getPayload());
            } else {
                onJob.accept(message.getPayload());
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // the in-flight window is released by each publish's own listener
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            LOG.warn("disconnected: {}", response.getReasonString());
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.warn("MQTT error: {}", exception.getMessage());
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }
}
