package io.sigmaquant.controller.service;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.allocation.AllocatorChoice;
import io.sigmaquant.controller.allocation.SigmaQuantOptions;
import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.controller.files.JsonFiles;
import io.sigmaquant.controller.loop.PastMeasurement;
import io.sigmaquant.controller.run.PreparedRun;
import io.sigmaquant.controller.run.RunExecution;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.run.RunRequestJson;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.controller.store.RunStore;
import io.sigmaquant.controller.wiring.ControllerParts;
import io.sigmaquant.profiles.DeviceProfiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts runs, keeps their inputs under {@code <data>/runs/<id>/input}, and executes them on a small pool.
 * A run's inputs are staged and checked before the run exists: a refused request leaves nothing behind. The
 * store is the truth about every run; a run the controller was stopped in is resumed when it starts again,
 * its earlier measurements replayed into the fit rather than measured twice.
 */
public final class RunManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunManager.class);
    private static final Pattern RUN_ID = Pattern.compile("[0-9a-f-]{36}");
    /**
     * The data file names a run may upload: the calibration split, and optionally labelled evaluation images, on
     * which the run's accuracy–size front is measured once it has ended (tradeoff.json).
     */
    public static final List<String> CALIBRATION_FILES = List.of("calib-images-idx3-ubyte", "calib-labels-idx1-ubyte",
            "calib-images-idx3-ubyte.gz", "calib-labels-idx1-ubyte.gz", "eval-images-idx3-ubyte",
            "eval-labels-idx1-ubyte", "eval-images-idx3-ubyte.gz", "eval-labels-idx1-ubyte.gz");

    private final ControllerParts parts;
    private final Path runsDir;
    private final RunStore store;
    private final ExecutorService pool;
    /** Runs queued or running here, by id. */
    private final Map<String, Future<?>> tasks = new ConcurrentHashMap<>();

    public RunManager(ControllerParts parts) {
        this.parts = parts;
        this.runsDir = parts.options().sharedDir().toAbsolutePath().resolve("runs");
        this.store = parts.store();
        this.pool = Executors.newFixedThreadPool(parts.options().concurrentRuns(), r -> {
            Thread t = new Thread(r, "sigmaquant-run");
            t.setDaemon(true);
            return t;
        });
    }

    /** Parses the JSON request part strictly ({@link RunRequestJson}): unknown fields and wrong kinds are refused. */
    public static RunRequest parseRequest(byte[] json) {
        return RunRequestJson.parse(json);
    }

    /**
     * Checks a run and queues it.
     *
     * @param model       the uploaded ONNX file (copied; the caller may delete it)
     * @param calibration uploaded calibration-split files by their IDX file name
     * @return the new run's id
     * @throws UserInputException when the request, the model or the data cannot make a run
     */
    public String submit(RunRequest request, String modelName, Path model, Map<String, Path> calibration) {
        long start = System.nanoTime();
        try {
            return accept(request, modelName, model, calibration);
        } finally {
            parts.metrics().submissionHandled(System.nanoTime() - start);
        }
    }

    private String accept(RunRequest request, String modelName, Path model, Map<String, Path> calibration) {
        // only bundled ids: a profile path from a client would read the server's files
        if (request.deviceClass() != null && !DeviceProfiles.BUNDLED.contains(request.deviceClass())) {
            throw PreparedRun.unknownDeviceClass(request.deviceClass());
        }
        for (String name : calibration.keySet()) {
            if (!CALIBRATION_FILES.contains(name)) {
                throw new UserInputException("unexpected data file '" + name + "'; expected " + CALIBRATION_FILES);
            }
        }
        String id = UUID.randomUUID().toString();
        Path staging = runsDir.resolve("." + id + ".staging");
        Path dir = runsDir.resolve(id);
        try {
            Path input = Files.createDirectories(staging.resolve("input"));
            Files.copy(model, input.resolve("model.onnx"));
            Path data = null;
            if (!calibration.isEmpty()) {
                data = Files.createDirectories(input.resolve("data"));
                for (Map.Entry<String, Path> f : calibration.entrySet()) {
                    Files.copy(f.getValue(), data.resolve(f.getKey()));
                }
            }
            // only what answers in milliseconds; the analysis and the data check run on the run's own thread
            PreparedRun.Accepted accepted = PreparedRun.accept(request, input.resolve("model.onnx"), data);
            JsonFiles.write(input.resolve("request.json"), request);
            AtomicFile.write(input.resolve("model-name"), modelName.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            parts.createOwnedRun(id, modelName, accepted.request(), accepted.profile());
            start(id, request, List.of());
            LOG.info("run {} queued: {} on {}", id, modelName, accepted.profile().id());
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the inputs of run " + id, e);
        } finally {
            deleteTree(staging); // gone already when the run was accepted
        }
    }

    /**
     * Queues a run this replica has just claimed — left unfinished by a controller that stopped, or by a replica that
     * died — with what it had measured; a run whose inputs cannot be read any more fails with the reason.
     */
    void resume(String id) {
        Path input = runsDir.resolve(id).resolve("input");
        try {
            RunRequest request = parseRequest(Files.readAllBytes(input.resolve("request.json")));
            List<PastMeasurement> earlier = store.pastMeasurements(id);
            store.setStatus(id, RunStatus.QUEUED, "resumed by " + parts.replicaId() + " with " + earlier.size()
                    + " earlier measurements");
            start(id, request, earlier);
            LOG.info("run {} resumed with {} earlier measurements", id, earlier.size());
        } catch (IOException | RuntimeException e) {
            store.failRun(id, "cannot resume: " + e.getMessage(), parts.replicaId());
        }
    }

    /** The runs queued or executing here: the leases to renew. */
    Set<String> runningHere() {
        return Set.copyOf(tasks.keySet());
    }

    /**
     * Stops executing a run whose lease this replica no longer holds: cancelled on another replica (its jobs still
     * out are cancelled from here, where they were sent), or claimed by another replica after this one failed to
     * renew in time. Nothing is written: the store says what became of the run.
     */
    void lost(String id) {
        Future<?> task = tasks.get(id);
        if (task == null) {
            return; // it ended meanwhile
        }
        RunStatus status = store.run(id).map(RunStore.StoredRun::status).orElse(RunStatus.CANCELLED);
        if (status == RunStatus.CANCELLED) {
            int cancels = parts.dispatcher().cancelRun(id);
            LOG.info("run {} was cancelled on another replica; {} job(s) in flight sent a cancel", id, cancels);
        } else if (status.finished()) {
            return; // it ended here between the renewal and this look: its task is finishing
        } else {
            LOG.warn("run {} is executed by another replica now: this one did not renew its lease in time", id);
        }
        task.cancel(true);
    }

    /** Queues a run on the pool, keeping its task until it ends so that a cancel can stop it. */
    private void start(String id, RunRequest request, List<PastMeasurement> earlier) {
        FutureTask<Void> task = new FutureTask<>(() -> {
            try {
                parts.computeSlots().run(() -> {
                    PreparedRun run = prepare(id, request);
                    if (run != null) {
                        execute(id, run, earlier);
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // cancelled or stopping while it waited for a slot
            } finally {
                tasks.remove(id);
            }
        }, null);
        tasks.put(id, task); // before it can run, so that its end removes it
        pool.execute(task);
    }

    /**
     * Stops a queued or running run for good: the store says {@code cancelled} first — so that neither the run's
     * own end nor a restart changes it — then the run's jobs still out are cancelled at their agents and its task
     * is interrupted (a queued one never starts). What it measured stays.
     *
     * @return the run as stored after the cancel
     * @throws ApiException 404 for an unknown run, 409 for one that has finished
     */
    public RunStore.StoredRun cancel(String id) {
        require(id);
        if (!store.cancelRun(id, "cancelled by an operator")) {
            throw ApiException.conflict("run " + id + " has finished (" + require(id).status()
                    + "); only a queued or running run can be cancelled");
        }
        int cancels = parts.dispatcher().cancelRun(id);
        Future<?> task = tasks.get(id);
        if (task != null) {
            task.cancel(true);
        }
        parts.metrics().runFinished(RunStatus.CANCELLED);
        LOG.info("run {} cancelled; {} job(s) in flight sent a cancel", id, cancels);
        return require(id);
    }

    /**
     * The checks a submission leaves to the run (the model's analysis, the images against its input, the size budget
     * against the smallest model): on the run's thread, the analysis shared with the other runs of the model. A run
     * they refuse fails with their reason; null then.
     */
    private PreparedRun prepare(String id, RunRequest request) {
        Path input = runsDir.resolve(id).resolve("input");
        Path data = Files.isDirectory(input.resolve("data")) ? input.resolve("data") : null;
        try {
            return PreparedRun.check(request, input.resolve("model.onnx"), data, parts.analyses());
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return null; // cancelled (the store says so) or the service stopping (it resumes on the next start)
            }
            if (store.failRun(id, e.getMessage(), parts.replicaId())) {
                parts.metrics().runFinished(RunStatus.FAILED);
            }
            LOG.warn("run {} failed its checks: {}", id, e.getMessage());
            return null;
        }
    }

    private void execute(String id, PreparedRun run, List<PastMeasurement> earlier) {
        try {
            var allocator = AllocatorChoice.parse(run.request().method(), SigmaQuantOptions.defaults(), 30, "method");
            RunExecution.Outcome outcome = parts.execute(id, run, allocator, earlier, it -> { }, outDir(id));
            LOG.info("run {} {}: {}", id, outcome.report().converged() ? "converged" : "did not converge",
                    outcome.report().reason());
            parts.writeTradeoff(id, run, outcome.report().finalBits(), outDir(id)); // its end is recorded already
        } catch (InterruptedException e) {
            // the service is stopping: the run stays "running" in the store and resumes on the next start; or the
            // run was cancelled, which the store says already
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("run {} failed: {}", id, e.getMessage()); // the store says so already
        }
    }

    /** A run's results folder. */
    public Path outDir(String id) {
        return runsDir.resolve(id).resolve("out");
    }

    /** The stored run, or a 404. */
    public RunStore.StoredRun require(String id) {
        if (id == null || !RUN_ID.matcher(id).matches()) {
            throw ApiException.notFound("no run '" + id + "': run ids are UUIDs");
        }
        return store.run(id).orElseThrow(() -> ApiException.notFound("no run " + id));
    }

    public RunStore store() {
        return store;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", dir, e.getMessage());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
