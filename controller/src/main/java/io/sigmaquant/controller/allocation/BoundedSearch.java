package io.sigmaquant.controller.allocation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Looks for an allocation better than the incumbent, or proves there is none, by a dynamic programme over the
 * layers that the Lagrangian bound leaves undecided.
 *
 * <p>For multipliers λ ≥ 0 with bound LB = L(λ), every allocation x within budget satisfies
 * <pre>
 *   Σ D(x) = LB + Σ_l rc_l(x_l) + Σ_r λ_r (C_r − c_r(x)),   rc_lj = D_lj + λ·c_lj − min_j' (D_lj' + λ·c_lj') ≥ 0,
 * </pre>
 * and the last sum is ≥ 0. So an allocation that beats the incumbent's Σ D = UB uses, in every layer, a
 * choice whose reduced cost rc is below UB − LB; layers left with one such choice are decided. The rest are
 * expanded one at a time into partial allocations, dropping those that cannot meet a budget, those whose
 * bound (LB + rc so far + λ times the budget they must leave unused) reaches UB, and those another partial
 * allocation dominates (no more D and no more of any resource). If no cap on the states was hit, the result
 * is optimal: nothing better than it exists.
 */
final class BoundedSearch {
    /**
     * Partial allocations expanded in all; past this the beam narrows and the result is no longer a proof. At about
     * 0.2 µs an expansion this keeps one search near 0.1 s; the corpus benchmark needed it only with budgets that
     * pull against each other.
     */
    private static final long WORK_LIMIT = 600_000;
    /** The narrowest beam, however many layers are open: enough that the best few branches of each survive. */
    private static final int MIN_BEAM = 64;

    /** @param choice a better allocation, or null; @param proven whether nothing better than the result exists */
    record Result(int[] choice, boolean proven) {
    }

    private final AllocationProblem p;
    private final LagrangianRelaxation.Result relaxation;
    private final int[] res;
    private final int k;
    private final double[] capacity;

    BoundedSearch(AllocationProblem p, LagrangianRelaxation.Result relaxation) {
        this.p = p;
        this.relaxation = relaxation;
        this.res = relaxation.resources();
        this.k = res.length;
        this.capacity = new double[k];
        for (int i = 0; i < k; i++) {
            capacity[i] = p.capacity(Resource.values()[res[i]]);
        }
    }

    /**
     * @param incumbent   the best allocation within budget known so far, or null
     * @param upperBound  its Σ D (+∞ without one); only allocations below it by more than rounding are sought
     */
    Result run(int[] incumbent, double upperBound) {
        double lb = relaxation.bound();
        double target = Double.isFinite(upperBound)
                ? upperBound - 1e-9 * Math.max(Math.abs(upperBound), 1e-300) : Double.POSITIVE_INFINITY;
        if (lb >= target) {
            return new Result(null, true);
        }
        int n = p.size();
        int m = p.choices();
        double[][] rc = reducedCosts();
        double room = target - lb;
        // decided layers are summed into a fixed part; open layers keep their viable choices
        double[] fixedCost = new double[k];
        double fixedD = 0;
        int[] decided = new int[n];
        List<int[]> open = new ArrayList<>(); // {layer, viable choices...}
        for (int l = 0; l < n; l++) {
            int[] viable = new int[m];
            int count = 0;
            for (int j = 0; j < m; j++) {
                if (rc[l][j] < room) {
                    viable[count++] = j;
                }
            }
            if (count == 1) {
                decided[l] = viable[0];
                fixedD += p.d()[l][viable[0]];
                for (int i = 0; i < k; i++) {
                    fixedCost[i] += p.cost()[res[i]][l][viable[0]];
                }
            } else if (count > 1) {
                int[] entry = new int[count + 1];
                entry[0] = l;
                System.arraycopy(viable, 0, entry, 1, count);
                open.add(entry);
            } else {
                return new Result(null, true); // no choice of this layer can be part of a better allocation
            }
        }
        open.sort(Comparator.comparingDouble((int[] e) -> -spread(e)));
        return expand(open, decided, fixedD, fixedCost, rc, lb, target);
    }

    /**
     * What every stage needs to prune: the open layers in order, what those after stage s can still add to each
     * resource at least and at most, and their LP completion profiles.
     */
    private record Stages(List<int[]> open, double[][] minRest, double[][] maxRest, CompletionProfile[][] completion,
                          long work) {
    }

    private Stages stages(List<int[]> open) {
        int n = open.size();
        double[][] minRest = new double[n + 1][k];
        double[][] maxRest = new double[n + 1][k];
        long work = 0;
        for (int s = n - 1; s >= 0; s--) {
            int[] e = open.get(s);
            for (int i = 0; i < k; i++) {
                double[] range = costRange(e, i);
                minRest[s][i] = minRest[s + 1][i] + range[0];
                maxRest[s][i] = maxRest[s + 1][i] + range[1];
            }
            work += e.length - 1;
        }
        return new Stages(open, minRest, maxRest, completionProfiles(open), work);
    }

    private Result expand(List<int[]> open, int[] decided, double fixedD, double[] fixedCost, double[][] rc,
                          double lb, double target) {
        Stages st = stages(open);
        int beam = (int) Math.max(MIN_BEAM, Math.min(Integer.MAX_VALUE / 4, WORK_LIMIT / Math.max(1, st.work())));
        SearchStates states = SearchStates.root(k, fixedD, fixedCost);
        List<SearchStates> history = new ArrayList<>();
        boolean truncated = false;
        for (int s = 0; s < open.size(); s++) {
            SearchStates next = expandStage(states, st, s, rc, lb, target).withoutDominated();
            if (next.size > beam) {
                next = next.best(beam);
                truncated = true;
            }
            history.add(next);
            states = next;
            if (states.size == 0) {
                return new Result(null, !truncated);
            }
        }
        return best(states, history, open, decided, target, truncated);
    }

