package io.sigmaquant.controller.loop;

import io.sigmaquant.controller.artifacts.ModelStore;
import io.sigmaquant.controller.fleet.Dispatcher;
import io.sigmaquant.controller.quant.QuantizedModel;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has one bit configuration measured on the device class: exports it, stores the artifact where agents fetch
 * it, and dispatches the job under the run's id and policy — with the float model as the job's reference, which
 * the agent measures interleaved with it, when the run pairs its measurements.
 */
public final class MeasurementRig {
    private final ModelUnderTest model;
    private final ModelStore artifacts;
    private final Dispatcher dispatcher;
    private static final Logger LOG = LoggerFactory.getLogger(MeasurementRig.class);

    private final LoopSettings settings;
    private MeasurementJob.ModelRef reference;

    public MeasurementRig(ModelUnderTest model, ModelStore artifacts, Dispatcher dispatcher, LoopSettings settings) {
        this.model = model;
        this.artifacts = artifacts;
        this.dispatcher = dispatcher;
        this.settings = settings;
    }

    public Measurement measure(Map<String, Integer> bits) throws InterruptedException {
        QuantizedModel q = model.export(bits);
        byte[] bytes = q.model().toByteArray();
        String sha = artifacts.put(bytes);
        boolean paired = settings.pairedReference() && !isFloat(bits);
        MeasurementJob job = new MeasurementJob(Messages.SCHEMA_VERSION, null, settings.runId(),
                "loop-" + UUID.randomUUID(), 1, ref(sha, bytes.length), model.input(settings.batch()),
                settings.measurement(), System.currentTimeMillis() + settings.jobs().lease().toMillis(),
                model.workload(bits), paired ? reference() : null, paired ? model.workload(floatBits()) : List.of());
        Dispatcher.Measured measured = dispatcher.measure(settings.deviceClass(), job, settings.jobs());
        if (paired && measured.result().reference() == null) {
            // an agent of protocol 1.0 ignores the reference: its result is used as measured, uncorrected
            LOG.warn("agent {} measured job {} without its reference; its latency is not corrected for drift",
                    measured.agentId(), job.jobId());
        }
        return new Measurement(bits, q, sha, measured);
    }

    private Map<String, Integer> floatBits() {
        Map<String, Integer> floatBits = new LinkedHashMap<>();
        model.layers().forEach(l -> floatBits.put(l.name(), 32));
        return floatBits;
    }

    /** The float model, stored once: every paired job measures it beside its candidate. */
    private synchronized MeasurementJob.ModelRef reference() {
        if (reference == null) {
            byte[] bytes = model.export(floatBits()).model().toByteArray();
            reference = ref(artifacts.put(bytes), bytes.length);
        }
        return reference;
    }

    private MeasurementJob.ModelRef ref(String sha, long size) {
        return new MeasurementJob.ModelRef(settings.modelBaseUrl() + sha, sha, size);
    }

    static boolean isFloat(Map<String, Integer> bits) {
        return bits.values().stream().allMatch(b -> b == 32);
    }

    /** A measurement made before a controller restart, with its model exported (and stored) again. */
    public Measurement replay(PastMeasurement past) {
        QuantizedModel q = model.export(past.bits());
        String sha = artifacts.put(q.model().toByteArray());
        return new Measurement(past.bits(), q, sha, new Dispatcher.Measured(past.result(), past.agentId()));
    }
}
