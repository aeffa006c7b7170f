package io.sigmaquant.controller.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.controller.client.RunClient;
import io.sigmaquant.controller.data.DataDirectory;
import io.sigmaquant.controller.testing.AgentProcesses;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.ServeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's chromium, headless, through chromedriver) against {@code serve} on a
 * real Mosquitto with a simulated agent process: a bad budget shows the API's message beside its field; a run
 * started from the upload form is followed live, and its convergence and bits charts hold the run's data as the API
 * gives it; the fleet page shows the agent going offline when its process is killed. Screenshots go to
 * {@code controller/target/screenshots/}. Skipped, saying why, where chromium or chromedriver is not installed.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DashboardBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String CLASS = "x86-64-generic";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Generous: a loaded 2-core machine runs the broker, the service, the agent and the browser at once. */
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @Test
    void dashboard_formRunChartsAndFleet_showWhatTheApiHolds() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "no " + CHROMIUM + " or "
                + CHROMEDRIVER + ": install Debian's chromium and chromium-driver (.ci/run does) to run the browser test");
        Path screenshots = Files.createDirectories(Fixtures.repoRoot().resolve("controller/target/screenshots"));
        Path log = screenshots.resolve("serve.log"); // kept beside the screenshots, for a failure's reader
        Files.deleteIfExists(log);
        try (TestBroker broker = TestBroker.start();
             ServeProcess serve = ServeProcess.start(dir.resolve("serve"), log, "--broker",
                     broker.url(), "--wait-for-agent-s", "120");
             AgentProcesses agents = new AgentProcesses()) {
            Process agent = agents.start(broker.url(), "dash-1", CLASS, dir, "--simulate", "--heartbeat-s", "2");
            WebDriver browser = chromium();
            try {
                // a live page re-renders its rows: an element found just before that is stale, and found again
                WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(250));
                wait.ignoring(StaleElementReferenceException.class);
                browser.get(serve.url() + "/#/new");
                wait.until(b -> !b.findElements(By.cssSelector("select[name=deviceClass] option[value='" + CLASS
                        + "']")).isEmpty() && b.findElement(By.id("live")).getText().equals("live"));
                new Select(browser.findElement(By.name("deviceClass"))).selectByValue(CLASS);
                fill(browser, "model", Fixtures.model("resnet").toAbsolutePath().toString());

                // a bad budget: the API's refusal beside the field it names
                fill(browser, "maxLatencyMs", "-5");
                browser.findElement(By.cssSelector("form.run button[type=submit]")).click();
                WebElement error = wait.until(b -> shown(b, ".error[data-for=maxLatencyMs]"));
                assertThat(error.getText()).startsWith("maxLatencyMs must be a positive number");
                screenshot(browser, screenshots.resolve("dashboard-form-error.png"));

                // a good one: the page moves to the run, which it follows live
                browser.findElement(By.name("maxLatencyMs")).clear();
                fill(browser, "maxSize", "40");
                browser.findElement(By.cssSelector("form.run button[type=submit]")).click();
                wait.until(b -> b.getCurrentUrl().contains("#/run/"));
                String id = browser.getCurrentUrl().replaceAll(".*#/run/", "");
                JsonNode run = waitForEnd(serve, id);
                wait.until(b -> seriesData(b, "chart-convergence", "predicted").size() == run.get("iterations").size()
                        && !seriesData(b, "chart-bits", "σ").isEmpty()
                        && b.findElement(By.tagName("h2")).getText().endsWith(run.get("run").get("status").asText()));

                List<Double> predicted = new ArrayList<>();
                List<Double> measured = new ArrayList<>();
                List<Double> energy = new ArrayList<>();
                for (JsonNode it : run.get("iterations")) {
                    predicted.add(it.get("predictedMs").asDouble());
                    measured.add((it.get("correctedMs").isNull() ? it.get("measuredMs") : it.get("correctedMs")).asDouble());
                    energy.add(it.get("measuredEnergyMj").asDouble());
                }
                assertThat(numbers(seriesData(browser, "chart-convergence", "predicted"))).isEqualTo(predicted);
                assertThat(numbers(seriesData(browser, "chart-convergence", "measured"))).isEqualTo(measured);
                // the simulated agent estimates energy from its cost model: drawn on the second axis
                assertThat(numbers(seriesData(browser, "chart-convergence", "measured energy"))).isEqualTo(energy);
                JsonNode last = run.get("iterations").get(run.get("iterations").size() - 1);
                List<String> layers = strings(axisData(browser, "chart-bits"));
                List<Double> bits = new ArrayList<>();
                layers.forEach(l -> bits.add(last.get("bits").get(l).asDouble()));
                assertThat(layers).containsExactlyInAnyOrderElementsOf(() -> last.get("bits").fieldNames());
                assertThat(numbers(seriesData(browser, "chart-bits", "bits"))).isEqualTo(bits);
                assertThat(seriesData(browser, "chart-calibration", "calibration").size()
                        + seriesData(browser, "chart-calibration", "loop").size()).isEqualTo(predicted.size());
                // time on the board: one bar per side, a series per operator kind, from GET .../profile
                JsonNode profile = JSON.readTree(get(serve, "/api/runs/" + id + "/profile"));
                wait.until(b -> chartJson(b, "chart-profile", "((o.yAxis || [])[0] || {}).data || []").size() == 2);
                assertProfileDrawn(browser, profile);
                screenshot(browser, screenshots.resolve("dashboard-run.png"));
                // noted, not asserted (docs/BENCHMARKS.md): the run page loaded afresh, to its first chart
                browser.navigate().refresh();
                wait.until(b -> ((JavascriptExecutor) b).executeScript(
                        "return performance.getEntriesByName('first-chart').length") instanceof Long n && n > 0);
                Object firstChartMs = ((JavascriptExecutor) browser).executeScript(
                        "return performance.getEntriesByName('first-chart')[0].startTime");
                Files.writeString(screenshots.resolve("first-chart-ms.txt"), firstChartMs + "\n");

                // report.html, as downloaded, opened from a file: the same charts from report.json, offline
                Path page = dir.resolve("report.html");
                Files.write(page, get(serve, "/api/runs/" + id + "/report-html").getBytes(StandardCharsets.UTF_8));
                JsonNode report = JSON.readTree(get(serve, "/api/runs/" + id + "/report"));
                browser.get(page.toUri().toString());
                wait.until(b -> !seriesData(b, "chart-convergence", "predicted").isEmpty());
                List<Double> reported = new ArrayList<>();
                report.get("iterations").forEach(it -> reported.add(it.get("predictedMs").asDouble()));
                assertThat(numbers(seriesData(browser, "chart-convergence", "predicted"))).isEqualTo(reported);
                List<Double> reportedEnergy = new ArrayList<>();
                report.get("iterations").forEach(it -> reportedEnergy.add(it.get("measuredEnergyMj").asDouble()));
                assertThat(numbers(seriesData(browser, "chart-convergence", "measured energy"))).isEqualTo(reportedEnergy);
                JsonNode reportBits = report.get("finalBits") == null || report.get("finalBits").isNull()
                        ? last.get("bits") : report.get("finalBits"); // the page shows the last bits without final ones
                List<Double> finalBits = new ArrayList<>();
                strings(axisData(browser, "chart-bits")).forEach(l -> finalBits.add(reportBits.get(l).asDouble()));
                assertThat(numbers(seriesData(browser, "chart-bits", "bits"))).isEqualTo(finalBits);
                assertProfileDrawn(browser, profile);
                screenshot(browser, screenshots.resolve("report-html.png"));

                // the fleet: the agent online, then offline once its process is killed (its Last Will)
                browser.get(serve.url() + "/#/fleet");
                wait.until(b -> state(b, "dash-1").equals("online"));
                // the class's calibration: the cost model the run fitted, as GET .../cost-models gives it
                JsonNode model = null;
                for (JsonNode m : JSON.readTree(get(serve, "/api/device-classes/cost-models"))) {
                    model = m.get("deviceClass").asText().equals(CLASS) ? m : model;
                }
                assertThat(model).as("the cost model of " + CLASS).isNotNull();
                assertThat(model.get("runId").asText()).isEqualTo(id);
                String line = wait.until(b -> shown(b, "p.cost-model[data-class='" + CLASS + "']")).getText();
                assertThat(line).startsWith("Cost model v" + model.get("version").asInt() + " from run "
                        + id.substring(0, 8)).contains(model.get("model").get("latencyFits").fieldNames().next() + " ");
                assertThat(browser.findElement(By.cssSelector("tr[data-agent='dash-1'] td.measuring")).getText())
                        .as("the run has ended: nothing is out").isEmpty();
                assertTradeoffDrawn(browser, wait, serve);
                browser.get(serve.url() + "/#/fleet");
                agent.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
                wait.until(b -> state(b, "dash-1").equals("offline"));
                screenshot(browser, screenshots.resolve("dashboard-fleet.png"));
            } finally {
                browser.quit();
            }
        }
    }

    /**
     * A run with labelled evaluation images: once it has ended, its accuracy–size front is drawn on its page as
     * GET .../tradeoff gives it, a line per method and the chosen bits.
     */
    private static void assertTradeoffDrawn(WebDriver browser, WebDriverWait wait, ServeProcess serve) throws Exception {
        Map<String, Path> data = new LinkedHashMap<>(RunClient.calibrationFiles(Fixtures.data()));
        DataDirectory.SplitFiles eval = DataDirectory.files(Fixtures.data(), DataDirectory.Split.EVAL);
        data.put(eval.images().getFileName().toString(), eval.images());
        data.put(eval.labels().getFileName().toString(), eval.labels());
        // from the form, the data files chosen beside the model
        browser.get(serve.url() + "/#/new");
        wait.until(b -> !b.findElements(By.cssSelector("select[name=deviceClass] option[value='" + CLASS
                + "']")).isEmpty());
        new Select(browser.findElement(By.name("deviceClass"))).selectByValue(CLASS);
        fill(browser, "model", Fixtures.model("resnet").toAbsolutePath().toString());
        browser.findElement(By.name("data")).sendKeys(String.join("\n",
                data.values().stream().map(p -> p.toAbsolutePath().toString()).toList()));
        fill(browser, "maxSize", "40");
        fill(browser, "maxIterations", "3");
        browser.findElement(By.cssSelector("form.run button[type=submit]")).click();
        wait.until(b -> b.getCurrentUrl().contains("#/run/"));
        String id = browser.getCurrentUrl().replaceAll(".*#/run/", "");
        waitForEnd(serve, id);
        JsonNode front = waitForTradeoff(serve, id);
        browser.get(serve.url() + "/#/run/" + id);
        // the chart has no option until the page's first render: guarded, as the page may be that new
        wait.until(b -> chartJson(b, "chart-tradeoff", "(((o && o.series) || []).find(s => s.name === 'sigmaquant')"
                + " || {data: []}).data").size() == front.get("points").size());
        Map<String, String> series = Map.of("uniform", "uniform", "paper", "sigmaquant-paper",
                "sigmaquant", "sigmaquant", "exact", "exact (CP-SAT)");
        for (Map.Entry<String, String> m : series.entrySet()) {
            // a method with no allocation at a level (NaN, written "NaN") is a gap in its line
            List<List<Double>> expected = new ArrayList<>();
            front.get("points").forEach(p -> expected.add(p.get(m.getKey()).get("bytes").isNumber()
                    && p.get(m.getKey()).get("top1").isNumber() ? List.of(p.get(m.getKey()).get("bytes").asDouble()
                    / 1024, p.get(m.getKey()).get("top1").asDouble()) : List.of()));
            List<List<Double>> drawn = new ArrayList<>();
            seriesData(browser, "chart-tradeoff", m.getValue()).forEach(xy -> drawn.add(numbers(xy)));
            assertThat(drawn).as(m.getValue()).isEqualTo(expected);
        }
        JsonNode chosen = seriesData(browser, "chart-tradeoff", "chosen").get(0);
        assertThat(chosen.get(0).asDouble()).isEqualTo(front.get("chosen").get("bytes").asDouble() / 1024);
        assertThat(chosen.get(1).asDouble()).isEqualTo(front.get("chosen").get("top1").asDouble());
        screenshot(browser, Fixtures.repoRoot().resolve("controller/target/screenshots/dashboard-tradeoff.png"));

        // report.html gets the front just after tradeoff.json: the same line per method, offline
        long until = System.nanoTime() + WAIT.toNanos();
        String html = get(serve, "/api/runs/" + id + "/report-html");
        while (!html.contains("\"tradeoff\":{") && System.nanoTime() < until) {
            Thread.sleep(500);
            html = get(serve, "/api/runs/" + id + "/report-html");
        }
        Path page = Fixtures.repoRoot().resolve("controller/target/screenshots/report-tradeoff.html");
        Files.writeString(page, html);
        browser.get(page.toUri().toString());
        wait.until(b -> chartJson(b, "chart-tradeoff", "(((o && o.series) || []).find(s => s.name === 'sigmaquant')"
                + " || {data: []}).data").size() == front.get("points").size());
        assertThat(seriesData(browser, "chart-tradeoff", "chosen").get(0).get(1).asDouble())
                .isEqualTo(front.get("chosen").get("top1").asDouble());
    }

    /** tradeoff.json is written after the run's end: 404 until then. */
    private static JsonNode waitForTradeoff(ServeProcess serve, String id) throws Exception {
        long until = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < until) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(serve.url()
                    + "/api/runs/" + id + "/tradeoff")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return JSON.readTree(r.body());
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
            Thread.sleep(500);
        }
        throw new AssertionError("no tradeoff.json for run " + id + " within " + WAIT);
    }

    /**
     * The profile charts hold the float model's and the last iteration's time per operator kind and per layer as
     * the API gives them; the simulated agent's kinds are its runtime formats.
     */
    private static void assertProfileDrawn(WebDriver browser, JsonNode profile) {
        List<JsonNode> sides = List.of(profile.get("floatModel"), profile.get("candidate"));
        assertThat(strings(chartJson(browser, "chart-profile", "o.yAxis[0].data"))).containsExactly(
                "float (iteration " + sides.get(0).get("iteration").asInt() + ")",
                sides.get(1).get("kind").asText() + " (iteration " + sides.get(1).get("iteration").asInt() + ")");
        assertThat(sides.get(0).get("simulated").asBoolean()).isTrue();
        assertThat(chartJson(browser, "chart-profile", "o.title[0].subtext").asText()).startsWith("simulated agent");
        List<String> labels = strings(chartJson(browser, "chart-profile", "o.yAxis[0].data"));
        List<String> layers = strings(axisData(browser, "chart-layer-times"));
        assertThat(layers).endsWith("(no layer)");
        for (int i = 0; i < sides.size(); i++) {
            // per layer: a simulated agent's nodes are the layers, so every one is charged and nothing is left over
            JsonNode byLayer = sides.get(i).get("msByLayer");
            List<Double> expected = new ArrayList<>();
            layers.subList(0, layers.size() - 1).forEach(l -> expected.add(byLayer.path(l).asDouble(0)));
            expected.add(sides.get(i).get("otherMs").asDouble());
            assertThat(numbers(seriesData(browser, "chart-layer-times", labels.get(i)))).as(labels.get(i))
                    .isEqualTo(expected);
            assertThat(byLayer.size()).isEqualTo(layers.size() - 1);
            JsonNode byOp = sides.get(i).get("msByOp");
            assertThat(byOp.size()).isPositive();
            for (Iterator<String> ops = byOp.fieldNames(); ops.hasNext(); ) {
                String op = ops.next();
                assertThat(seriesData(browser, "chart-profile", op).get(i).asDouble()).as(op)
                        .isEqualTo(byOp.get(op).asDouble());
            }
        }
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void fill(WebDriver browser, String name, String text) {
        browser.findElement(By.name(name)).sendKeys(text);
    }

    private static WebElement shown(WebDriver browser, String css) {
        WebElement e = browser.findElement(By.cssSelector(css));
        return e.getText().isBlank() ? null : e;
    }

    private static String state(WebDriver browser, String agent) {
        List<WebElement> cells = browser.findElements(By.cssSelector("tr[data-agent='" + agent + "'] td.state"));
        return cells.isEmpty() ? "" : cells.get(0).getText();
    }

    /** The data of a chart's series as ECharts holds it, as JSON. */
    private static JsonNode seriesData(WebDriver browser, String chart, String series) {
        return chartJson(browser, chart, "(o.series.find(s => s.name === '" + series + "') || {data: []}).data");
    }

    private static JsonNode axisData(WebDriver browser, String chart) {
        return chartJson(browser, chart, "o.xAxis[0].data");
    }

    private static JsonNode chartJson(WebDriver browser, String chart, String expression) {
        Object json = ((JavascriptExecutor) browser).executeScript("const c = echarts.getInstanceByDom("
                + "document.getElementById(arguments[0])); if (!c) return '[]'; const o = c.getOption();"
                + "return JSON.stringify(" + expression + ");", chart);
        try {
            return JSON.readTree((String) json);
        } catch (java.io.IOException e) {
            throw new AssertionError("unreadable chart data: " + json, e);
        }
    }

    private static List<Double> numbers(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asDouble()));
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String get(ServeProcess serve, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(serve.url() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    /** The run as the API gives it once it has ended; its results are written by then. */
    private static JsonNode waitForEnd(ServeProcess serve, String id) throws Exception {
        long until = System.nanoTime() + WAIT.toNanos();
        JsonNode run = null;
        while (System.nanoTime() < until) {
            run = JSON.readTree(get(serve, "/api/runs/" + id));
            String status = run.get("run").get("status").asText();
            if (!status.equals("queued") && !status.equals("running")) {
                assertThat(status).as(run.toString()).isIn("converged", "not-converged");
                return run;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("run " + id + " did not end within " + WAIT + ": " + run);
    }

    private static void screenshot(WebDriver browser, Path file) throws Exception {
        Path shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, file, StandardCopyOption.REPLACE_EXISTING);
    }
}
