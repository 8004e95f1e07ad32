/**
 * Whether the runs determine a law: one test, the same yardsticks for every approach
 * (docs/fitting.md, "When do the runs determine the law?"). A fit that converges is not a law
 * that is known: Besiroglu et al. 2024 (arXiv:2404.10102) found Chinchilla's own intervals too
 * narrow by orders of magnitude, and sweeps over 1–1.5 decades of compute routinely leave a,
 * α, β unidentified. An approach is **determined** when
 *
 * 1. its fit has a law, and (Approach 3) its point estimate passes approach3-checks.ts;
 * 2. it was bootstrapped with at least MIN_RESAMPLES resamples, and at least MIN_LAW_SHARE of
 *    them gave a law (a percentile interval over a minority of resamples describes the
 *    resamples that happened to work, not the uncertainty);
 * 3. the 95% interval of a is at most MAX_A_WIDTH wide;
 * 4. (Approach 3) the 95% intervals of α and β lie within (0, MAX_EXPONENT];
 * 5. the 95% interval of N*(C) at each test budget spans at most a factor MAX_N_RATIO;
 * 6. (Approach 2) the parabolas' residuals are at most MAX_RESIDUAL_RATIO × the seed-to-seed
 *    noise (when seeds measured it), and no vertex lies below every run of its budget by more
 *    than the noise and the spacing of the sizes allow;
 * 7. (Approach 1) no budget's best run is its smallest or largest size;
 * 8. (Approach 3) its optimum N*(C) lies within the sampled sizes at at least half the budgets
 *    (else the allocation comes from the form of the surface alone, not from runs around it);
 * 9. the runs span at least MIN_BUDGETS budgets: with 3, a law's minimum, the laws of N* keep
 *    one degree of freedom, L*'s floor cannot be fitted and no budget can be held out to test
 *    what the law predicts (backtest.ts).
 *
 * The thresholds and the figures that justify them are in docs/fitting.md. The verdict is
 * determined when at least one approach is. Pure: the fit's results and bootstrap in, the
 * verdict out, so `compare` and the adaptive planner can reuse it.
 */
import { approach3Problems, MAX_EXPONENT, optimaOutsideSizes } from "./approach3-checks.js";
import type { BudgetGroup } from "./budget-groups.js";
import type { FlopsPerTokenModel } from "./flops-per-token.js";
import type { DeterminationIntervals } from "./bootstrap.js";
import { formatScientific } from "./format-number.js";
import { parabolaResiduals } from "./parabola-residuals.js";
import { suggestRuns } from "./suggestions.js";
import type { Approach1Result, Approach2Result, Approach3Result, ApproachDetermination, BudgetFit, Determination, FitPoint, FitResult } from "./types.js";

export const MIN_RESAMPLES = 100;
export const MIN_BUDGETS = 4;
export const MIN_LAW_SHARE = 0.9;
export const MAX_A_WIDTH = 0.4;
export const MAX_N_RATIO = 4;
export const MAX_RESIDUAL_RATIO = 2;
/** A vertex may lie below its best run by the size spacing's share and this many noise SDs. */
export const VERTEX_NOISE_SDS = 2;

type Key = "1" | "2" | "3";

/** What the bootstrap measured of one approach. */
export interface BootstrapEvidence {
  resamples: number;
  failed: number;
  intervals: DeterminationIntervals;
}

export interface DeterminationInput {
  approaches: FitResult["approaches"];
  /** Per approach, its bootstrap; absent without one. */
  bootstrap: Partial<Record<Key, BootstrapEvidence>>;
  /** The budgets N*(C) is tested at. */
  testBudgets: readonly number[];
  /** The runs, by budget (the IsoFLOP curves the approaches were fitted on). */
  groups: readonly BudgetGroup[];
  /** φ(N) when the runs' FLOPs were measured (approach 3 then allocates at it); null under 6·N·D. */
  phi: FlopsPerTokenModel | null;
}

/** Seed-to-seed SD of ln(loss): runs repeating one point (budget and size), pooled; null without repeats. */
export function seedNoise(groups: readonly BudgetGroup[]): { sd: number; dof: number } | null {
  let squares = 0;
  let dof = 0;
  for (const group of groups) {
    const bySize = new Map<number, number[]>();
    for (const p of group.points) bySize.set(p.n_params, [...(bySize.get(p.n_params) ?? []), Math.log(p.loss)]);
    for (const logs of bySize.values()) {
      if (logs.length < 2) continue;
      const mean = logs.reduce((s, x) => s + x, 0) / logs.length;
      squares += logs.reduce((s, x) => s + (x - mean) ** 2, 0);
      dof += logs.length - 1;
    }
  }
  return dof > 0 ? { sd: Math.sqrt(squares / dof), dof } : null;
}

