package io.sigmaquant.controller.broker;

import io.sigmaquant.protocol.Limits;
import java.util.Locale;

/**
 * HiveMQ's config.xml for the embedded broker: one listener — plain TCP for the loopback demo, or TLS with a
 * client certificate REQUIRED (no plain listener beside it) — queues deep enough for bursts of jobs, and the
 * protocol's message cap as the largest MQTT packet.
 */
final class BrokerConfig {
    /** Queued messages kept per client before the broker discards (HiveMQ's default of 1,000 dropped bursts). */
    static final long MAX_QUEUE_SIZE = 100_000;
    /**
     * The largest MQTT packet a client may send (HiveMQ's default is 256 MB): the protocol's message cap, so an
     * oversized publish ends its sender's connection before the broker buffers or forwards it (issue 13 review).
     */
    static final int MAX_PACKET_SIZE = Limits.MAX_MESSAGE_BYTES;

    private BrokerConfig() {
    }

    static String plain(String host, int port) {
        return document(String.format(Locale.ROOT, """
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                        </tcp-listener>
                """, port, xml(host)));
    }

    static String tls(String host, int port, BrokerKeystores stores) {
        return document(String.format(Locale.ROOT, """
                        <tls-tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                            <tls>
                                <protocols><protocol>TLSv1.3</protocol><protocol>TLSv1.2</protocol></protocols>
                                <keystore>
                                    <path>%s</path>
                                    <password>%s</password>
                                    <private-key-password>%s</private-key-password>
                                </keystore>
                                <truststore>
                                    <path>%s</path>
                                    <password>%s</password>
                                </truststore>
                                <client-authentication-mode>REQUIRED</client-authentication-mode>
                            </tls>
                        </tls-tcp-listener>
                """, port, xml(host), xml(stores.keystore().toString()), stores.password(), stores.password(),
                xml(stores.truststore().toString()), stores.password()));
    }

    /** The data folder is the user's choice: its name may hold characters XML reserves. */
    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String document(String listener) {
        return String.format(Locale.ROOT, """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                %s    </listeners>
                    <mqtt>
                        <queued-messages>
                            <max-queue-size>%d</max-queue-size>
                            <strategy>discard-oldest</strategy>
                        </queued-messages>
                        <packets>
                            <max-packet-size>%d</max-packet-size>
                        </packets>
                    </mqtt>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """, listener, MAX_QUEUE_SIZE, MAX_PACKET_SIZE);
    }
}
