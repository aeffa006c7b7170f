package io.sigmaquant.agent.worker;

import io.sigmaquant.agent.jobs.ModelMeasurer;

/**
 * A worker for tests: jobs whose id starts with {@code block} never return, as a native call that hangs inside
 * ONNX Runtime would (it ignores interrupts and never polls its deadline); every other job is measured for real
 * by {@link WorkerMain#measurer}. The one fake in these tests, and only to make a hang deterministic.
 */
public final class BlockingWorkerMain {
    private BlockingWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        WorkerMain.serve(WorkerCommand.Settings.parse(args), parts -> {
            ModelMeasurer real = WorkerMain.measurer(parts);
            return (job, model, reference, phase, cancelled) -> {
                if (job.jobId().startsWith("block")) {
                    phase.accept("blocking");
                    hang();
                }
                return real.measure(job, model, reference, phase, cancelled);
            };
        });
    }

    @SuppressWarnings("InfiniteLoopStatement")
    private static void hang() {
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException ignored) {
                // a hung native call does not answer interrupts either
            }
        }
    }
}
