package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.bench.LatencyDataset;
import io.sigmaquant.controller.bench.LatencyMeasurements;
import io.sigmaquant.controller.bench.LatencyModelBenchmark;
import io.sigmaquant.controller.quant.ActivationType;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.DeviceProfiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sigmaquant bench-latency-model} (hidden): measures calibration, training and held-out configurations
 * of the example models in process, fits the calibrated latency model on the first ones and reports how well
 * it predicts the held-out ones — the separable per-layer sum the closed loop used before against the
 * whole-configuration prediction. The measurements are kept in {@code --dataset}, so a refit costs no timing.
 */
@Command(name = "bench-latency-model", hidden = true, mixinStandardHelpOptions = true,
        description = "Held-out accuracy of the calibrated latency model on configurations measured in process.")
final class BenchLatencyModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--examples", paramLabel = "DIR", defaultValue = "examples",
            description = "the repository's examples folder (default: ${DEFAULT-VALUE})")
    Path examples;

    @Option(names = "--dataset", paramLabel = "FILE", defaultValue = "controller/target/latency-dataset.json",
            description = "measurements: read when present, else measured and written (default: ${DEFAULT-VALUE})")
    Path dataset;

    @Option(names = "--remeasure", description = "measure even when the dataset exists")
    boolean remeasure;

    @Option(names = "--device-class", paramLabel = "ID", defaultValue = "x86-64-generic")
    String deviceClass;

    @Option(names = "--batch", defaultValue = "32")
    int batch;

    @Option(names = "--threads", defaultValue = "1")
    int threads;

    @Option(names = "--training", paramLabel = "N", defaultValue = "9",
            description = "random configurations fitted on after the three calibration ones (default: ${DEFAULT-VALUE})")
    int training;

    @Option(names = "--held-out", paramLabel = "N", defaultValue = "20")
    int heldOut;

    @Option(names = "--seed", defaultValue = "7")
    long seed;

    @Option(names = "--noise-floor", description = "measure the held-out configurations once more and report how far "
            + "the two measurements of each disagree")
    boolean noiseFloor;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DeviceProfile profile = DeviceProfiles.load(deviceClass);
        ActivationType acts = ActivationType.forProfile(profile);
        if (acts == null) {
            throw new UserInputException(deviceClass + " has no W8A8 format: nothing to benchmark");
        }
        LatencyDataset data;
        if (Files.exists(dataset) && !remeasure) {
            data = LatencyDataset.read(dataset);
        } else {
            List<LatencyDataset.Fixture> fixtures = new ArrayList<>();
            long s = seed;
            for (LatencyMeasurements.FixtureSpec f : fixtures()) {
                fixtures.add(LatencyMeasurements.measure(f, acts, batch, threads, training, heldOut, s++,
                        line -> spec.commandLine().getErr().println(line)));
                data = new LatencyDataset(machine(), fixtures);
                data.write(dataset);
            }
            data = new LatencyDataset(machine(), fixtures);
        }
        out.print(LatencyModelBenchmark.report(data, profile, batch));
        if (noiseFloor) {
            for (LatencyMeasurements.FixtureSpec f : fixtures()) {
                LatencyDataset.Fixture earlier = data.fixtures().stream().filter(x -> x.name().equals(f.name()))
                        .findFirst().orElseThrow(() -> new UserInputException("no fixture " + f.name() + " in " + dataset));
                LatencyDataset.Fixture again = LatencyMeasurements.remeasureHeldOut(f, earlier, acts, batch, threads,
                        line -> spec.commandLine().getErr().println(line));
                out.print(LatencyModelBenchmark.noiseFloor(earlier, again));
                out.flush();
            }
        }
        out.flush();
        return 0;
    }

    private List<LatencyMeasurements.FixtureSpec> fixtures() {
        Path models = examples.resolve("models");
        Path data = examples.resolve("data");
        return List.of(new LatencyMeasurements.FixtureSpec("resnet", models.resolve("resnet.onnx"), data),
                new LatencyMeasurements.FixtureSpec("mobilenetv2", models.resolve("mobilenetv2.onnx"), data),
                new LatencyMeasurements.FixtureSpec("vgg", models.resolve("vgg.onnx"), data),
                new LatencyMeasurements.FixtureSpec("digits", examples.resolve("digits/digits.onnx"),
                        examples.resolve("digits")));
    }

    private String machine() {
        return Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.arch") + ", batch "
                + batch + ", " + threads + " thread(s), ONNX Runtime " + io.sigmaquant.controller.runtime.OrtModels.env()
                .getVersion();
    }
}
