package io.sigmaquant.controller.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sigmaquant.controller.metrics.AnalysisMeters;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import io.sigmaquant.controller.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs of one model share its analysis and sensitivity tables: counted on the registry, never timed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedAnalysesTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SharedAnalyses shared = new SharedAnalyses(new AnalysisMeters(registry));
    @TempDir
    Path cache;

    private double counted(String name) {
        return registry.get(name).counter().count();
    }

    /** Verifies that two runs of one model get one analysis, and a different model its own. */
    @Test
    void analysis_sameModelTwice_analysedOnce() throws Exception {
        byte[] resnet = Files.readAllBytes(Fixtures.model("resnet"));
        byte[] vgg = Files.readAllBytes(Fixtures.model("vgg"));

        ModelAnalysis first = shared.analysis(resnet, () -> ModelAnalyzer.analyze(OnnxModels.parse(resnet, "r")));
        ModelAnalysis second = shared.analysis(resnet.clone(), () -> ModelAnalyzer.analyze(OnnxModels.parse(resnet, "r")));
        shared.analysis(vgg, () -> ModelAnalyzer.analyze(OnnxModels.parse(vgg, "v")));

        assertThat(second).isSameAs(first);
        assertThat(counted("sigmaquant.analysis.computed")).isEqualTo(2);
    }

    /** Verifies that only the most recent analyses are kept once their runs have them. */
    @Test
    void analysis_moreModelsThanKept_oldestAnalysedAgain() {
        AtomicInteger analysed = new AtomicInteger();
        ModelAnalysis fake = new ModelAnalysis(null, 17, null, List.of());
        for (int m = 0; m <= SharedAnalyses.KEPT_ANALYSES; m++) {
            byte[] model = {(byte) m};
            shared.analysis(model, () -> {
                analysed.incrementAndGet();
                return fake;
            });
        }
        shared.analysis(new byte[] {0}, () -> {
            analysed.incrementAndGet();
            return fake;
        });

        assertThat(analysed).hasValue(SharedAnalyses.KEPT_ANALYSES + 2);
    }

    /** Verifies that concurrent runs asking for one table measure it once, and a later one reads it from the cache. */
    @Test
    void sensitivity_concurrentRunsOfOneKey_measuredOnceThenReused() throws Exception {
        AtomicReference<SensitivityTable> disk = new AtomicReference<>();
        AtomicInteger measured = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        SensitivityTable table = new SensitivityTable("weights", List.of("conv"), List.of(4), new double[][] {{0.5}},
                "test");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<SensitivityTable>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> shared.sensitivity("key", cache, () -> Optional.ofNullable(disk.get()),
                        () -> {
                            measured.incrementAndGet();
                            awaitQuietly(release);
                            disk.set(table);
                            return table;
                        })));
            }
            release.countDown();
            for (Future<SensitivityTable> r : runs) {
                assertThat(r.get()).isSameAs(table);
            }
        } finally {
            pool.shutdownNow();
        }
        shared.sensitivity("key", cache, () -> Optional.ofNullable(disk.get()), () -> {
            throw new AssertionError("measured again");
        });

        assertThat(measured).hasValue(1);
        assertThat(counted("sigmaquant.sensitivity.computed")).isEqualTo(1);
        assertThat(counted("sigmaquant.sensitivity.reused")).isGreaterThanOrEqualTo(1);
    }

    /** Verifies that a failed measurement is not remembered: the next run measures again. */
    @Test
    void sensitivity_failure_isRetriedByTheNextRun() throws Exception {
        SensitivityTable table = new SensitivityTable("weights", List.of("conv"), List.of(4), new double[][] {{0.5}},
                "test");
        try {
            shared.sensitivity("key", cache, Optional::empty, () -> {
                throw new IllegalStateException("ONNX Runtime ran out of memory");
            });
        } catch (IllegalStateException expected) {
            // the first run fails with the reason
        }

        assertThat(shared.sensitivity("key", cache, Optional::empty, () -> table)).isSameAs(table);
        assertThat(counted("sigmaquant.sensitivity.computed")).isEqualTo(1);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
