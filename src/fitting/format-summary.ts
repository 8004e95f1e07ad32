/**
 * The human summary of a fit, for the terminal: what compute counts, each approach's laws
 * with their intervals and whether the runs determine them, refused budgets with reasons, the
 * answer and the verdict (what would determine an undetermined law), predictions, exclusions
 * and warnings. An interval from too few resamples is marked (format-verdict.ts), never shown
 * as a plain interval. Plain text, no colour.
 */
import { formatScientific, formatSignificant } from "./format-number.js";
import { FEW_RESAMPLES_MARK, fewResamples, fewResamplesNote, verdictLines } from "./format-verdict.js";
import type { Approach1Result, Approach2Result, Approach3Result, ApproachDetermination, Exclusion, FitResult, Interval, LossLaw, PowerLaw } from "./types.js";

const percent = (confidence: number) => `${Math.round(confidence * 1000) / 10}%`;

function withInterval(value: number | null, interval: Interval | undefined, digits = 4, mark = ""): string {
  const text = formatSignificant(value, digits);
  return interval ? `${text} [${formatSignificant(interval.lo, digits)}, ${formatSignificant(interval.hi, digits)}]${mark}` : text;
}

function lawLine(name: string, law: PowerLaw, exponent: Interval | undefined, mark: string): string {
  return `  ${name} = ${formatScientific(law.coefficient, 4)} · C^${withInterval(law.exponent, exponent, 4, mark)}`;
}

/** L*(C) = E + k·C^c, or k·C^c for a law without a floor (too few budgets, an older fit.json). */
function lossLawLine(law: LossLaw, intervals: Record<string, Interval>, mark: string): string {
  const power = `${formatScientific(law.coefficient, 4)} · C^${withInterval(law.exponent, intervals.loss_opt_exponent, 4, mark)}`;
  if (law.floor === undefined) return `  L*(C) = ${power}   (no floor: extrapolated, runs low)`;
  return `  L*(C) = ${withInterval(law.floor, intervals.loss_opt_floor, 4, mark)} + ${power}`;
}

function lawsSection(result: Approach1Result | Approach2Result, lines: string[], mark: string): void {
  if (!result.laws) return;
  const iv = result.intervals ?? {};
  lines.push(lawLine("N*(C)", result.laws.n_opt, iv.a, mark));
  lines.push(lawLine("D*(C)", result.laws.d_opt, iv.b, mark));
  lines.push(lossLawLine(result.laws.loss_opt, iv, mark));
}

/** Whether the runs determine the approach's law, in one line (none for a fit.json before the test). */
function determinationLine(d: ApproachDetermination | undefined): string[] {
  if (!d) return [];
  return [d.determined ? "  determined by the runs" : `  NOT DETERMINED: ${d.reasons.join("; ")}`];
}

function approach1Section(result: Approach1Result, mark: string): string[] {
  const lines = [`Approach 1 (envelope: lowest loss per budget; ${result.optima.length} budgets)`];
  lawsSection(result, lines, mark);
  if (result.status !== "fitted") lines.push("  no law");
  else lines.push(...determinationLine(result.determination));
  return lines;
}

function approach2Section(result: Approach2Result, mark: string): string[] {
  const used = result.budgets.filter((b) => b.status === "used").length;
  const lines = [`Approach 2 (IsoFLOP parabolas in log N; ${used} of ${result.budgets.length} budgets used)`];
  lawsSection(result, lines, mark);
  if (result.status !== "fitted") lines.push("  no law");
  else lines.push(...determinationLine(result.determination));
  for (const budget of result.budgets) {
    if (budget.status === "refused") lines.push(`  refused ${formatScientific(budget.budget_flops)}: ${budget.reason}`);
  }
  return lines;
}

function approach3Section(result: Approach3Result, mark: string): string[] {
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
  lines.push(`  alpha ${withInterval(result.alpha, iv.alpha, 4, mark)}   beta ${withInterval(result.beta, iv.beta, 4, mark)}   E ${withInterval(result.E, iv.E, 4, mark)}`);
  const allocation = result.allocation;
  const over = allocation ? ` (slopes over ${formatScientific(allocation.exponent_budgets[0])}–${formatScientific(allocation.exponent_budgets[1])} on the measured FLOPs; under 6·N·D, β/(α+β) = ${formatSignificant(allocation.a_6nd)})` : "   (a = β/(α+β), b = α/(α+β): C = 6·N·D)";
  if (result.a !== null) lines.push(`  N* ∝ C^${withInterval(result.a, iv.a, 4, mark)}   D* ∝ C^${withInterval(result.b, iv.b, 4, mark)}${over}`);
  else lines.push("  no law");
  if (result.status === "fitted") lines.push(...determinationLine(result.determination));
  if (result.checks && !result.checks.passed && !result.determination) lines.push(`  FAILED ITS CHECKS (does not answer): ${result.checks.problems.join("; ")}`);
  return lines;
}