/** The runs a used budget's parabola went through (those within its sampled range). */
const fittedRuns = (budget: BudgetFit, group: BudgetGroup | undefined): FitPoint[] =>
  (group?.points ?? []).filter((p) => p.n_params >= budget.n_range[0] && p.n_params <= budget.n_range[1]);

/** Pooled SD of the log-residuals about the used parabolas (dof-corrected); null without residual degrees of freedom. */
export function parabolaResidualSd(fit: Approach2Result, groups: readonly BudgetGroup[]): number | null {
  const residuals = parabolaResiduals(fit, groups);
  const used = fit.budgets.filter((b) => b.status === "used").length;
  return residuals.length > 3 * used ? Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / residuals.length) : null;
}

/** Budgets whose vertex lies below every run by more than the noise (sd of ln loss) and the spacing of sizes allow. */
export function verticesBelow(fit: Approach2Result, groups: readonly BudgetGroup[], noiseSd: number): Array<{ budget_flops: number; gap: number; allowed: number }> {
  const flagged: Array<{ budget_flops: number; gap: number; allowed: number }> = [];
  for (const budget of fit.budgets) {
    if (budget.status !== "used" || budget.loss_opt === undefined || budget.n_opt === undefined || budget.curvature === undefined) continue;
    const runs = fittedRuns(budget, groups.find((g) => g.budget_flops === budget.budget_flops));
    if (runs.length === 0) continue;
    const best = Math.min(...runs.map((p) => p.loss));
    // The run nearest the vertex is at most curvature/2·d² above it (d its distance in ln N), the best run no higher.
    const nearest = Math.min(...runs.map((p) => Math.abs(Math.log(p.n_params) - Math.log(budget.n_opt as number))));
    const allowed = (budget.curvature / 2) * nearest * nearest + VERTEX_NOISE_SDS * noiseSd * best;
    const gap = best - budget.loss_opt;
    if (gap > allowed) flagged.push({ budget_flops: budget.budget_flops, gap, allowed });
  }
  return flagged;
}

const interval = (i: { lo: number; hi: number } | null) => (i ? { lo: i.lo, hi: i.hi } : null);
const show = (i: { lo: number; hi: number }) => `[${i.lo.toPrecision(3)}, ${i.hi.toPrecision(3)}]`;

