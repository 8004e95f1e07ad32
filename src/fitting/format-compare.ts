/**
 * The comparison as text for the terminal (`flops-fit compare`, the end of a `sweep` with
 * `compare_to`): the headline multiplier, the table of k(C) and ΔL*, whether the exponents
 * differ, both fits and the cross-check, and the verdict. An undetermined comparison says so
 * on the headline, in every table row and in the verdict, as `fit` does. Plain text.
 */
import { formatMultiplier, type Comparison, type MultiplierRow, type SurfaceSummary, type SweepSummary } from "./compare.js";
import { fromFewResamples, type Estimate } from "./compare-estimates.js";
import { formatScientific, formatSignificant } from "./format-number.js";
import { FEW_RESAMPLES_MARK, formatSuggestion } from "./format-verdict.js";

const level = (c: Comparison) => `${Math.round(c.confidence * 1000) / 10}%`;

function signed(e: Estimate, digits = 3): string {
  if (e.value === null) return "n/a";
  const show = (x: number) => `${x >= 0 ? "+" : "−"}${formatSignificant(Math.abs(x), digits)}`;
  return e.lo === null || e.hi === null ? show(e.value) : `${show(e.value)} [${show(e.lo)}, ${show(e.hi)}]`;
}

function sweepLine(name: string, s: SweepSummary): string {
  const budgets = s.observed_budgets.length ? `${s.observed_budgets.length} budgets ${formatScientific(s.observed_budgets[0]!)}–${formatScientific(s.observed_budgets.at(-1)!)}` : "no budgets";
  const approaches = (["3", "2", "1"] as const).filter((k) => s.approaches[k] !== undefined).map((k) => `approach ${k} ${s.approaches[k] ? "determined" : "not determined"}`).join(", ");
  return `  ${name}: ${s.source ?? "(runs)"}: ${s.n_points} runs, ${budgets}; ${s.determined ? "determined" : "UNDETERMINED"} (${approaches})`;
}

function surfaceLine(name: string, s: SurfaceSummary | null): string {
  if (!s) return `  ${name}: no law`;
  return `  ${name}: L = ${formatSignificant(s.E, 4)} + ${formatSignificant(s.A, 4)}/N^${s.alpha.toFixed(4)} + ${formatSignificant(s.B, 4)}/D^${s.beta.toFixed(4)}   (a = ${s.a.toFixed(4)}, γ = ${s.gamma.toFixed(4)})`;
}

/** The multiplier table of one fit, marked undetermined and † where its intervals come from too few resamples. */
export function multiplierTable(rows: readonly MultiplierRow[], determined: boolean): string[] {
  const lines = ["| Budget C (FLOPs) | k(C) | ΔL* = L*variant − L*baseline | L* baseline | L* variant | Range |", "|---:|---:|---:|---:|---:|---:|"];
  for (const row of rows) {
    const mark = fromFewResamples(row) ? FEW_RESAMPLES_MARK : "";
    const range = `${row.extrapolated ? "extrapolated" : "within data"}${determined ? "" : ", UNDETERMINED"}`;
    lines.push(`| ${formatScientific(row.budget_flops)} | ${formatMultiplier(row)}${mark} | ${signed(row.delta_loss, 3)} | ${formatSignificant(row.loss_baseline, 4)} | ${formatSignificant(row.loss_variant, 4)} | ${range} |`);
  }
  return lines;
}

/** One sentence: what the variant is worth, at every budget (shared) or per budget (free). */
export function headline(c: Comparison): string {
  const rows = c.multiplier;
  if (c.answer === null || rows.length === 0) return `No multiplier: ${c.answer_reason}.`;
  const mark = c.determined ? "" : " (UNDETERMINED: not an answer the runs support)";
  const shown = (r: MultiplierRow) => (r.value === null ? `no multiplier at ${formatScientific(r.budget_flops)} (${r.note ?? "none"})` : `${formatMultiplier(r)} at ${formatScientific(r.budget_flops)}`);
  if (c.answer === "shared" && rows[0]!.value !== null) {
    // One k at every budget; its intervals widen with C where resamples choose the free fits.
    const intervals = rows.map((r) => `${formatMultiplier({ ...r, value: r.value }).replace(/^[^ ]+ /, "")} at ${formatScientific(r.budget_flops)}`).join(", ");
    return `The variant is worth ${formatMultiplier({ ...rows[0]!, lo: null, hi: null })} compute at every budget (${level(c)} intervals ${intervals})${mark}.`;
  }
  const crossing = c.crossing.budgets.length ? `; its L*(C) crosses the baseline's at C ≈ ${c.crossing.budgets.map((b) => formatScientific(b)).join(", ")}` : "";
  return `The variant is worth ${rows.map(shown).join(", ")} (${level(c)} intervals)${crossing}${mark}.`;
}

