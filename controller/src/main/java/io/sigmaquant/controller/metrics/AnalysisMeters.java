package io.sigmaquant.controller.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sigmaquant.controller.run.AnalysisCounts;

/**
 * {@code sigmaquant_analysis_computed_total}, {@code sigmaquant_sensitivity_computed_total} and
 * {@code sigmaquant_sensitivity_reused_total}: how often runs of one model shared its analysis and table.
 */
public final class AnalysisMeters implements AnalysisCounts {
    private final Counter analyses;
    private final Counter tablesComputed;
    private final Counter tablesReused;

    public AnalysisMeters(MeterRegistry registry) {
        analyses = Counter.builder("sigmaquant.analysis.computed")
                .description("model analyses computed (once per model while runs of it share it)").register(registry);
        tablesComputed = Counter.builder("sigmaquant.sensitivity.computed")
                .description("sensitivity tables measured (not found in the shared sensitivity cache)")
                .register(registry);
        tablesReused = Counter.builder("sigmaquant.sensitivity.reused")
                .description("sensitivity tables read from the shared sensitivity cache").register(registry);
    }

    @Override
    public void analysisComputed() {
        analyses.increment();
    }

    @Override
    public void sensitivityComputed() {
        tablesComputed.increment();
    }

    @Override
    public void sensitivityReused() {
        tablesReused.increment();
    }
}
