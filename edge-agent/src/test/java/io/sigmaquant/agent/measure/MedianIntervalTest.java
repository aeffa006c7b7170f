package io.sigmaquant.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MedianIntervalTest {
    private static double[] oneTo(int n) {
        return IntStream.rangeClosed(1, n).asDoubleStream().toArray();
    }

    @Test
    void ofSorted_hundredSamples_isThe40thTo61st() {
        // n/2 ∓ 1.96·√n/2 = 50 ∓ 9.8: j = ⌊40.2⌋ = 40, k = ⌈1 + 59.8⌉ = 61 (Conover's table gives the same)
        MedianInterval ci = MedianInterval.ofSorted(oneTo(100));
        assertThat(ci.low()).isEqualTo(40);
        assertThat(ci.high()).isEqualTo(61);
        assertThat(ci.rangeOnly()).isFalse();
    }

    @Test
    void ofSorted_fiveSamples_isTheRangeAndSaysSo() {
        MedianInterval ci = MedianInterval.ofSorted(new double[] {1, 2, 3, 4, 9});
        assertThat(ci.low()).isEqualTo(1);
        assertThat(ci.high()).isEqualTo(9);
        assertThat(ci.rangeOnly()).isTrue();
    }

    @Test
    void ofSorted_sixSamples_clampsToTheRange() {
        MedianInterval ci = MedianInterval.ofSorted(oneTo(6));
        assertThat(ci.low()).isEqualTo(1);
        assertThat(ci.high()).isEqualTo(6);
        assertThat(ci.rangeOnly()).isFalse();
    }

    @Test
    void ofSorted_manySamples_narrowsAroundTheMedian() {
        MedianInterval ci = MedianInterval.ofSorted(oneTo(10_000));
        // 5000 ∓ 98: the 4902nd and the 5099th
        assertThat(ci.low()).isEqualTo(4902);
        assertThat(ci.high()).isEqualTo(5099);
        assertThat(ci.relativeHalfWidth(5000.5)).isLessThan(0.02);
    }

    @Test
    void relativeHalfWidth_zeroWidth_isZeroEvenAtAZeroEstimate() {
        assertThat(new MedianInterval(0, 0, false).relativeHalfWidth(0)).isZero();
        assertThat(new MedianInterval(0.9, 1.1, false).relativeHalfWidth(1)).isCloseTo(0.1, org.assertj.core.api
                .Assertions.within(1e-12));
    }
}
