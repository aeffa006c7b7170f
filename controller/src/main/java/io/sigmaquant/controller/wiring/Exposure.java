package io.sigmaquant.controller.wiring;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Whether a listen address is reachable only from this machine. */
final class Exposure {
    private Exposure() {
    }

    /** True for 127.0.0.0/8, ::1 and names that resolve only to those (localhost); false for 0.0.0.0 and the rest. */
    static boolean loopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false; // binding will fail with its own message; do not call it safe
        }
    }

    /**
     * Why an HTTP server on {@code httpHost} and an embedded broker on {@code mqttHost} (null: none) may not be
     * started without TLS, or null when both are loopback-only.
     */
    static String refusal(String httpHost, String mqttHost) {
        String open = !loopback(httpHost) ? "the HTTP API on " + httpHost
                : mqttHost != null && !loopback(mqttHost) ? "the embedded MQTT broker on " + mqttHost : null;
        return open == null ? null : open + " would be reachable from the network without TLS or authentication: "
                + "give --tls-bundle FILE (or --tls-ca, --tls-cert and --tls-key; see sigmaquant pki) to secure it, "
                + "bind it to 127.0.0.1, or add --insecure to serve it open anyway";
    }
}
