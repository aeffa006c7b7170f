package io.sigmaquant.controller.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A bitwidth per layer: 2..8 for integer weights, {@value #FLOAT} to keep the layer in float. The file
 * form is {@code {"bits": {"<layer>": B, …}, "default": B}}; layers it does not name get the default
 * (float unless given).
 */
public record BitConfig(Map<String, Integer> bits, int defaultBits) {
    public static final int FLOAT = 32;
    public static final int MIN_BITS = 2;
    public static final int MAX_BITS = 8;

    public BitConfig {
        bits = Map.copyOf(bits);
        checkBits(defaultBits, "default");
        bits.forEach((layer, b) -> checkBits(b, "layer '" + layer + "'"));
    }

    public static BitConfig uniform(int bits) {
        return new BitConfig(Map.of(), bits);
    }

    public static boolean valid(int bits) {
        return bits == FLOAT || (bits >= MIN_BITS && bits <= MAX_BITS);
    }

    private static void checkBits(int b, String what) {
        if (!valid(b)) {
            throw new UserInputException("bitwidth " + b + " for " + what + " is not allowed; use "
                    + MIN_BITS + ".." + MAX_BITS + " or " + FLOAT + " (float)");
        }
    }

    /** Bits for every layer of the model, in layer order; names unknown to the model are refused. */
    public Map<String, Integer> resolve(ModelAnalysis analysis) {
        Map<String, Layer> layers = analysis.byName();
        for (String name : bits.keySet()) {
            if (!layers.containsKey(name)) {
                throw new UserInputException("config names unknown layer '" + name + "'; the model's layers are: "
                        + analysis.layers().stream().map(Layer::name).collect(Collectors.joining(", ")));
            }
        }
        Map<String, Integer> all = new LinkedHashMap<>();
        for (Layer l : analysis.layers()) {
            all.put(l.name(), bits.getOrDefault(l.name(), defaultBits));
        }
        return all;
    }

    public static BitConfig read(Path file, ObjectMapper json) {
        JsonNode root;
        try {
            root = json.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new UserInputException("config file not found: " + file);
        } catch (IOException e) {
            throw new UserInputException("config " + file + " is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject() || !root.path("bits").isObject()) {
            throw new UserInputException("config " + file + " must be a JSON object with a \"bits\" object "
                    + "mapping layer names to bitwidths");
        }
        Map<String, Integer> bits = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("bits").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isInt()) {
                throw new UserInputException("config " + file + ": bits of layer '" + e.getKey()
                        + "' must be an integer, got " + e.getValue());
            }
            bits.put(e.getKey(), e.getValue().asInt());
        }
        JsonNode def = root.path("default");
        if (!def.isMissingNode() && !def.isInt()) {
            throw new UserInputException("config " + file + ": \"default\" must be an integer bitwidth");
        }
        return new BitConfig(bits, def.isInt() ? def.asInt() : FLOAT);
    }
}
