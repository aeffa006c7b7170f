package io.sigmaquant.controller.run;

/** Told by {@link SharedAnalyses} what it computed and what it reused, for the controller's metrics. */
public interface AnalysisCounts {
    /** Counts nothing: an in-process run, a test. */
    AnalysisCounts NONE = new AnalysisCounts() {
        @Override
        public void analysisComputed() {
        }

        @Override
        public void sensitivityComputed() {
        }

        @Override
        public void sensitivityReused() {
        }
    };

    /** A model was analysed (once for all the runs of it that asked meanwhile). */
    void analysisComputed();

    /** A sensitivity table was measured: it was not in the shared sensitivity cache. */
    void sensitivityComputed();

    /** A sensitivity table was read from the shared sensitivity cache. */
    void sensitivityReused();
}
