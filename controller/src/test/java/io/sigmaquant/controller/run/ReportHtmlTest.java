package io.sigmaquant.controller.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.loop.IterationKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html: one file that opens offline, holding report.json's data and the charts that draw it. */
class ReportHtmlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPORT = """
            {"model": "m.onnx", "deviceClass": "x86-64-generic", "converged": true, "reason": "met </script> it",
             "finalBits": {"a": 8, "b": 4},
             "iterations": [
               {"index": 1, "kind": "calibration", "bits": {"a": 32, "b": 32}, "predictedMs": 2.0, "measuredMs": 2.1,
                "correctedMs": 2.1, "ciLowMs": 2.0, "ciHighMs": 2.2},
               {"index": 2, "kind": "candidate", "bits": {"a": 8, "b": 4}, "predictedMs": 1.0, "measuredMs": 1.05,
                "correctedMs": "NaN", "ciLowMs": "NaN", "ciHighMs": "NaN"}]}
            """;

    /** Verifies that the page inlines the data unchanged, ECharts and the chart code, and loads nothing. */
    @Test
    void render_report_inlinesDataChartsAndLibraryWithNothingToFetch() throws Exception {
        JsonNode report = JSON.readTree(REPORT);
        List<LayerSummary> layers = List.of(new LayerSummary("a", "Conv", 100, 0.5, Map.of("8", 0.1)),
                new LayerSummary("b", "Gemm", 10, 0.2, Map.of("4", 0.3)));

        TimeProfile profile = new TimeProfile(new TimeProfile.Side(1, IterationKind.CALIBRATION, true, 2, 2.0,
                Map.of("fp32", 2.0), Map.of("a", 1.5, "b", 0.5), 0.0), null);

        String html = ReportHtml.render(report, Map.of("latency", 1.5), layers, List.of(Map.of("predictedMs", 1.2)),
                profile);

        JsonNode inlined = inlinedData(html);
        assertThat(inlined.get("report")).isEqualTo(report);
        assertThat(inlined.get("budgets").get("latency").asDouble()).isEqualTo(1.5);
        assertThat(inlined.get("layers").get(0).get("sigma").asDouble()).isEqualTo(0.5);
        assertThat(inlined.get("heldOut").get(0).get("predictedMs").asDouble()).isEqualTo(1.2);
        assertThat(inlined.get("profile").get("floatModel").get("msByOp").get("fp32").asDouble()).isEqualTo(2.0);
        assertThat(inlined.get("profile").get("candidate").isNull()).isTrue();
        assertThat(html).contains("SqCharts.convergence(", "SqCharts.bits(", "SqCharts.calibration(",
                "SqCharts.profile(", "SqCharts.layerTimes(",
                "const SqCharts", "echarts");
        assertThat(html).doesNotContainPattern("<script[^>]* src=").doesNotContainPattern("<link[^>]* href=");
        // every script element closes where it should: the report's own "</script>" was escaped
        assertThat(html.split("<script", -1)).hasSameSizeAs(html.split("</script>", -1));
    }

    /** Verifies that the front added after the run's end joins the page's data, which it keeps unchanged. */
    @Test
    void addTradeoff_writtenPage_keepsItsDataAndAddsTheFront(@TempDir Path dir) throws Exception {
        JsonNode report = JSON.readTree(REPORT);
        ReportHtml.write(dir, report, Map.of("latency", 1.5), List.of(), List.of(), TimeProfile.NONE);
        Map<String, Object> front = Map.of("fp32Top1", 90.0, "points", List.of(), "chosen", Map.of("bytes", 10.0));

        ReportHtml.addTradeoff(dir, front);

        String html = Files.readString(dir.resolve(ReportHtml.FILE));
        JsonNode inlined = inlinedData(html);
        assertThat(inlined.get("report")).isEqualTo(report);
        assertThat(inlined.get("budgets").get("latency").asDouble()).isEqualTo(1.5);
        assertThat(inlined.get("tradeoff")).isEqualTo(JSON.valueToTree(front));
        assertThat(html).contains("SqCharts.tradeoff(");
        assertThat(html.split("<script", -1)).hasSameSizeAs(html.split("</script>", -1));
    }

    /** The page's data element, parsed. */
    private static JsonNode inlinedData(String html) throws Exception {
        Matcher data = Pattern.compile("<script type=\"application/json\" id=\"report-data\">(.*?)</script>",
                Pattern.DOTALL).matcher(html);
        assertThat(data.find()).isTrue();
        return JSON.readTree(data.group(1));
    }
}
