package io.sigmaquant.agent.worker;

import ai.onnxruntime.OrtEnvironment;
import io.sigmaquant.agent.energy.CommandRunner;
import io.sigmaquant.agent.energy.EnergyMeter;
import io.sigmaquant.agent.energy.EnergyMeters;
import io.sigmaquant.agent.energy.EnergySpec;
import io.sigmaquant.agent.energy.MqttPlugPower;
import io.sigmaquant.agent.jobs.InProcessMeasurer;
import io.sigmaquant.agent.jobs.ModelMeasurer;
import io.sigmaquant.agent.measure.Clock;
import io.sigmaquant.agent.measure.Measurer;
import io.sigmaquant.agent.system.SystemProbe;
import io.sigmaquant.profiles.DeviceProfiles;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The measuring worker process: a child JVM of the agent that measures with ONNX Runtime, so that the agent can
 * kill it when a native call does not return (issue 13) and start a fresh one. Started by {@link WorkerCommand};
 * arguments are {@link WorkerCommand.Settings} as {@code --name value} pairs.
 *
 * <p>The energy meter lives here, next to the inference: the estimate counts this process's CPU time, and the
 * sensors (RAPL, INA3221, PMIC, NVML) read the whole board from any process. A smart plug's readings arrive on the
 * agent's MQTT session and are forwarded here as input lines.
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        serve(WorkerCommand.Settings.parse(args), WorkerMain::measurer);
    }

    /** Runs the loop with a measurer built from the settings (a test main blocks some jobs on purpose). */
    public static void serve(WorkerCommand.Settings s, Function<Parts, ModelMeasurer> measurers) throws Exception {
        // stdout carries the protocol: anything else a library prints goes to stderr
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
                StandardCharsets.UTF_8);
        System.setOut(System.err);
        OrtEnvironment.getEnvironment(); // load the natives before saying ready, so the first job does not pay
        MqttPlugPower plug = new MqttPlugPower();
        ModelMeasurer measurer = measurers.apply(new Parts(s, plug));
        // without its agent a worker must not live on, even inside a native call that never returns
        new WorkerLoop(measurer, plug::accept, protocol, () -> Runtime.getRuntime().halt(0))
                .serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    }

    /** What a worker's measurer is built from. */
    public record Parts(WorkerCommand.Settings settings, MqttPlugPower plug) {
    }

    public static ModelMeasurer measurer(Parts p) {
        WorkerCommand.Settings s = p.settings();
        EnergyMeter meter = EnergyMeters.select(EnergySpec.parse(s.energy()), s.sysfsRoot(), CommandRunner.SYSTEM,
                DeviceProfiles.load(s.profile()), p.plug());
        Measurer measurer = new Measurer(meter, new SystemProbe(s.sysfsRoot(), CommandRunner.SYSTEM), Clock.SYSTEM,
                s.workDir(), s.executionProvider());
        return new InProcessMeasurer(s.agentId(), measurer);
    }
}
