package io.sigmaquant.agent.fetch;

import io.sigmaquant.protocol.message.JobError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * The one origin (scheme, host, port) an agent downloads models from: its controller's address
 * ({@code --controller-url}). Without one, only loopback origins are trusted, so the one-machine demo and the
 * tests keep working while an agent on a board never follows a job to an address it was not given.
 *
 * @param host lower case; null = any loopback host, any port, http or https
 */
public record ModelOrigin(String scheme, String host, int port) {
    /** Trusted when no controller URL was configured: this machine only. */
    public static final ModelOrigin LOOPBACK = new ModelOrigin(null, null, -1);
    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    /** Parses {@code https://host:port} (a path is ignored); throws IllegalArgumentException when it is not one. */
    public static ModelOrigin of(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("the controller URL must be http(s)://host[:port], got " + url);
        }
        return new ModelOrigin(scheme, uri.getHost().toLowerCase(Locale.ROOT), port(uri));
    }

    /** Checks a job's model URL against this origin; throws {@link FetchException} (untrusted-url) otherwise. */
    public URI check(String url) {
        URI uri = safe(url);
        if (!trusts(uri)) {
            throw untrusted(url, "is not on the trusted origin " + this);
        }
        return uri;
    }

    /** A model URL that stays inside a model store, whatever its origin; throws {@link FetchException} otherwise. */
    static URI safe(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw untrusted(url, "is not a valid URL");
        }
        String raw = uri.getRawPath() == null ? "" : uri.getRawPath().toLowerCase(Locale.ROOT);
        // ".." segments and encoded dots or separators could leave the controller's model folder
        if (raw.contains("..") || raw.contains("%2e") || raw.contains("%2f") || raw.contains("%5c")
                || raw.contains("\\") || uri.getRawUserInfo() != null) {
            throw untrusted(url, "names a path outside the model store");
        }
        return uri;
    }

    /** Whether a URL {@link #safe} passed is on this origin (any loopback one for {@link #LOOPBACK}). */
    boolean trusts(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String h = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return host == null
                ? (scheme.equals("http") || scheme.equals("https")) && LOOPBACK_HOSTS.contains(h)
                : scheme.equals(this.scheme) && h.equals(host) && port(uri) == port;
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    static FetchException untrusted(String url, String why) {
        String shown = url.length() > 200 ? url.substring(0, 200) + "…" : url;
        return new FetchException(JobError.Codes.UNTRUSTED_URL, "model.url " + shown + " " + why);
    }

    @Override
    public String toString() {
        return host == null ? "loopback (no --controller-url given)" : scheme + "://" + host + ":" + port;
    }
}