export function formatComparison(c: Comparison): string {
  const lines: string[] = [];
  lines.push(`Comparing the variant with the baseline (compute counts ${c.compute === "6ND" ? "6·N·D" : "the measured FLOPs"}; ${c.resamples} resamples of each sweep's runs, drawn independently):`);
  lines.push(sweepLine("baseline", c.baseline), sweepLine("variant", c.variant), "");
  const e = c.exponents;
  lines.push(`Do the shapes differ? ${e.reason}.`);
  if (e.test) lines.push(`  shape test: D = ${formatSignificant(e.test.statistic, 3)} (objective freed of shared E, α, β), p = ${e.test.p_value.toPrecision(2)}; ${Math.round(100 * (e.free_share ?? 0))}% of the resamples chose the free fits`);
  lines.push(`  free fits, variant − baseline (95%): Δa = ${signed(e.delta_a, 3)}, Δγ = ${signed(e.delta_gamma, 3)}, ΔE = ${signed(e.delta_E, 3)}`, "");
  lines.push("Shared-exponent fit (one E, α, β; each sweep its own A, B):");
  lines.push(surfaceLine("baseline", c.shared.baseline), surfaceLine("variant", c.shared.variant));
  lines.push("Free fits (approach 3 on each sweep):");
  lines.push(surfaceLine("baseline", c.free.baseline), surfaceLine("variant", c.free.variant), "");
  const answer = c.answer === "shared" ? "shared-exponent fit" : c.answer === "free" ? "free fits" : "none";
  lines.push(`Effective-compute multiplier k(C): the baseline needs k·C to reach the variant's L*(C). Answer: the ${answer}${c.determined ? "" : " (UNDETERMINED)"}; every resample answers with the fit its own shape statistic selects.`);
  lines.push(...multiplierTable(c.multiplier, c.determined));
  for (const row of c.multiplier) if (row.note) lines.push(`  ${formatScientific(row.budget_flops)}: ${row.note}`);
  lines.push("", headline(c));
  if (c.answer === "free") {
    lines.push(c.crossing.budgets.length
      ? `The two L*(C) cross at ${c.crossing.budgets.map((b) => formatScientific(b)).join(", ")} (between ${formatScientific(c.crossing.range[0])} and ${formatScientific(c.crossing.range[1])}; ${Math.round(100 * (c.crossing.share ?? 0))}% of resamples cross there).`
      : `The two L*(C) do not cross between ${formatScientific(c.crossing.range[0])} and ${formatScientific(c.crossing.range[1])}${c.crossing.share !== null ? ` (${Math.round(100 * c.crossing.share)}% of resamples do)` : ""}.`);
  }
  const other = c.answer === "shared" ? ["free fits (k depends on C)", c.free.multiplier] as const : ["shared-exponent fit", c.shared.multiplier] as const;
  if (other[1].length) lines.push("", `Beside it, the ${other[0]}: ${other[1].map((r) => `${formatMultiplier(r)} at ${formatScientific(r.budget_flops)}`).join(", ")}.`);
  if (c.approach2) lines.push(`Cross-check, approach 2's L*(C) = E + k·C^(−γ) per sweep (${c.approach2.determined ? "determined on both" : "not determined on both"}): ${c.approach2.multiplier.map((r) => `${formatMultiplier(r)} at ${formatScientific(r.budget_flops)}`).join(", ")}.`);
  lines.push("");
  if (c.determined) lines.push(`Verdict: determined (${c.reasons.join("; ")}).`);
  else {
    lines.push("Verdict: UNDETERMINED: a comparison of laws the runs do not determine is not an answer. Why:", ...c.reasons.map((r) => `  - ${r}`));
    const suggestions = [...c.baseline.suggestions.map((s) => `baseline: ${formatSuggestion(s)}`), ...c.variant.suggestions.map((s) => `variant: ${formatSuggestion(s)}`)];
    if (suggestions.length) lines.push("What would determine it:", ...suggestions.map((s) => `  - ${s}`));
  }
  if (c.multiplier.some(fromFewResamples)) lines.push(`${FEW_RESAMPLES_MARK} from fewer than 90% of the resamples (the rest gave no law): not a ${level(c)} interval.`);
  if (c.warnings.length) lines.push("", "Warnings:", ...c.warnings.map((w) => `  - ${w}`));
  return lines.join("\n");
}
