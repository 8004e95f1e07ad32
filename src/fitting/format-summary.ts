/**
 * The human summary of a fit, for the terminal: each approach's laws with their intervals,
 * refused budgets with reasons, predictions, exclusions and warnings. Plain text, no colour.
 */
import { formatScientific, formatSignificant } from "./format-number.js";
import type { Approach1Result, Approach2Result, Approach3Result, Exclusion, FitResult, Interval, LossLaw, PowerLaw } from "./types.js";

const percent = (confidence: number) => `${Math.round(confidence * 1000) / 10}%`;

function withInterval(value: number | null, interval: Interval | undefined, digits = 4): string {
  const text = formatSignificant(value, digits);
  return interval ? `${text} [${formatSignificant(interval.lo, digits)}, ${formatSignificant(interval.hi, digits)}]` : text;
}

function lawLine(name: string, law: PowerLaw, exponent: Interval | undefined): string {
  return `  ${name} = ${formatScientific(law.coefficient, 4)} · C^${withInterval(law.exponent, exponent)}`;
}

/** L*(C) = E + k·C^c, or k·C^c for a law without a floor (too few budgets, an older fit.json). */
function lossLawLine(law: LossLaw, intervals: Record<string, Interval>): string {
  const power = `${formatScientific(law.coefficient, 4)} · C^${withInterval(law.exponent, intervals.loss_opt_exponent)}`;
  if (law.floor === undefined) return `  L*(C) = ${power}   (no floor: extrapolated, runs low)`;
  return `  L*(C) = ${withInterval(law.floor, intervals.loss_opt_floor)} + ${power}`;
}

function lawsSection(result: Approach1Result | Approach2Result, lines: string[]): void {
  if (!result.laws) return;
  const iv = result.intervals ?? {};
  lines.push(lawLine("N*(C)", result.laws.n_opt, iv.a));
  lines.push(lawLine("D*(C)", result.laws.d_opt, iv.b));
  lines.push(lossLawLine(result.laws.loss_opt, iv));
}

function approach1Section(result: Approach1Result): string[] {
  const lines = [`Approach 1 (envelope: lowest loss per budget; ${result.optima.length} budgets)`];
  lawsSection(result, lines);
  if (result.status !== "fitted") lines.push("  no law");
  return lines;
}

function approach2Section(result: Approach2Result): string[] {
  const used = result.budgets.filter((b) => b.status === "used").length;
  const lines = [`Approach 2 (IsoFLOP parabolas in log N; ${used} of ${result.budgets.length} budgets used)`];
  lawsSection(result, lines);
  if (result.status !== "fitted") lines.push("  no law");
  for (const budget of result.budgets) {
    if (budget.status === "refused") lines.push(`  refused ${formatScientific(budget.budget_flops)}: ${budget.reason}`);
  }
  return lines;
}

function approach3Section(result: Approach3Result): string[] {
  const optimizer = result.optimizer;
  const how = optimizer
    ? `; ${optimizer.method} L-BFGS, ${optimizer.distinct_starts} distinct of ${optimizer.starts} starts, ${optimizer.status} in ${optimizer.iterations} iterations`
    : "";
  const lines = [`Approach 3 (L = E + A/N^alpha + B/D^beta, Huber ${result.huber_delta} on log loss${how})`];
  if (result.E === null) {
    lines.push("  no fit");
    return lines;
  }
  const iv = result.intervals ?? {};
  lines.push(
    `  L(N, D) = ${formatSignificant(result.E)} + ${formatSignificant(result.A)}/N^${formatSignificant(result.alpha)} + ${formatSignificant(result.B)}/D^${formatSignificant(result.beta)}   (objective ${formatScientific(result.objective ?? NaN, 6)})`,
  );
  lines.push(`  alpha ${withInterval(result.alpha, iv.alpha)}   beta ${withInterval(result.beta, iv.beta)}   E ${withInterval(result.E, iv.E)}`);
  const allocation = result.allocation;
  const over = allocation ? ` over ${formatScientific(allocation.exponent_budgets[0])}–${formatScientific(allocation.exponent_budgets[1])} at the runs' measured FLOPs per token (under 6·N·D: a = ${formatSignificant(allocation.a_6nd)})` : "";
  if (result.a !== null) lines.push(`  N* ∝ C^${withInterval(result.a, iv.a)}   D* ∝ C^${withInterval(result.b, iv.b)}${over}`);
  else lines.push("  no law");
  if (result.checks && !result.checks.passed) lines.push(`  FAILED ITS CHECKS (does not answer): ${result.checks.problems.join("; ")}`);
  return lines;
}

