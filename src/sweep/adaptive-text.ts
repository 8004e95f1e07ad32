/**
 * The adaptive sweep in words (docs/adaptive.md): its policy (plan and the report show it), each
 * decision with its reason (the live progress), and why it stopped (the end of the sweep).
 */
import type { SweepConfig } from "../config/schema.js";
import { LOSS_WEIGHT } from "../planning/adaptive-policy.js";
import { SEED_BUDGETS, SEED_SIZES } from "../planning/adaptive-design.js";
import type { AdaptiveDecision, AdaptiveExpected, AdaptiveFitRecord } from "../store/adaptive-record.js";
import { sci } from "../util/table.js";

/** ±half-width in ln, with its ratio: "±0.312 (×1.87)". */
export const halfWidth = (w: number) => `±${w.toFixed(3)} (×${Math.exp(2 * w).toPrecision(3)})`;

/** The stopping rule in words. */
export function stoppingRule(planning: Pick<SweepConfig["planning"], "target_width" | "max_flops">): string {
  const rules = [
    planning.target_width !== undefined ? `N*'s 95% interval within ${halfWidth(planning.target_width)} in ln N, approach 3 determined` : null,
    planning.max_flops !== undefined ? `${sci(planning.max_flops)} FLOPs spent` : null,
  ].filter(Boolean);
  return rules.join(", or ");
}

/** The policy in words, for plan, adaptive.json and the report. */
export function policyText(config: SweepConfig): string {
  const p = config.planning;
  const wsd = config.training.schedule === "wsd" ? "; under WSD a size's next point is a cooldown branch of its trunk, priced at its marginal FLOPs" : "";
  return `seed design: the ${SEED_BUDGETS} smallest budgets × ${SEED_SIZES} sizes; then, after every run, approach 3 is fitted with its bootstrap and each free worker gets ` +
    `the candidate expected to shrink the 95% interval of ln N*(${sci(p.target_budget ?? NaN)}) (and, weighted ${LOSS_WEIGHT}, of ln L*) the most per FLOP ` +
    `(the fit linearised at its surface and bootstrap refits, those approach 3's checks pass; with none, at a prior surface with its optimum at ${p.tokens_per_param} tokens per parameter); candidates: every budget, one rung below and up to 3 above, sizes within ×${p.span} of the prior or fitted N*(C), ` +
    `another seed of a cell already run${wsd}; stops at ${stoppingRule(p)}`;
}

/** A decision's reason: what it is expected to take off each half-width, at what cost. */
export function reasonText(expected: AdaptiveExpected): string {
  const loss = expected.loss_opt_reduction === null ? "" : `, L* −${expected.loss_opt_reduction.toFixed(4)}`;
  return `expected N* −${expected.n_opt_reduction.toFixed(4)}${loss} (half-widths in ln) for ${sci(expected.cost_flops)} FLOPs`;
}

/** One line per decision, for the progress displays. */
export function decisionLine(decision: AdaptiveDecision, fit: AdaptiveFitRecord | undefined): string {
  const now = fit?.n_opt ? `N* ${halfWidth(fit.n_opt.half_width)}${fit.determined ? "" : " undetermined"}` : "no interval yet";
  const kind = decision.kind === "cell" ? "new cell" : decision.kind === "seed" ? `seed ${decision.seed}` : "WSD branch";
  const prior = decision.scored_at === "prior" ? " (scored at the prior surface: no plausible fit yet)" : "";
  return `adaptive: ${now} after ${sci(fit?.flops_spent ?? 0)} FLOPs → ${kind} C=${sci(decision.budget_flops)} N=${sci(decision.n_params)} (${decision.experiment_id}): ${reasonText(decision.expected)}${prior}`;
}
