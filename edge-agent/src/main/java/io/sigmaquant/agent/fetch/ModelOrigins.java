package io.sigmaquant.agent.fetch;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The origins an agent downloads models from: one per controller replica ({@code --controller-url} with several
 * URLs, comma-separated), since a run's jobs name the model URL of the replica that owns it and a run may move to
 * another replica. Without any, only loopback origins are trusted ({@link ModelOrigin#LOOPBACK}).
 */
public record ModelOrigins(List<ModelOrigin> origins) {
    /** Trusted when no controller URL was configured: this machine only. */
    public static final ModelOrigins LOOPBACK = new ModelOrigins(List.of(ModelOrigin.LOOPBACK));

    public ModelOrigins {
        if (origins == null || origins.isEmpty()) {
            throw new IllegalArgumentException("the trusted model origins must not be empty");
        }
        origins = List.copyOf(origins);
    }

    /**
     * Parses {@code https://a:8443,https://b:8443} (blanks around the commas are ignored); throws
     * IllegalArgumentException naming the URL that is not an http(s) URL with a host.
     */
    public static ModelOrigins of(String urls) {
        if (urls == null || urls.isBlank()) {
            throw new IllegalArgumentException("the controller URL must be http(s)://host[:port], got nothing");
        }
        List<ModelOrigin> parsed = new ArrayList<>();
        for (String url : urls.split(",")) {
            if (!url.isBlank()) {
                parsed.add(ModelOrigin.of(url.strip()));
            }
        }
        return new ModelOrigins(parsed);
    }

    /** Checks a job's model URL against every origin; throws {@link FetchException} (untrusted-url) if none trusts it. */
    public URI check(String url) {
        URI uri = ModelOrigin.safe(url);
        for (ModelOrigin origin : origins) {
            if (origin.trusts(uri)) {
                return uri;
            }
        }
        throw ModelOrigin.untrusted(url, "is not on " + (origins.size() == 1 ? "the trusted origin " : "a trusted "
                + "origin (") + this + (origins.size() == 1 ? "" : ")"));
    }

    @Override
    public String toString() {
        return origins.stream().map(ModelOrigin::toString).collect(Collectors.joining(", "));
    }
}