/**
 * A fit to summarise: the engine's result, or a run directory's fit (fit.json), which
 * lists every run not fitted, the engine's exclusions among them, under `left_out`.
 */
export type SummarisedFit = Omit<FitResult, "exclusions"> & ({ exclusions: Exclusion[] } | { left_out: Exclusion[] });

export function formatFitSummary(result: SummarisedFit): string {
  const excluded = "left_out" in result ? result.left_out : result.exclusions;
  const lines: string[] = [];
  const convention = result.param_convention ? `, N = ${result.param_convention.replace("_", "-")} parameters` : "";
  lines.push(`Fitted ${result.n_points} runs in ${result.n_budgets} budgets${convention}; ${excluded.length} excluded.`);
  if (result.bootstrap) lines.push(`Intervals: ${percent(result.bootstrap.confidence)} bootstrap percentiles over ${result.bootstrap.resamples} resamples (seed ${result.bootstrap.seed}).`);
  const sections: string[][] = [];
  if (result.approaches["1"]) sections.push(approach1Section(result.approaches["1"]));
  if (result.approaches["2"]) sections.push(approach2Section(result.approaches["2"]));
  if (result.approaches["3"]) sections.push(approach3Section(result.approaches["3"]));
  for (const section of sections) lines.push("", ...section);
  if (result.preferred_reason) {
    lines.push("", result.preferred_approach === null ? `Answer: none (${result.preferred_reason}).` : `Answer: approach ${result.preferred_approach}, because ${result.preferred_reason}.`);
  }
  if (result.predictions.length > 0) {
    const ratio = result.budget_over_6nd;
    const sixND = result.preferred_approach === 3 && !result.approaches["3"]?.allocation && ratio && Number.isFinite(ratio.min) && Number.isFinite(ratio.max) && (ratio.min < 0.99 || ratio.max > 1.01) ? "; C counted as 6·N·D, unlike the runs' budgets" : "";
    lines.push("", `Compute-optimal predictions (approach ${result.preferred_approach}${sixND}):`);
    for (const p of result.predictions) {
      const iv = p.intervals;
      const marker = p.extrapolated ? "  (extrapolated: outside the fitted budgets)" : "";
      lines.push(
        `  C = ${formatScientific(p.budget_flops)}: N* = ${withInterval(p.n_params, iv?.n_params, 3)}, D* = ${withInterval(p.n_tokens, iv?.n_tokens, 3)}, D*/N* = ${formatSignificant(p.tokens_per_param, 3)}, L* = ${withInterval(p.loss, iv?.loss)}${marker}`,
      );
    }
  }
  if (excluded.length > 0) {
    lines.push("", "Excluded runs:");
    for (const e of excluded.slice(0, 10)) lines.push(`  ${e.experiment_id ?? `N=${formatScientific(e.n_params ?? NaN)}`}: ${e.reason}`);
    if (excluded.length > 10) lines.push(`  … and ${excluded.length - 10} more`);
  }
  if (result.warnings.length > 0) {
    lines.push("", "Warnings:");
    for (const warning of result.warnings) lines.push(`  - ${warning}`);
  }
  return lines.join("\n");
}
