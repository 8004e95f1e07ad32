/**
 * Chinchilla Approach 2, IsoFLOP profiles (Hoffmann et al. 2022, §3.2; docs/methods.md §2):
 * per budget a parabola of loss in ln N gives N* at its vertex and L* there. The budget's
 * compute C is what its runs spent (the geometric mean of their measured FLOPs, or of
 * 6·N·D: flops-per-token.ts), never its label, and D* = C/(φ(N*)·N*): C/(6·N*) under
 * 6·N·D. Then N* = k_n·C^a and D* = k_d·C^b by least squares in log-log space, and
 * L* = E + k_l·C^(−γ) above an irreducible loss (loss-floor-law.ts; a pure power law with
 * fewer than 4 usable budgets, with a warning). Under 6·N·D, b = 1 − a.
 *
 * Guards (docs/methods.md §4, §5.2): a budget is refused, with its reason, when it has too few
 * points, a non-positive curvature, a vertex outside the sampled range, or a vertex whose
 * standard error is a large part of that range; with fewer than minBudgets usable budgets
 * there is no law. A vertex near the edge of its range is used but flagged (at_edge).
 * The vertex-SE guard is ours, not the paper's: with 2% noise the top budget's shallow
 * profile otherwise yields vertices with standard errors larger than the sampled range.
 */
import { curveCompute, type BudgetGroup } from "./budget-groups.js";
import { flopsPerToken, type ComputeModel } from "./flops-per-token.js";
import { formatScientific } from "./format-number.js";
import { fitIsoFlopParabola } from "./isoflop-parabola.js";
import { fitOptimumLaws, lossLawNote } from "./power-law.js";
import type { Approach2Options, Approach2Result, BudgetFit, FitPoint } from "./types.js";

export type ResolvedApproach2Options = Required<Omit<Approach2Options, "nearestPoints">> & { nearestPoints: number | null };

/** Usable budgets Approach 2 needs for a law, unless the options say otherwise. */
export const DEFAULT_MIN_BUDGETS = 3;

export function resolveApproach2Options(options: Approach2Options = {}): ResolvedApproach2Options {
  return {
    minPointsPerBudget: options.minPointsPerBudget ?? 3,
    minBudgets: options.minBudgets ?? DEFAULT_MIN_BUDGETS,
    nearestPoints: options.nearestPoints ?? null,
    maxVertexSEFraction: options.maxVertexSEFraction ?? 0.2,
    edgeFraction: options.edgeFraction ?? 0.1,
    requireInteriorVertex: options.requireInteriorVertex ?? true,
  };
}

const log10Text = (lnValue: number) => (lnValue / Math.LN10).toFixed(2);

/** The k runs nearest in ln N to the lowest-loss run (all runs when k is null or ≥ n). */
function nearestToMinimum(points: readonly FitPoint[], k: number | null): FitPoint[] {
  if (k === null || points.length <= k) return [...points];
  const best = points.reduce((lowest, p) => (p.loss < lowest.loss ? p : lowest));
  const centre = Math.log(best.n_params);
  return points
    .map((p, index) => ({ p, index, distance: Math.abs(Math.log(p.n_params) - centre) }))
    .sort((x, y) => x.distance - y.distance || x.index - y.index)
    .slice(0, k)
    .map((entry) => entry.p)
    .sort((p, q) => p.n_params - q.n_params);
}

