package io.sigmaquant.controller.allocation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Local search after Phase 2's greedy passes: repeatedly apply the single move or the pair of moves — one layer to a higher-D-
 * gain choice, another to a choice that pays for it — with the largest net decrease of Σ D that keeps every
 * budget. Moves are scanned cheapest-loss first, so each raise stops at the first partner that fits.
 */
final class SwapRefinement {
    private static final int MAX_ROUNDS = 10_000;

    private record Move(int layer, int to, double deltaD, double[] deltaCost) {
    }

    private final AllocationProblem p;
    private final int[] choice;
    private final double[] totals;
    private final double[] limits;

    SwapRefinement(AllocationProblem p, int[] choice) {
        this.p = p;
        this.choice = choice;
        Resource[] resources = Resource.values();
        this.totals = new double[resources.length];
        this.limits = new double[resources.length];
        for (Resource r : resources) {
            totals[r.ordinal()] = p.total(r, choice);
            limits[r.ordinal()] = p.budgets().limit(r) * (1 + 1e-12);
        }
    }

    void run() {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<Move> gains = new ArrayList<>();
            List<Move> losses = new ArrayList<>();
            for (int l = 0; l < p.size(); l++) {
                for (int j = 0; j < p.choices(); j++) {
                    if (j != choice[l]) {
                        Move m = move(l, j);
                        (m.deltaD() < 0 ? gains : losses).add(m);
                    }
                }
            }
            losses.sort(Comparator.comparingDouble(Move::deltaD));
            Move bestGain = null;
            Move bestLoss = null;
            double bestNet = -1e-15;
            for (Move g : gains) {
                if (g.deltaD() < bestNet && fits(g, null)) {
                    bestNet = g.deltaD(); // a raise that now fits on its own
                    bestGain = g;
                    bestLoss = null;
                }
                for (Move loss : losses) {
                    double net = g.deltaD() + loss.deltaD();
                    if (net >= bestNet) {
                        break; // losses only grow from here
                    }
                    if (loss.layer() != g.layer() && fits(g, loss)) {
                        bestNet = net;
                        bestGain = g;
                        bestLoss = loss;
                        break;
                    }
                }
            }
            if (bestGain == null) {
                return;
            }
            apply(bestGain);
            if (bestLoss != null) {
                apply(bestLoss);
            }
        }
    }

    private Move move(int l, int to) {
        double[] dc = new double[totals.length];
        for (Resource r : Resource.values()) {
            double[] c = p.cost()[r.ordinal()][l];
            dc[r.ordinal()] = c[to] - c[choice[l]];
        }
        return new Move(l, to, p.d()[l][to] - p.d()[l][choice[l]], dc);
    }

    private boolean fits(Move a, Move b) {
        for (int r = 0; r < totals.length; r++) {
            if (totals[r] + a.deltaCost()[r] + (b == null ? 0 : b.deltaCost()[r]) > limits[r]) {
                return false;
            }
        }
        return true;
    }

    private void apply(Move m) {
        for (int r = 0; r < totals.length; r++) {
            totals[r] += m.deltaCost()[r];
        }
        choice[m.layer()] = m.to();
    }
}