    /** Every state extended by every viable choice of stage s's layer, less those that cannot fit or beat UB. */
    private SearchStates expandStage(SearchStates states, Stages st, int s, double[][] rc, double lb, double target) {
        int[] e = st.open().get(s);
        SearchStates next = new SearchStates(k, states.size * (e.length - 1));
        double[] cost = new double[k];
        for (int i = 0; i < states.size; i++) {
            for (int v = 1; v < e.length; v++) {
                int j = e[v];
                double rcSum = states.rc[i] + rc[e[0]][j];
                double bound = lb + rcSum;
                boolean fits = bound < target;
                for (int r = 0; r < k && fits; r++) {
                    cost[r] = states.cost(i, r) + p.cost()[res[r]][e[0]][j];
                    fits = cost[r] + st.minRest()[s + 1][r] <= capacity[r];
                    bound += relaxation.lambda()[r] * Math.max(0, capacity[r] - cost[r] - st.maxRest()[s + 1][r]);
                }
                if (!fits || bound >= target) {
                    continue;
                }
                double d = states.d[i] + p.d()[e[0]][j];
                for (int r = 0; r < k && bound < target; r++) {
                    bound = Math.max(bound, d + completionBound(st.completion()[s + 1], r, cost));
                }
                if (bound < target) {
                    next.add(d, rcSum, bound, cost, 0, i, j);
                }
            }
        }
        return next;
    }

    /**
     * The final state with the least D below the target whose allocation meets every budget (a state at the very
     * edge of a budget may fail the check only by rounding: the next one is taken then).
     */
    private Result best(SearchStates last, List<SearchStates> history, List<int[]> open, int[] decided,
                        double target, boolean truncated) {
        int[] order = IndexSort.by(last.d, last.size);
        for (int i : order) {
            if (!(last.d[i] < target)) {
                break;
            }
            int[] choice = decided.clone();
            for (int s = open.size() - 1, at = i; s >= 0; s--) {
                SearchStates st = history.get(s);
                choice[open.get(s)[0]] = st.choice[at];
                at = st.parent[at];
            }
            if (p.feasible(choice)) {
                return new Result(choice, !truncated);
            }
        }
        // nothing better: a proof only if no state was cut and none was lost to rounding
        return new Result(null, !truncated && (last.size == 0 || !(last.d[order[0]] < target)));
    }

    /**
     * For each stage and budgeted resource r, the LP profile of the layers after that stage with the other
     * resources priced by λ (see {@link CompletionProfile}); only each layer's viable choices count.
     */
    private CompletionProfile[][] completionProfiles(List<int[]> open) {
        int stages = open.size();
        CompletionProfile[][] profiles = new CompletionProfile[stages + 1][k];
        Arrays.fill(profiles[stages], CompletionProfile.EMPTY);
        for (int s = stages - 1; s >= 0; s--) {
            int[] e = open.get(s);
            for (int r = 0; r < k; r++) {
                double[] w = new double[e.length - 1];
                double[] c = new double[e.length - 1];
                for (int v = 1; v < e.length; v++) {
                    w[v - 1] = p.d()[e[0]][e[v]];
                    for (int o = 0; o < k; o++) {
                        if (o != r) {
                            w[v - 1] += relaxation.lambda()[o] * p.cost()[res[o]][e[0]][e[v]];
                        }
                    }
                    c[v - 1] = p.cost()[res[r]][e[0]][e[v]];
                }
                profiles[s][r] = profiles[s + 1][r].with(w, c);
            }
        }
        return profiles;
    }

    /**
     * A lower bound on what the open layers after a state add to Σ D: the LP over resource r with the capacity
     * the state leaves, the other resources relaxed with their multipliers (each λ_o times what is left of o).
     */
    private double completionBound(CompletionProfile[] next, int r, double[] cost) {
        double v = next[r].value(capacity[r] - cost[r]);
        for (int o = 0; o < k; o++) {
            if (o != r) {
                v -= relaxation.lambda()[o] * (capacity[o] - cost[o]);
            }
        }
        return v;
    }

    private double[][] reducedCosts() {
        double[][] rc = new double[p.size()][p.choices()];
        for (int l = 0; l < p.size(); l++) {
            double min = Double.POSITIVE_INFINITY;
            for (int j = 0; j < p.choices(); j++) {
                rc[l][j] = relaxation.priced(p, l, j);
                min = Math.min(min, rc[l][j]);
            }
            for (int j = 0; j < p.choices(); j++) {
                rc[l][j] = Math.max(0, rc[l][j] - min);
            }
        }
        return rc;
    }

    /** The smallest and largest cost of budgeted resource i among an open layer's viable choices. */
    private double[] costRange(int[] e, int i) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int v = 1; v < e.length; v++) {
            double c = p.cost()[res[i]][e[0]][e[v]];
            lo = Math.min(lo, c);
            hi = Math.max(hi, c);
        }
        return new double[] {lo, hi};
    }

    /** How far apart an open layer's viable choices are, in budget fractions: wide layers go first. */
    private double spread(int[] e) {
        double total = 0;
        for (int i = 0; i < k; i++) {
            double[] range = costRange(e, i);
            total += (range[1] - range[0]) / Math.max(Math.abs(capacity[i]), 1e-300);
        }
        return total;
    }
}