/** Fits one budget's parabola and applies the guards. */
export function fitBudget(group: BudgetGroup, options: ResolvedApproach2Options, compute: ComputeModel): BudgetFit {
  const budget = group.budget_flops;
  const fitted = nearestToMinimum(group.points, options.nearestPoints);
  const nRange: [number, number] = [fitted[0]?.n_params ?? NaN, fitted[fitted.length - 1]?.n_params ?? NaN];
  const base: BudgetFit = { budget_flops: budget, status: "refused", n_range: nRange, n_points: fitted.length };
  if (fitted.length < group.points.length) base.n_trimmed = group.points.length - fitted.length;
  if (fitted.length < options.minPointsPerBudget) {
    return { ...base, reason: `too few points (${fitted.length} < ${options.minPointsPerBudget})` };
  }
  const parabola = fitIsoFlopParabola(
    fitted.map((p) => Math.log(p.n_params)),
    fitted.map((p) => p.loss),
  );
  if (!parabola) return { ...base, reason: "fewer than 3 distinct model sizes" };
  const described: BudgetFit = { ...base, curvature: parabola.curvature, vertex_se_ln: parabola.vertexSE, parabola: parabola.coefficients };
  if (!(parabola.curvature > 0)) {
    return { ...described, reason: `non-positive curvature (${parabola.curvature.toPrecision(3)}): loss has no minimum in log N here` };
  }
  const { vertexLnN, minLnN, maxLnN } = parabola;
  const range = `${log10Text(minLnN)}–${log10Text(maxLnN)}`;
  const outside = vertexLnN < minLnN || vertexLnN > maxLnN;
  if (outside && options.requireInteriorVertex) {
    const side = vertexLnN < minLnN ? "below" : "above";
    return { ...described, reason: `vertex outside the sampled range: log10 N* = ${log10Text(vertexLnN)} lies ${side} ${range}` };
  }
  const span = maxLnN - minLnN;
  if (parabola.vertexSE !== null && parabola.vertexSE > options.maxVertexSEFraction * span) {
    const seDecades = (parabola.vertexSE / Math.LN10).toFixed(2);
    return {
      ...described,
      reason: `vertex undetermined: its standard error (${seDecades} decades of N) exceeds ${options.maxVertexSEFraction} of the sampled range ${range}`,
    };
  }
  if (!(parabola.vertexLoss > 0)) return { ...described, reason: `non-positive loss at the vertex (${parabola.vertexLoss.toPrecision(3)})` };
  const nOpt = Math.exp(vertexLnN);
  const computeFlops = curveCompute(fitted, compute);
  const perToken = flopsPerToken(compute, nOpt);
  const dOpt = computeFlops / perToken;
  if (!(dOpt > 0 && Number.isFinite(dOpt))) return { ...described, reason: `no token count at the vertex (D* = ${dOpt})` };
  const edge = outside || Math.min(vertexLnN - minLnN, maxLnN - vertexLnN) < options.edgeFraction * span;
  return {
    ...described,
    status: "used",
    compute_flops: computeFlops,
    n_opt: nOpt,
    d_opt: dOpt,
    loss_opt: parabola.vertexLoss,
    flops_per_nd: perToken / nOpt,
    at_edge: edge,
  };
}

export function fitApproach2(groups: readonly BudgetGroup[], options: ResolvedApproach2Options, compute: ComputeModel): Approach2Result {
  const budgets = groups.map((group) => fitBudget(group, options, compute));
  const warnings: string[] = [];
  for (const fit of budgets) {
    const name = formatScientific(fit.budget_flops);
    if (fit.status === "refused") warnings.push(`approach 2: budget ${name} refused: ${fit.reason}`);
    else if (fit.at_edge) {
      const lnN = Math.log(fit.n_opt as number);
      const lower = lnN - Math.log(fit.n_range[0]) < Math.log(fit.n_range[1]) - lnN;
      const outside = lnN < Math.log(fit.n_range[0]) || lnN > Math.log(fit.n_range[1]);
      const where = outside ? `outside the sampled sizes, kept because requireInteriorVertex = false` : `at the ${lower ? "lower" : "upper"} edge of the sampled sizes`;
      warnings.push(`approach 2: budget ${name}: optimum ${where} (log10 N* = ${log10Text(lnN)}); extend the grid ${lower ? "below" : "above"} it`);
    }
  }
  const used = budgets.filter((b) => b.status === "used");
  const noLaw = (why: string): Approach2Result => ({ status: "no_law", a: null, b: null, laws: null, budgets, warnings: [...warnings, why] });
  if (used.length < options.minBudgets) {
    return noLaw(`approach 2: no law: ${used.length} usable budget${used.length === 1 ? "" : "s"} of ${budgets.length} (need at least ${options.minBudgets})`);
  }
  const laws = fitOptimumLaws(
    used.map((b) => ({ budget_flops: b.compute_flops as number, n_params: b.n_opt as number, n_tokens: b.d_opt as number, loss: b.loss_opt as number })),
  );
  if (!laws) return noLaw("approach 2: no law: the usable budgets do not span more than one compute level");
  const note = lossLawNote(laws, used.length);
  return { status: "fitted", a: laws.n_opt.exponent, b: laws.d_opt.exponent, laws, budgets, warnings: note ? [...warnings, `approach 2: ${note}`] : warnings };
}
