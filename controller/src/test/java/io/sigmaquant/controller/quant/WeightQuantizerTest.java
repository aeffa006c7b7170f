package io.sigmaquant.controller.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WeightQuantizerTest {
    private static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) r.nextGaussian();
        }
        return w;
    }

    @Test
    void quantize_everyBitwidth_staysInSymmetricRangeWithHalfStepError() {
        long[] shape = {8, 4, 3, 3};
        float[] w = gaussian(8 * 36, 1);
        w[5] = 0; // zero stays zero
        for (int bits = 2; bits <= 8; bits++) {
            QuantizedWeights q = WeightQuantizer.quantize(w, shape, 0, bits);
            int qmax = (1 << (bits - 1)) - 1;
            float[] back = q.dequantize();
            Set<Byte> levels = new HashSet<>();
            for (int i = 0; i < w.length; i++) {
                assertThat((int) q.values()[i]).isBetween(-qmax, qmax);
                float scale = q.scales()[i / 36];
                assertThat(Math.abs(back[i] - w[i])).isLessThanOrEqualTo(scale / 2 + 1e-6f);
                levels.add(q.values()[i]);
            }
            assertThat(levels.size()).isLessThanOrEqualTo(2 * qmax + 1);
            assertThat(back[5]).isZero();
        }
    }

    @Test
    void quantize_perChannel_eachChannelUsesItsFullRange() {
        float[] w = gaussian(4 * 10, 2);
        for (int i = 0; i < 10; i++) {
            w[30 + i] *= 100; // one channel a hundred times larger must not coarsen the others
        }
        QuantizedWeights q = WeightQuantizer.quantize(w, new long[] {4, 10}, 0, 4);
        for (int c = 0; c < 4; c++) {
            int maxAbs = 0;
            for (int i = 0; i < 10; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(q.values()[c * 10 + i]));
            }
            assertThat(maxAbs).isEqualTo(7);
        }
    }

    @Test
    void quantize_channelsOnAxisOne_scalesPerColumn() {
        float[] w = {1, 10, 0.5f, -5, 0.25f, 2.5f}; // [3, 2]: column 0 max 1, column 1 max 10
        QuantizedWeights q = WeightQuantizer.quantize(w, new long[] {3, 2}, 1, 8);
        assertThat(q.scales()).containsExactly(1f / 127, 10f / 127);
        assertThat(q.values()[0]).isEqualTo((byte) 127);
        assertThat(q.values()[1]).isEqualTo((byte) 127);
    }

    @Test
    void quantize_allZeroChannel_getsPositiveScale() {
        QuantizedWeights q = WeightQuantizer.quantize(new float[4], new long[] {2, 2}, 0, 8);
        assertThat(q.scales()).containsOnly(1f);
        assertThat(q.dequantize()).containsOnly(0f);
    }

    @Test
    void quantize_bitsOutsideTwoToEight_areRefused() {
        assertThatThrownBy(() -> WeightQuantizer.quantize(new float[1], new long[] {1}, 0, 9))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WeightQuantizer.quantize(new float[1], new long[] {1}, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
