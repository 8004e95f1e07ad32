/**
 * What an adaptive sweep (docs/adaptive.md) starts from and chooses among (pure):
 *
 * - the **seed design**: the SEED_BUDGETS smallest configured budgets, SEED_SIZES sizes each,
 *   spread over the planner's window as a grid budget's are (iso-flop.ts). Three budgets of
 *   three sizes are what approach 2 needs to fit at all (three IsoFLOP parabolas) and give
 *   approach 3 more runs than its five parameters; they are the cheapest the config allows.
 * - the **candidate budgets**: every configured budget, the ladder continued one rung below
 *   the smallest (LOWER_BUDGETS) and up to EXTRA_BUDGETS rungs above the largest (each below
 *   the target), at the configured spacing. Larger budgets cost more and lever the
 *   extrapolation more; smaller ones are cheap, and under the Chinchilla form a cheap run far
 *   from its optimum measures α and β as well as a dear one: the policy weighs both per FLOP.
 *   One rung below keeps the new models within a step of the sizes the config chose (the form
 *   may not hold at much smaller scales).
 * - the **candidate cells** at a budget: the probed sizes within ×span of its prior optimum
 *   (as the grid plans) or of the fit's current N*(C) (where the runs say it is).
 */
import type { LossSurface } from "../fitting/allocation.js";
import { paramsUnder, plannedExperiment, priorOptimalParams, type PlanOptions, type PlannedExperiment, type SizeProbe } from "./iso-flop.js";

/** Budgets and sizes per budget of the seed design. */
export const SEED_BUDGETS = 3;
export const SEED_SIZES = 3;
/** Rungs of the budget ladder added above the largest configured budget, and below the smallest. */
export const EXTRA_BUDGETS = 3;
export const LOWER_BUDGETS = 1;

/** The seed design's budgets: the SEED_BUDGETS smallest configured ones. */
export function seedBudgets(budgets: readonly number[]): number[] {
  return [...budgets].sort((a, b) => a - b).slice(0, SEED_BUDGETS);
}

/** The plan options of the seed design: the grid planner on its budgets, SEED_SIZES sizes each. */
export function seedPlanOptions(options: PlanOptions): PlanOptions {
  return { ...options, budgets: seedBudgets(options.budgets), sizesPerBudget: SEED_SIZES };
}

/** Geometric mean ratio between neighbouring distinct budgets (2 with fewer than two). */
export function budgetStep(budgets: readonly number[]): number {
  const sorted = [...new Set(budgets)].sort((a, b) => a - b);
  if (sorted.length < 2) return 2;
  return (sorted[sorted.length - 1]! / sorted[0]!) ** (1 / (sorted.length - 1));
}

/** Rounded to 3 significant digits, as the suggestions of fitting/suggestions.ts are. */
const rung = (budget: number) => Number(budget.toPrecision(3));

/** The configured budgets, LOWER_BUDGETS rungs below and up to EXTRA_BUDGETS rungs above them (each below `target`); ascending. */
export function candidateBudgets(configured: readonly number[], target: number): number[] {
  const sorted = [...new Set(configured)].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const step = budgetStep(sorted);
  const lower = Array.from({ length: LOWER_BUDGETS }, (_, i) => rung(sorted[0]! / step ** (LOWER_BUDGETS - i)));
  const upper: number[] = [];
  for (let k = 1; k <= EXTRA_BUDGETS; k++) {
    const budget = rung(sorted[sorted.length - 1]! * step ** k);
    if (budget >= target * (1 - 1e-9)) break;
    upper.push(budget);
  }
  return [...lower, ...sorted, ...upper];
}

/**
 * The runs the sweep could add at `budgets`: every probed size within ×span of the budget's
 * prior optimum or of `fitted(budget)` (the fit's N*(C), when it has one), planned as the grid
 * plans a run (D = C / FLOPs per token). Sizes without a positive N are skipped.
 */
export function candidateCells(probes: readonly SizeProbe[], options: Pick<PlanOptions, "tokensPerParam" | "span" | "paramConvention" | "flops">, budgets: readonly number[], fitted: (budget: number) => number | null): PlannedExperiment[] {
  const sizes = probes.map((probe) => ({ probe, n: paramsUnder(options.paramConvention, probe) })).filter((s) => s.n > 0);
  return budgets.flatMap((budget) => {
    const prior = priorOptimalParams(budget, options.tokensPerParam);
    const centres = [prior, fitted(budget)].filter((c): c is number => c !== null && Number.isFinite(c) && c > 0);
    const inside = (n: number) => centres.some((c) => n >= c / options.span && n <= c * options.span);
    return sizes.filter((s) => inside(s.n)).map((s) => plannedExperiment(budget, s.probe, options, prior));
  });
}

/**
 * The surface the policy scores at while no fitted surface is plausible: Hoffmann et al.'s
 * (2022) E, B, α, β, with A set so that its compute-optimal model at `budget` sees
 * `tokensPerParam` tokens per parameter, as the plan assumes. Under C = 6·N·D the optimum
 * is N* = G·(C/6)^a with a = β/(α+β) and G = (αA/(βB))^(1/(α+β)), so
 * A = (βB/α)·G^(α+β) with G = sqrt(C/(6r)) / (C/6)^a.
 */
export function priorSurface(tokensPerParam: number, budget: number): LossSurface {
  const E = 1.69;
  const B = 410.7;
  const alpha = 0.34;
  const beta = 0.28;
  const a = beta / (alpha + beta);
  const g = priorOptimalParams(budget, tokensPerParam) / (budget / 6) ** a;
  return { E, A: ((beta * B) / alpha) * g ** (alpha + beta), B, alpha, beta };
}

/**
 * Whether a candidate may be run when no fit can aim the sweep (approach 3 gave no law, or no
 * surface that passes its checks, so the runs are scored at the prior): a new cell at a
 * configured budget. Scored at the prior per FLOP, the rung below the configured budgets and
 * repeats of a cheap cell win, and those are where a degenerate law stays degenerate (on a real
 * quickstart-class sweep 39 of 45 unaimed decisions went there; docs/adaptive.md). Held to
 * these, an unaimed adaptive sweep spends as the grid would, its cheapest budget first.
 */
export function unaimedCandidate(kind: "cell" | "seed" | "branch", budget: number, configured: readonly number[]): boolean {
  if (kind === "seed" || configured.length === 0) return false;
  const tolerance = 1e-9;
  return budget >= Math.min(...configured) * (1 - tolerance) && budget <= Math.max(...configured) * (1 + tolerance);
}
