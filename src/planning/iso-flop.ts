/**
 * The IsoFLOP plan (pure): for each compute budget C, model sizes whose N lies within a
 * fixed factor of the predicted compute-optimal N*(C), each trained for D = C / (FLOPs per
 * token) tokens.
 *
 * Centring every budget's grid on its own N*(C) — not one absolute N range for all
 * budgets — is what keeps Approach 2's exponent unbiased (docs/methods.md §4, §5.1): a grid
 * off-centre by a constant factor only biases the intercept, a drifting one biases `a`.
 * The prior is D/N = tokens_per_param (Chinchilla ≈ 20): C = 6·N·D = 6·r·N², so
 * N*(C) = sqrt(C / (6r)).
 */
import type { ParamConvention } from "../fitting/index.js";
import { sharedLadderPicks } from "./wsd.js";

/** What the probe measured for one size value. */
export interface SizeProbe {
  size_value: number;
  n_params: number;
  n_params_embedding: number;
  n_params_non_embedding: number;
  /** Training FLOPs per token (forward + backward) measured by torch; null = use 6·N. */
  flops_per_token: number | null;
  /** Why the measurement failed, when it did. */
  flops_error?: string | null;
}

export interface PlanOptions {
  budgets: number[];
  sizesPerBudget: number;
  tokensPerParam: number;
  /** Sizes span N_opt/span .. N_opt·span. */
  span: number;
  /** Which count is N: "total" or "non_embedding" (docs/methods.md §5.5). */
  paramConvention: ParamConvention;
  /** "measured" uses the probe's FLOPs per token for D = C / flops_per_token; "6nd" uses 6·N. */
  flops: "measured" | "6nd";
  /** Put every budget's sizes on one shared ladder, so budgets share sizes (WSD trunks; planning/wsd.ts). */
  shareSizes?: boolean;
}

export interface PlannedExperiment {
  budget_flops: number;
  size_value: number;
  /** N under the chosen convention. */
  n_params: number;
  n_params_total: number;
  n_params_embedding: number;
  /** Planned token budget D. */
  n_tokens: number;
  tokens_per_param: number;
  flops_per_token: number;
  /** Where this N sits relative to the prior N*(C) (1 = at the predicted optimum). */
  n_over_prior_opt: number;
}

export interface BudgetPlan {
  budget_flops: number;
  prior_n_opt: number;
  n_range: [number, number];
  experiments: PlannedExperiment[];
}

export interface SweepPlan {
  budgets: BudgetPlan[];
  warnings: string[];
}

export function paramsUnder(convention: PlanOptions["paramConvention"], probe: SizeProbe): number {
  return convention === "total" ? probe.n_params : probe.n_params_non_embedding;
}

/** Chinchilla-style prior for the compute-optimal N at budget C: sqrt(C / (6r)). */
export function priorOptimalParams(budgetFlops: number, tokensPerParam: number): number {
  return Math.sqrt(budgetFlops / (6 * tokensPerParam));
}

/** Picks `count` probes spread log-uniformly over [lo, hi], nearest candidate to each target. */
function spreadInWindow(candidates: Array<{ probe: SizeProbe; n: number }>, lo: number, hi: number, count: number) {
  const inside = candidates.filter((c) => c.n >= lo && c.n <= hi);
  if (inside.length <= count) return inside;
  const chosen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const target = Math.log(lo) + (Math.log(hi / lo) * i) / (count - 1);
    let best = -1;
    let bestDistance = Infinity;
    inside.forEach((c, index) => {
      const distance = Math.abs(Math.log(c.n) - target);
      if (!chosen.has(index) && distance < bestDistance) {
        best = index;
        bestDistance = distance;
      }
    });
    if (best >= 0) chosen.add(best);
  }
  return [...chosen].sort((a, b) => a - b).map((index) => inside[index]!);
}

export function planIsoFlopSweep(probes: SizeProbe[], options: PlanOptions): SweepPlan {
  const warnings: string[] = [];
  const candidates = probes
    .map((probe) => ({ probe, n: paramsUnder(options.paramConvention, probe) }))
    .filter((c) => c.n > 0)
    .sort((a, b) => a.n - b.n);
  if (candidates.length === 0) return { budgets: [], warnings: ["no size value gave a model with parameters"] };
  const smallest = candidates[0]!.n;
  const largest = candidates[candidates.length - 1]!.n;
  const budgets: BudgetPlan[] = [];
  const sortedBudgets = [...options.budgets].sort((a, b) => a - b);
  const ladder = options.shareSizes
    ? sharedLadderPicks(candidates.map((c) => c.n), sortedBudgets.map((b) => priorOptimalParams(b, options.tokensPerParam)), options.span, options.sizesPerBudget)
    : null;
  for (const [budgetIndex, budget] of sortedBudgets.entries()) {
    const prior = priorOptimalParams(budget, options.tokensPerParam);
    const lo = prior / options.span;
    const hi = prior * options.span;
    const picked = ladder ? ladder[budgetIndex]!.map((index) => candidates[index]!) : spreadInWindow(candidates, lo, hi, options.sizesPerBudget);
    const label = budget.toExponential(2);
    if (lo < smallest || hi > largest) {
      warnings.push(
        `budget ${label}: the window N* ${options.span}x = [${fmt(lo)}, ${fmt(hi)}] params reaches past the probed sizes ` +
          `[${fmt(smallest)}, ${fmt(largest)}]; widen planning.size_values`,
      );
    }
    if (picked.length < options.sizesPerBudget) {
      warnings.push(`budget ${label}: only ${picked.length} of ${options.sizesPerBudget} sizes fall within ${options.span}x of N* = ${fmt(prior)}; add size values or widen span`);
    }
    for (const { probe } of picked) {
      if (options.flops === "measured" && probe.flops_error) {
        warnings.push(`size ${probe.size_value}: FLOPs per token could not be measured (${probe.flops_error.split("\n")[0]}); planned with 6·N`);
      }
    }
    const experiments = picked.map(({ probe }) => plannedExperiment(budget, probe, options, prior));
    budgets.push({ budget_flops: budget, prior_n_opt: prior, n_range: [lo, hi], experiments });
  }
  return { budgets, warnings };
}

/** One run of `budget` at the probed size: D = C / (FLOPs per token). */
export function plannedExperiment(budget: number, probe: SizeProbe, options: Pick<PlanOptions, "flops" | "paramConvention">, priorOptimum: number): PlannedExperiment {
  const n = paramsUnder(options.paramConvention, probe);
  const flopsPerToken = options.flops === "measured" && probe.flops_per_token ? probe.flops_per_token : 6 * n;
  const nTokens = budget / flopsPerToken;
  return {
    budget_flops: budget,
    size_value: probe.size_value,
    n_params: n,
    n_params_total: probe.n_params,
    n_params_embedding: probe.n_params_embedding,
    n_tokens: nTokens,
    tokens_per_param: nTokens / n,
    flops_per_token: flopsPerToken,
    n_over_prior_opt: n / priorOptimum,
  };
}

function fmt(value: number): string {
  return value.toExponential(2);
}
