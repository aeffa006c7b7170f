package io.sigmaquant.controller.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgChartTest {
    @Test
    void render_twoSeries_isWellFormedSvgWithALineAndPointsPerSeries() throws Exception {
        String svg = new SvgChart("a <title> & more", "x", "y")
                .add(new SvgChart.Series("one", "#f00", List.of(new double[] {1, 50}, new double[] {2, 80})))
                .add(new SvgChart.Series("two", "#00f", List.of(new double[] {1, 60}, new double[] {3, 90},
                        new double[] {4, 91})))
                .render();
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(doc.getElementsByTagName("polyline").getLength()).isEqualTo(2);
        assertThat(doc.getElementsByTagName("circle").getLength()).isEqualTo(5);
        assertThat(svg).contains("a &lt;title&gt; &amp; more");
    }
}
