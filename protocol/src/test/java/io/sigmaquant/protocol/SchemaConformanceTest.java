package io.sigmaquant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.sigmaquant.protocol.message.Message;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Keeps the JSON Schemas and the AsyncAPI document true to what the Java records produce. */
class SchemaConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Schema schema(String type) throws Exception {
        try (InputStream in = SchemaConformanceTest.class.getResourceAsStream("schemas/" + type + ".schema.json")) {
            assertThat(in).as("schema for " + type).isNotNull();
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in, InputFormat.JSON);
        }
    }

    @Test
    void encode_everySample_validatesAgainstItsSchema() throws Exception {
        MessageCodec codec = new MessageCodec();
        for (Message m : SampleMessages.all()) {
            JsonNode json = JSON.readTree(codec.encode(m));
            List<Error> errors = schema(m.type()).validate(json);
            assertThat(errors).as(m.type() + " " + json).isEmpty();
        }
    }

    @Test
    void schemas_rejectWhatTheCodecRejects() throws Exception {
        JsonNode job = JSON.readTree(new MessageCodec().encode(SampleMessages.job()));
        ((com.fasterxml.jackson.databind.node.ObjectNode) job.get("model")).put("sha256", "nothex");
        assertThat(schema("job").validate(job)).isNotEmpty();
    }

    @Test
    void schemas_rejectTheNewValuesTheCodecRejects() throws Exception {
        JsonNode job = JSON.readTree(new MessageCodec().encode(SampleMessages.pairedJob()));
        ((com.fasterxml.jackson.databind.node.ObjectNode) job.get("settings")).put("ciHalfWidth", 1.0);
        assertThat(schema("job").validate(job)).isNotEmpty();
        JsonNode result = JSON.readTree(new MessageCodec().encode(SampleMessages.pairedResult()));
        ((com.fasterxml.jackson.databind.node.ObjectNode) result.get("reference")).put("ratio", 0);
        assertThat(schema("result").validate(result)).isNotEmpty();
    }

    @Test
    void asyncApi_referencesOneExistingSchemaPerMessageKind() throws Exception {
        JsonNode doc = new YAMLMapper().readTree(Path.of("asyncapi.yaml").toFile());
        assertThat(doc.get("asyncapi").asText()).isEqualTo("3.0.0");
        Set<String> names = new TreeSet<>();
        List<String> refs = new ArrayList<>();
        doc.get("components").get("messages").forEach(m -> {
            names.add(m.get("name").asText());
            refs.add(m.get("payload").get("$ref").asText());
        });
        Set<String> kinds = new TreeSet<>();
        SampleMessages.all().forEach(m -> kinds.add(m.type()));
        assertThat(names).isEqualTo(kinds);
        for (String ref : refs) {
            assertThat(Files.isRegularFile(Path.of(ref))).as(ref).isTrue();
        }
        for (String channel : new String[] {"status", "jobs", "results"}) {
            String address = doc.get("channels").get(channel).get("address").asText();
            assertThat(address.replace("{agentId}", "a1")).isEqualTo(Topics.ROOT + "/agents/a1/" + channel);
        }
    }
}
