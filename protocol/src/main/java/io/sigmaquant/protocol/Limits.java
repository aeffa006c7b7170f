package io.sigmaquant.protocol;

/**
 * The one home of every numeric range of a measurement job, shared by the records' checks (so a message out of
 * range is refused when it is decoded), the agent (which adds what only the board knows, such as its cores) and
 * the controller's API (which checks a run request against the same numbers, so a run that could only produce
 * jobs the agent refuses is a 400 at once). Each range is inclusive. The bounds are far above anything a real
 * measurement asks for; they exist so that no field can ask for a computation that never ends or an allocation
 * that cannot succeed (issue 13: {@code threads: 100000} wedged an agent, {@code batch: 2147483647} reached ONNX
 * Runtime).
 */
public final class Limits {
    /**
     * {@code settings.threads}: 0 = the agent's default, else 1..256. 256 is above the cores of any board or
     * server we target; the agent further refuses more threads than its own cores, since more threads than cores
     * only measure contention.
     */
    public static final int MAX_THREADS = 256;

    /** {@code settings.warmupRuns}: 0..10 000. Warm-up settles caches and allocators within tens of runs. */
    public static final int MAX_WARMUP_RUNS = 10_000;

    /**
     * {@code settings.minRuns} (and the run request's {@code runs}): 1..100 000, the agent's cap on timed runs
     * (a tiny model timed for the longest duration still ends).
     */
    public static final int MAX_MIN_RUNS = 100_000;

    /**
     * {@code settings.minDurationMs} and {@code settings.maxDurationMs}: 0..600 000 (10 minutes; 0 = none or the
     * agent's default). A median's interval narrows within seconds on a quiet board; ten minutes of one job
     * holds a whole fleet's queue.
     */
    public static final long MAX_DURATION_MS = 600_000;

    /**
     * {@code settings.ciHalfWidth}: 0 (the agent's default) or a fraction up to 0.5. A target wider than ±50 %
     * of the median says nothing about the latency.
     */
    public static final double MAX_CI_HALF_WIDTH = 0.5;

    /** {@code input.shape} rank: 1..8. Image, sequence and video models use at most 5 or 6. */
    public static final int MAX_RANK = 8;

    /** Each {@code input.shape} dimension: 1..1 048 576 (a long audio sequence; an image side is far below). */
    public static final long MAX_DIMENSION = 1L << 20;

    /**
     * The product of {@code input.shape}: at most 2^26 = 67 108 864 elements, 256 MiB of float32 input — more
     * than a board can hold twice (input plus activations), so larger is never a real job.
     */
    public static final long MAX_INPUT_ELEMENTS = 1L << 26;

    /** The run request's {@code batch} (the first dimension of the input): 1..1024. */
    public static final int MAX_BATCH = 1024;

    /**
     * {@code model.sizeBytes}: 1..2 GiB − 1. A protobuf message (an ONNX model without external data) cannot be
     * larger; the agent's own limit ({@code --max-model-mb}) is usually lower.
     */
    public static final long MAX_MODEL_BYTES = Integer.MAX_VALUE;

    /** {@code workload.bits}: 1..32. 32 is float; nothing narrower than one bit exists. */
    public static final int MIN_BITS = 1;
    public static final int MAX_BITS = 32;

    /** Entries of {@code workload} and {@code referenceWorkload}: 0..10 000 layers. */
    public static final int MAX_LAYERS = 10_000;

    /** The run request's {@code leaseSeconds}: 1..3600 (one hour), the longest a controller waits for one job. */
    public static final int MAX_LEASE_SECONDS = 3600;

    /**
     * How far the controller's clock may run ahead of a board's: 5 minutes. A job's {@code deadlineMs} is the
     * controller's now plus the lease, read against the agent's clock; boards without NTP (a Pi after a power
     * cut) drift by minutes. Issue 13 review: with no margin a one-hour lease was refused by any board whose
     * clock was a second behind.
     */
    public static final long CLOCK_SKEW_MARGIN_MS = 300_000;

    /**
     * How far in the future a job's {@code deadlineMs} may lie, by the agent's clock: the longest lease plus
     * the clock-skew margin (65 minutes). The longest measurement (twice the largest duration, paired) plus a
     * download fits in the lease; a deadline further away would let a stuck job hold the agent for as long.
     * Checked by the agent against its clock when the job arrives (the API checks the lease).
     */
    public static final long MAX_DEADLINE_HORIZON_MS = MAX_LEASE_SECONDS * 1000L + CLOCK_SKEW_MARGIN_MS;

    /** {@code attempt}: 1..1000; controllers retry a handful of times. */
    public static final int MAX_ATTEMPT = 1000;

    /**
     * The largest protocol message, in bytes: 1 MiB. The codec refuses a longer payload before parsing, and the
     * same number is the MQTT maximum packet size of the brokers and both clients, so a larger message is refused
     * by the transport before it is held in memory (issue 13 review: the brokers' default was 256 MB). Since an
     * MQTT packet also carries its header and topic (under 300 bytes for our topics), a payload within a few
     * hundred bytes of the cap is refused by the transport rather than the codec — either way it is refused.
     */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;

    /** Any text field (ids, URLs, names, reasons): 1..4096 characters. */
    public static final int MAX_TEXT_LENGTH = 4096;

    private Limits() {
    }
}
