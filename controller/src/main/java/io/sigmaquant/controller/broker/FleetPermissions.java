package io.sigmaquant.controller.broker;

import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission.MqttActivity;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission.PermissionType;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission.Retain;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission.SharedSubscription;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import com.hivemq.extension.sdk.api.services.builder.TopicPermissionBuilder;
import io.sigmaquant.protocol.Topics;
import io.sigmaquant.protocol.tls.Identity;
import java.util.List;

/**
 * The topics each identity may touch on the embedded broker — the same table as the shipped Mosquitto ACL
 * (docker/mosquitto/acl). Everything not listed is denied: an agent reaches only its own three topics, only a
 * controller may publish jobs and read results, a broker's certificate gets nothing.
 */
final class FleetPermissions {
    private static final String ANY_AGENT = Topics.ROOT + "/agents/+/";

    private FleetPermissions() {
    }

    /** Built per connection: HiveMQ's builders live in the broker's extension services. */
    static List<TopicPermission> of(Identity identity) {
        String id = identity.name();
        return switch (identity.role()) {
            case AGENT -> List.of(
                    // retained so that the controller sees it on connect; also the Last Will's topic
                    allow(Topics.status(id), MqttActivity.PUBLISH).retain(Retain.ALL).build(),
                    allow(Topics.results(id), MqttActivity.PUBLISH).retain(Retain.NOT_RETAINED).build(),
                    allow(Topics.jobs(id), MqttActivity.SUBSCRIBE).sharedSubscription(SharedSubscription.NOT_SHARED)
                            .build());
            case CONTROLLER -> List.of(
                    allow(ANY_AGENT + "jobs", MqttActivity.PUBLISH).retain(Retain.NOT_RETAINED).build(),
                    allow(Topics.statusFilter(), MqttActivity.SUBSCRIBE).build(),
                    // HiveMQ matches a $share/<group>/<filter> subscription against the filter, with the group apart
                    allow(ANY_AGENT + "results", MqttActivity.SUBSCRIBE).sharedSubscription(SharedSubscription.SHARED)
                            .sharedGroup(Topics.CONTROLLER_GROUP).build());
            // a broker's certificate proves a server; CertificateAuthenticator refuses it before it gets here
            case BROKER -> List.of();
        };
    }

    private static TopicPermissionBuilder allow(String filter, MqttActivity activity) {
        return Builders.topicPermission().topicFilter(filter).type(PermissionType.ALLOW).activity(activity);
    }
}
