package io.sigmaquant.controller.allocation;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Local search after Phase 2's greedy passes: repeatedly apply the single move or the pair of moves — one
 * layer to a choice with lower D, another to a choice that pays for it — with the largest net decrease of Σ D
 * that keeps every budget. Moves that lose D are scanned cheapest-loss first, so each gain stops at the first
 * partner that fits.
 */
final class SwapRefinement {
    private static final int MAX_ROUNDS = 10_000;

    private final AllocationProblem p;
    private final ResourceTotals totals;

    SwapRefinement(AllocationProblem p, ResourceTotals totals) {
        this.p = p;
        this.totals = totals;
    }

    /** Improves the tracked choice in place; returns the number of rounds that improved it. */
    int run() {
        int[] choice = totals.choice();
        int n = p.size();
        int m = p.choices();
        int[] gains = new int[n * m];
        Integer[] losses = new Integer[n * m];
        double[] deltaD = new double[n * m];
        for (int round = 0; round < MAX_ROUNDS; round++) {
            int gainCount = 0;
            int lossCount = 0;
            for (int l = 0; l < n; l++) {
                for (int j = 0; j < m; j++) {
                    if (j != choice[l]) {
                        int move = l * m + j;
                        deltaD[move] = p.d()[l][j] - p.d()[l][choice[l]];
                        if (deltaD[move] < 0) {
                            gains[gainCount++] = move;
                        } else {
                            losses[lossCount++] = move;
                        }
                    }
                }
            }
            Arrays.sort(losses, 0, lossCount, Comparator.comparingDouble(move -> deltaD[move]));
            int bestGain = -1;
            int bestLoss = -1;
            // an improvement must beat rounding noise, relative to Σ D so that scaling D scales nothing else
            double bestNet = -1e-12 * Math.max(Math.abs(p.objective(choice)), Double.MIN_NORMAL);
            for (int g = 0; g < gainCount; g++) {
                int gain = gains[g];
                int gl = gain / m;
                int gj = gain % m;
                if (deltaD[gain] < bestNet && totals.fits(gl, gj)) {
                    bestNet = deltaD[gain]; // a gain that now fits on its own
                    bestGain = gain;
                    bestLoss = -1;
                }
                for (int k = 0; k < lossCount; k++) {
                    int loss = losses[k];
                    double net = deltaD[gain] + deltaD[loss];
                    if (net >= bestNet) {
                        break; // losses only grow from here
                    }
                    if (loss / m != gl && totals.fits(gl, gj, loss / m, loss % m)) {
                        bestNet = net;
                        bestGain = gain;
                        bestLoss = loss;
                        break;
                    }
                }
            }
            if (bestGain < 0) {
                return round;
            }
            totals.apply(bestGain / m, bestGain % m);
            if (bestLoss >= 0) {
                totals.apply(bestLoss / m, bestLoss % m);
            }
        }
        return MAX_ROUNDS;
    }
}
