package io.sigmaquant.controller.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An image tar as Jib writes it ({@code docker save} format: manifest.json, a config, gzipped layers), unpacked as
 * a container engine does it — every layer in order into one root — with what its config says to run.
 *
 * @param root         the image's file system
 * @param architecture the config's {@code architecture} (amd64, arm64)
 * @param user         the config's {@code User}, a numeric uid here
 */
public record UnpackedImage(Path root, String architecture, List<String> entrypoint, List<String> cmd,
                            Map<String, String> env, String user, String workingDir) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public UnpackedImage {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = Map.copyOf(env);
    }

    public static UnpackedImage unpack(Path imageTar, Path dir) throws IOException, InterruptedException {
        if (!Files.isRegularFile(imageTar)) {
            throw new IOException(imageTar + " is missing: run docker/base/prepare.sh, then ./mvnw -Pimages package");
        }
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        Path root = Files.createDirectories(dir.resolve("root"));
        tar("-xf", imageTar.toString(), "-C", blobs.toString());
        JsonNode manifest = JSON.readTree(blobs.resolve("manifest.json").toFile()).get(0);
        for (JsonNode layer : manifest.get("Layers")) {
            // numeric owners keep the image's 10001 folders; Jib's layers carry a libarchive header GNU tar skips
            tar("-xzf", blobs.resolve(layer.asText()).toString(), "-C", root.toString(), "--numeric-owner",
                    "--warning=no-unknown-keyword");
        }
        JsonNode config = JSON.readTree(blobs.resolve(manifest.get("Config").asText()).toFile());
        JsonNode run = config.get("config");
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : run.path("Env")) {
            String[] kv = e.asText().split("=", 2);
            env.put(kv[0], kv[1]);
        }
        // where an engine mounts /proc, /sys and /dev
        for (String mountPoint : List.of("proc", "sys", "dev")) {
            Files.createDirectories(root.resolve(mountPoint));
        }
        deleteTree(blobs); // the layers are unpacked; the controller's alone take ~370 MB
        return new UnpackedImage(root, config.get("architecture").asText(), strings(run.path("Entrypoint")),
                strings(run.path("Cmd")), env, run.path("User").asText("0"), run.path("WorkingDir").asText("/"));
    }

    /** The entrypoint's program as the image's PATH finds it, as a path inside the image. */
    public String executable() throws IOException {
        String program = entrypoint.get(0);
        if (program.startsWith("/")) {
            return program;
        }
        for (String dir : env.getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            String inside = dir + "/" + program;
            if (Files.isExecutable(root.resolve(inside.substring(1)))) {
                return inside;
            }
        }
        throw new IOException(program + " is not on the image's PATH " + env.get("PATH"));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void tar(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tar"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