/** One approach against the yardsticks. */
function judge(key: Key, input: DeterminationInput, noise: { sd: number; dof: number } | null): ApproachDetermination | null {
  const result = input.approaches[key];
  if (!result) return null;
  const reasons: string[] = [];
  const measures: ApproachDetermination["measures"] = { law_share: null, a_interval: null, n_opt: [] };
  if (result.status !== "fitted") {
    const last = result.warnings.at(-1);
    return { determined: false, reasons: [last ? last.replace(/^approach \d: /, "") : "no law"], measures };
  }
  if (input.groups.length < MIN_BUDGETS) reasons.push(`${input.groups.length} budget${input.groups.length === 1 ? "" : "s"}: a law needs at least ${MIN_BUDGETS} to be tested on one held out`);
  if (key === "3") {
    reasons.push(...approach3Problems(result as Approach3Result));
    const outside = optimaOutsideSizes(result as Approach3Result, input);
    if (outside.length * 2 > input.groups.length) {
      reasons.push(`its optimum N*(C) lies outside the sampled sizes at ${outside.length} of ${input.groups.length} budgets (${outside.map((o) => `${formatScientific(o.budget_flops)} ${o.side}`).join(", ")}): the allocation there comes from the form of the surface, not from runs around it`);
    }
  }
  const boot = input.bootstrap[key];
  if (!boot || boot.resamples < MIN_RESAMPLES) {
    reasons.push(boot ? `${boot.resamples} bootstrap resamples are too few to test it (at least ${MIN_RESAMPLES})` : `not bootstrapped: its intervals were not measured (bootstrap ≥ ${MIN_RESAMPLES} resamples)`);
  }
  if (boot) {
    const share = (boot.resamples - boot.failed) / boot.resamples;
    measures.law_share = share;
    measures.a_interval = interval(boot.intervals.a);
    if (share < MIN_LAW_SHARE) reasons.push(`only ${boot.resamples - boot.failed} of ${boot.resamples} bootstrap resamples gave a law (fewer than ${Math.round(100 * MIN_LAW_SHARE)}%)`);
    const a = boot.intervals.a;
    if (a && a.hi - a.lo > MAX_A_WIDTH) reasons.push(`a's 95% interval ${show(a)} is ${(a.hi - a.lo).toFixed(2)} wide (more than ${MAX_A_WIDTH})`);
    if (key === "3") {
      measures.alpha_interval = interval(boot.intervals.alpha);
      measures.beta_interval = interval(boot.intervals.beta);
      for (const [name, i] of [["alpha", boot.intervals.alpha], ["beta", boot.intervals.beta]] as const) {
        if (i && (i.lo <= 0 || i.hi > MAX_EXPONENT)) reasons.push(`${name}'s 95% interval ${show(i)} reaches beyond (0, ${MAX_EXPONENT}]`);
      }
    }
    input.testBudgets.forEach((budget, i) => {
      const n = boot.intervals.n_opt[i];
      if (!n || !(n.lo > 0)) return;
      const ratio = n.hi / n.lo;
      measures.n_opt.push({ budget_flops: budget, lo: n.lo, hi: n.hi, ratio });
      if (ratio > MAX_N_RATIO) reasons.push(`N*(${formatScientific(budget)})'s 95% interval [${formatScientific(n.lo)}, ${formatScientific(n.hi)}] spans ×${ratio.toPrecision(3)} (more than ×${MAX_N_RATIO})`);
    });
  }
  if (key === "2") {
    const fit = result as Approach2Result;
    const residual = parabolaResidualSd(fit, input.groups);
    measures.residual_ratio = noise && residual !== null ? residual / noise.sd : null;
    if (noise && residual !== null && residual > MAX_RESIDUAL_RATIO * noise.sd) {
      reasons.push(`the parabolas' residuals (${(100 * residual).toFixed(2)}% of the loss) are ${(residual / noise.sd).toFixed(1)}× the seed-to-seed noise (${(100 * noise.sd).toFixed(2)}%): a parabola misses the profiles' shape`);
    }
    const sd = noise?.sd ?? residual ?? 0;
    measures.vertices_below = verticesBelow(fit, input.groups, sd);
    for (const v of measures.vertices_below) {
      reasons.push(`budget ${formatScientific(v.budget_flops)}: the parabola's minimum lies ${v.gap.toPrecision(3)} below the best run, more than the noise and the spacing of sizes allow (${v.allowed.toPrecision(3)})`);
    }
  }
  if (key === "1") {
    for (const o of (result as Approach1Result).optima) {
      if (o.at_edge) reasons.push(`budget ${formatScientific(o.budget_flops)}: its best run is at an end of the sampled sizes, so the envelope may miss the optimum`);
    }
  }
  return { determined: reasons.length === 0, reasons, measures };
}

/** A determined approach's figures, in words. */
function figures(key: Key, d: ApproachDetermination): string {
  const parts: string[] = [];
  if (d.measures.law_share !== null) parts.push(`${Math.round(100 * d.measures.law_share)}% of resamples gave a law`);
  if (d.measures.a_interval) parts.push(`a's 95% interval ${show(d.measures.a_interval)}`);
  for (const n of d.measures.n_opt) parts.push(`N*(${formatScientific(n.budget_flops)}) within ×${n.ratio.toPrecision(3)}`);
  return `approach ${key} is determined${parts.length ? `: ${parts.join(", ")}` : ""}`;
}

/** The outcome of the test: the overall verdict (fit.json's `determination`) and each approach's (its `determination`). */
export interface DeterminationOutcome {
  verdict: Determination;
  approaches: Partial<Record<Key, ApproachDetermination>>;
}

/** The test on every fitted approach (the input is not changed). */
export function determine(input: DeterminationInput): DeterminationOutcome {
  const noise = seedNoise(input.groups);
  const verdicts: Partial<Record<Key, ApproachDetermination>> = {};
  for (const key of ["1", "2", "3"] as const) {
    const verdict = judge(key, input, noise);
    if (verdict) verdicts[key] = verdict;
  }
  const keys = (Object.keys(verdicts) as Key[]).sort();
  const determined = keys.filter((k) => verdicts[k]!.determined);
  const reasons = determined.length > 0
    ? determined.map((k) => figures(k, verdicts[k]!))
    : keys.length === 0 ? ["no approach was fitted"] : keys.flatMap((k) => verdicts[k]!.reasons.map((r) => `approach ${k}: ${r}`));
  const verdict: Determination = {
    determined: determined.length > 0,
    reasons,
    test_budgets: [...input.testBudgets],
    noise_floor: noise,
    suggestions: determined.length > 0 ? [] : suggestRuns(input, verdicts, noise),
  };
  return { verdict, approaches: verdicts };
}

/** The budgets N*(C) is tested at: those asked for, else 10× the largest observed (the table's first extrapolated row). */
export function testBudgets(predict: readonly number[], observed: readonly number[]): number[] {
  if (predict.length > 0) return [...predict];
  return observed.length > 0 ? [10 * (observed[observed.length - 1] as number)] : [];
}
