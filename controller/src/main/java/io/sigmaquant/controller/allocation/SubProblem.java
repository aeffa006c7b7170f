package io.sigmaquant.controller.allocation;

import java.util.ArrayList;
import java.util.List;

/**
 * The problem over some of the layers, the others fixed at their choice in an allocation: their costs move
 * into the remainder, so the budgets stay as they are. Used to solve a neighbourhood exactly, or to branch on a
 * few layers.
 */
final class SubProblem {
    private final AllocationProblem problem;
    private final int[] layers;

    /** @param free which layers stay open; the others are fixed at their choice in {@code x} */
    SubProblem(AllocationProblem p, int[] x, boolean[] free) {
        List<String> names = new ArrayList<>();
        List<Integer> open = new ArrayList<>();
        for (int l = 0; l < p.size(); l++) {
            if (free[l]) {
                open.add(l);
                names.add(p.layers().get(l));
            }
        }
        int n = open.size();
        double[][] d = new double[n][];
        double[][][] cost = new double[Resource.values().length][n][];
        double[] sigma = new double[n];
        double[] remainder = p.remainder().clone();
        layers = new int[n];
        for (int i = 0; i < n; i++) {
            int l = open.get(i);
            layers[i] = l;
            d[i] = p.d()[l];
            sigma[i] = p.sigma()[l];
            for (Resource r : Resource.values()) {
                cost[r.ordinal()][i] = p.cost()[r.ordinal()][l];
            }
        }
        for (int l = 0; l < p.size(); l++) {
            if (!free[l]) {
                for (Resource r : Resource.values()) {
                    remainder[r.ordinal()] += p.cost()[r.ordinal()][l][x[l]];
                }
            }
        }
        problem = new AllocationProblem(names, p.bits(), d, cost, remainder, sigma, p.budgets());
    }

    AllocationProblem problem() {
        return problem;
    }

    /** The open layers' choices in {@code x}. */
    int[] restrict(int[] x) {
        int[] sub = new int[layers.length];
        for (int i = 0; i < layers.length; i++) {
            sub[i] = x[layers[i]];
        }
        return sub;
    }

    /** {@code x} with the open layers set to {@code sub}. */
    int[] expand(int[] x, int[] sub) {
        int[] full = x.clone();
        for (int i = 0; i < layers.length; i++) {
            full[layers[i]] = sub[i];
        }
        return full;
    }
}
