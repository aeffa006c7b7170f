package io.sigmaquant.controller.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.controller.files.JarResources;
import io.sigmaquant.controller.files.JsonFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code report.html}: the run's report as one self-contained page — the dashboard's charts (convergence, bits per
 * layer with σ and KL, calibration, time per operator kind, the accuracy–size front once added) drawn by ECharts, which is inlined with the data, so that it opens offline and
 * from a mail attachment. About 0.7 MB, almost all of it ECharts.
 */
public final class ReportHtml {
    /** File name in a run's results folder. */
    public static final String FILE = "report.html";
    /** What the page draws, inlined as one JSON object. */
    private record Data(JsonNode report, Map<String, Double> budgets, List<LayerSummary> layers, List<?> heldOut,
                        TimeProfile profile) {
    }

    private static final Pattern DATA = Pattern.compile(
            "<script type=\"application/json\" id=\"report-data\">(.*?)</script>", Pattern.DOTALL);

    private ReportHtml() {
    }

    /**
     * The page for a report.
     *
     * @param report  report.json's content
     * @param budgets the run's budgets as the API shows them ({@code latency} in ms draws the budget line)
     * @param layers  the layers with σ and KL, or an empty list
     * @param heldOut the held-out benchmark's configurations (benchmark.json's heldOut), or an empty list
     * @param profile time per operator kind on the board, float vs the last iteration ({@link TimeProfile#NONE})
     */
    public static String render(JsonNode report, Map<String, Double> budgets, List<LayerSummary> layers,
                                List<?> heldOut, TimeProfile profile) {
        return render(JsonFiles.JSON.valueToTree(new Data(report, budgets, layers, heldOut, profile)));
    }

    private static String render(JsonNode data) {
        String json;
        try {
            json = JsonFiles.JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the report", e);
        }
        // inside <script>: "</" would end the element; "<\/" is the same string to JSON
        return resource("dashboard/report.html")
                .replace("/*ECHARTS*/", script(resource(JarResources.ECHARTS)))
                .replace("/*CHARTS*/", script(resource("dashboard/charts.js")))
                .replace("/*DATA*/", json.replace("</", "<\\/"));
    }

    /** Writes {@link #FILE} into a results folder, atomically. */
    public static void write(Path outDir, JsonNode report, Map<String, Double> budgets, List<LayerSummary> layers,
                             List<?> heldOut, TimeProfile profile) {
        AtomicFile.write(outDir.resolve(FILE), render(report, budgets, layers, heldOut, profile)
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds the run's accuracy–size front (tradeoff.json, written after the run's end) to the page already in
     * {@code outDir}: its inlined data read back, the front added, the page written again atomically.
     */
    public static void addTradeoff(Path outDir, Object front) {
        Path page = outDir.resolve(FILE);
        try {
            Matcher m = DATA.matcher(Files.readString(page));
            if (!m.find()) {
                throw new IllegalStateException(page + " holds no report data");
            }
            // "<\/" as written is "\/" to JSON: the same string
            ObjectNode data = (ObjectNode) JsonFiles.JSON.readTree(m.group(1));
            data.set("tradeoff", JsonFiles.JSON.valueToTree(front));
            AtomicFile.write(page, render(data).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add the front to " + page, e);
        }
    }

    /** A script's text made safe inside a script element. */
    private static String script(String js) {
        return js.replace("</script", "<\\/script");
    }

    private static String resource(String name) {
        return new String(JarResources.read(name), StandardCharsets.UTF_8);
    }
}