/** What C counts, in one line: 6·N·D, or the measured FLOPs with the fitted φ(N). */
function computeLine(result: Pick<FitResult, "compute">): string | null {
  const compute = result.compute;
  if (!compute) return null;
  const phi = compute.flops_per_token;
  if (compute.accounting === "6ND" || !phi) return "Compute: C = 6·N·D (no measured FLOPs): approach 3 allocates in closed form, 6·N*·D* = C.";
  const form = `${formatSignificant(phi.r_inf, 4)} ${phi.k < 0 ? "−" : "+"} ${formatSignificant(Math.abs(phi.k), 4)}·N^−${formatSignificant(phi.gamma, 3)}`;
  return `Compute: the runs' measured FLOPs; FLOPs per parameter and token φ(N) = ${form} (fitted to ${phi.sizes} sizes, ${formatScientific(phi.n_range[0])}–${formatScientific(phi.n_range[1])}, residuals ${(100 * phi.rms_relative).toFixed(2)}% rms); D* = C/(φ(N*)·N*).`;
}

/** How far a prediction extrapolates φ beyond the measured sizes, or "". */
function phiNote(extrapolation: number | undefined): string {
  return extrapolation !== undefined && extrapolation > 1.0001 ? `, φ extrapolated ×${formatSignificant(extrapolation, 3)} beyond the measured sizes` : "";
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
  const compute = computeLine(result);
  if (compute) lines.push(compute);
  if (result.bootstrap) lines.push(`Intervals: ${percent(result.bootstrap.confidence)} bootstrap percentiles over ${result.bootstrap.resamples} resamples (seed ${result.bootstrap.seed}).`);
  const mark = (key: "1" | "2" | "3") => (fewResamples(result, key) ? FEW_RESAMPLES_MARK : "");
  const sections: string[][] = [];
  if (result.approaches["1"]) sections.push(approach1Section(result.approaches["1"], mark("1")));
  if (result.approaches["2"]) sections.push(approach2Section(result.approaches["2"], mark("2")));
  if (result.approaches["3"]) sections.push(approach3Section(result.approaches["3"], mark("3")));
  for (const section of sections) lines.push("", ...section);
  const notes = (["1", "2", "3"] as const).flatMap((key) => (result.approaches[key] ? [fewResamplesNote(result, key)] : [])).filter((n): n is string => n !== null);
  if (notes.length > 0) lines.push("", ...notes);
  const undetermined = result.determined === false;
  if (result.preferred_reason) {
    const answer = result.preferred_approach === null
      ? `Answer: none (${result.preferred_reason}).`
      : `Answer: approach ${result.preferred_approach}${undetermined ? " (UNDETERMINED: not an answer the runs support)" : ""}, because ${result.preferred_reason}.`;
    lines.push("", answer);
  }
  const verdict = verdictLines(result);
  if (verdict.length > 0) lines.push(...verdict);
  if (result.predictions.length > 0) {
    const key = String(result.preferred_approach) as "1" | "2" | "3";
    const m = mark(key);
    lines.push("", `Compute-optimal predictions (approach ${result.preferred_approach}${undetermined ? ", UNDETERMINED" : ""}):`);
    for (const p of result.predictions) {
      const iv = p.intervals;
      const marker = p.extrapolated ? "  (extrapolated: outside the fitted budgets)" : "";
      lines.push(
        `  C = ${formatScientific(p.budget_flops)}: N* = ${withInterval(p.n_params, iv?.n_params, 3, m)}, D* = ${withInterval(p.n_tokens, iv?.n_tokens, 3, m)}, D*/N* = ${formatSignificant(p.tokens_per_param, 3)}, L* = ${withInterval(p.loss, iv?.loss, 4, m)}${marker}${phiNote(p.phi_extrapolation)}`,
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
