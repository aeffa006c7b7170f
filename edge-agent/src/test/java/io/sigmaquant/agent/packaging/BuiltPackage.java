package io.sigmaquant.agent.packaging;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The .deb that profile deb built, in the folder failsafe names (sigmaquant.deb.dir). */
final class BuiltPackage {
    private BuiltPackage() {
    }

    static Path path() throws IOException {
        Path dir = Path.of(System.getProperty("sigmaquant.deb.dir", "target"));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> debs = files.filter(f -> f.getFileName().toString().matches("sigmaquant-agent_.+_all\\.deb"))
                    .toList();
            if (debs.size() != 1) {
                fail("expected one sigmaquant-agent_<version>_all.deb in " + dir + " (./mvnw -Pdeb -pl edge-agent "
                        + "-am package), found " + debs);
            }
            return debs.get(0).toAbsolutePath();
        }
    }
}
