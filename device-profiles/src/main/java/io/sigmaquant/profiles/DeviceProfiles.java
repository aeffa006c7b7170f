package io.sigmaquant.profiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads device profiles: the bundled ones by id, or a YAML file by path. Every profile is validated
 * against {@code device-profile.schema.json} and a few cross-field rules before it is bound.
 */
public final class DeviceProfiles {
    /** Bundled profile ids (each is {@code <id>.yaml} next to this class). */
    public static final List<String> BUNDLED = List.of("raspberry-pi-4", "raspberry-pi-5", "jetson-nano",
            "jetson-orin-nano", "x86-64-generic", "shift-add-asic");

    private static final ObjectMapper YAML = YAMLMapper.builder().build();
    private static final ObjectMapper BINDER = new ObjectMapper()
            .enable(DeserializationFeature.READ_ENUMS_USING_TO_STRING)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Schema SCHEMA = loadSchema();

    private DeviceProfiles() {
    }

    /** A bundled profile by id, or a profile file when {@code idOrPath} names an existing file. */
    public static DeviceProfile load(String idOrPath) {
        Path file = Path.of(idOrPath);
        if (idOrPath.endsWith(".yaml") || idOrPath.endsWith(".yml") || Files.isRegularFile(file)) {
            return loadFile(file);
        }
        if (!BUNDLED.contains(idOrPath)) {
            throw new ProfileException(idOrPath, "", "no such profile; bundled profiles are " + String.join(", ", BUNDLED)
                    + ", or give the path of a YAML file");
        }
        String resource = new ProfileId(idOrPath).fileName();
        try (InputStream in = DeviceProfiles.class.getResourceAsStream(resource)) {
            return parse(resource, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("bundled profile " + resource + " is unreadable", e);
        }
    }

    public static DeviceProfile loadFile(Path file) {
        try {
            return parse(file.toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ProfileException(file.toString(), "", "cannot read: " + e.getMessage());
        }
    }

    /** Parses and validates YAML; {@code source} names it in errors. */
    public static DeviceProfile parse(String source, byte[] yaml) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new ProfileException(source, "", "not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (tree == null || !tree.isObject()) {
            throw new ProfileException(source, "", "a profile must be a YAML mapping");
        }
        List<Error> errors = SCHEMA.validate(tree);
        if (!errors.isEmpty()) {
            Error first = errors.get(0);
            throw new ProfileException(source, first.getInstanceLocation().toString(), first.getMessage());
        }
        DeviceProfile profile;
        try {
            profile = BINDER.treeToValue(tree, DeviceProfile.class);
        } catch (JsonProcessingException e) {
            throw new ProfileException(source, "", e.getOriginalMessage());
        }
        ProfileRules.check(source, profile);
        return profile;
    }

    private static Schema loadSchema() {
        try (InputStream in = DeviceProfiles.class.getResourceAsStream("device-profile.schema.json")) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in, InputFormat.JSON);
        } catch (IOException e) {
            throw new UncheckedIOException("device-profile.schema.json is unreadable", e);
        }
    }
}
