/**
 * The comparison page (`flops-fit compare --out DIR`): one self-contained HTML file like the
 * sweep report (inline SVG and CSS, no scripts or requests): the headline, the multiplier
 * table, whether the shapes differ, both fits, the cross-check, each sweep's own verdict, the
 * figures. An undetermined comparison opens with a callout and marks every row. Pure.
 */
import { formatMultiplier, type Comparison, type MultiplierRow, type SurfaceSummary, type SweepSummary } from "../fitting/compare.js";
import { fromFewResamples, type Estimate } from "../fitting/compare-estimates.js";
import { headline } from "../fitting/format-compare.js";
import { FEW_RESAMPLES_MARK, formatSuggestion } from "../fitting/format-verdict.js";
import { formatBudget } from "./budget-color.js";
import { escapeHtml, formatNumber, htmlPage, htmlTable } from "./html.js";
import { figuresHtml, type RenderedFigure } from "./report-html.js";

const estimateHtml = (e: Estimate, digits = 3) =>
  e.value === null ? "–" : `${escapeHtml(formatNumber(e.value, digits))}${e.lo !== null ? ` <span class="ci">[${escapeHtml(formatNumber(e.lo, 3))}, ${e.hi === null ? "∞" : escapeHtml(formatNumber(e.hi, 3))}]</span>` : ""}`;

function multiplierHtml(rows: readonly MultiplierRow[], determined: boolean): string {
  return htmlTable(["Budget C (FLOPs)", "k(C)", "ΔL* (variant − baseline)", "L* baseline", "L* variant", "Range"], rows.map((r) => [
    escapeHtml(formatBudget(r.budget_flops)),
    `${escapeHtml(formatMultiplier(r))}${fromFewResamples(r) ? FEW_RESAMPLES_MARK : ""}${r.note ? `<br><span class="ci">${escapeHtml(r.note)}</span>` : ""}`,
    estimateHtml(r.delta_loss),
    escapeHtml(formatNumber(r.loss_baseline, 4)),
    escapeHtml(formatNumber(r.loss_variant, 4)),
    escapeHtml(`${r.extrapolated ? "extrapolated" : "within data"}${determined ? "" : ", UNDETERMINED"}`),
  ]), { numeric: [0, 1, 2, 3, 4] });
}

function surfacesHtml(c: Comparison): string {
  const fits: Array<[string, SurfaceSummary | null]> = [
    ["shared fit: baseline", c.shared.baseline], ["shared fit: variant", c.shared.variant],
    ["free fit: baseline", c.free.baseline], ["free fit: variant", c.free.variant],
  ];
  const cell = (s: SurfaceSummary | null, key: keyof SurfaceSummary) => (s ? escapeHtml(formatNumber(s[key], 4)) : "–");
  return htmlTable(["fit", "E", "A", "B", "α", "β", "a", "γ"], fits.map(([name, s]) => [escapeHtml(name), ...(["E", "A", "B", "alpha", "beta", "a", "gamma"] as const).map((k) => cell(s, k))]), { numeric: [1, 2, 3, 4, 5, 6, 7] });
}

function sweepsHtml(c: Comparison): string {
  const row = (name: string, s: SweepSummary) => [
    escapeHtml(name), `<code>${escapeHtml(s.source ?? "(runs)")}</code>`, String(s.n_points),
    escapeHtml(s.observed_budgets.map(formatBudget).join(", ")),
    escapeHtml(`${s.determined ? "determined" : "UNDETERMINED"} (${(["3", "2", "1"] as const).filter((k) => s.approaches[k] !== undefined).map((k) => `approach ${k} ${s.approaches[k] ? "determined" : "not"}`).join(", ")})`),
  ];
  return htmlTable(["sweep", "input", "runs", "budgets", "its own verdict"], [row("baseline", c.baseline), row("variant", c.variant)], { numeric: [2] });
}

export function compareHtml(c: Comparison, figures: RenderedFigure[], generatedAt: string): string {
  const level = `${Math.round(c.confidence * 1000) / 10}%`;
  const e = c.exponents;
  const suggestions = [...c.baseline.suggestions.map((s) => `baseline: ${formatSuggestion(s)}`), ...c.variant.suggestions.map((s) => `variant: ${formatSuggestion(s)}`)];
  const verdict = c.determined
    ? `<p>Verdict: determined (${escapeHtml(c.reasons.join("; "))}).</p>`
    : `<div class="callout"><strong>Undetermined.</strong> A comparison of laws the runs do not determine is not an answer; the numbers below are shown, marked. Why:<ul>${c.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join("")}</ul>` +
      `${suggestions.length ? `What would determine it:<ul>${suggestions.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul>` : ""}</div>`;
  const test = e.test ? `D = ${formatNumber(e.test.statistic, 3)}, p = ${formatNumber(e.test.p_value, 2)} (${e.test.simulations} simulations under shared shapes); ${Math.round(100 * (e.free_share ?? 0))}% of the resamples chose the free fits` : "not tested";
  const crossing = c.answer === "free"
    ? `<p>${c.crossing.budgets.length ? `The two L*(C) cross at ${escapeHtml(c.crossing.budgets.map(formatBudget).join(", "))}` : "The two L*(C) do not cross"} between ${escapeHtml(formatBudget(c.crossing.range[0]))} and ${escapeHtml(formatBudget(c.crossing.range[1]))}${c.crossing.share !== null ? ` (${Math.round(100 * c.crossing.share)}% of resamples cross there)` : ""}.</p>`
    : "";
  const other = (rows: readonly MultiplierRow[]) => rows.map((r) => `${formatMultiplier(r)} at ${formatBudget(r.budget_flops)}`).join(", ");
  const sections = [
    `<section id="answer"><h2>Answer</h2>${c.determined ? "" : verdict}<p><strong>${escapeHtml(headline(c))}</strong></p>
<p class="meta">k(C) = C_A/C: the baseline needs k·C to reach the variant's compute-optimal loss at C. The answer: ${escapeHtml(c.answer_reason)}. ${level} intervals from ${c.resamples} resamples of each sweep's runs, drawn independently; each resample answers with the fit its own test statistic selects.</p>
${multiplierHtml(c.multiplier, c.determined)}${crossing}${c.determined ? verdict : ""}</section>`,
    `<section id="shapes"><h2>Do the shapes differ?</h2><p>${escapeHtml(e.reason)}.</p><p class="meta">Shape test: ${escapeHtml(test)}. Free fits, variant − baseline (95%): Δa = ${estimateHtml(e.delta_a)}, Δγ = ${estimateHtml(e.delta_gamma)}, ΔE = ${estimateHtml(e.delta_E)}.</p>
${surfacesHtml(c)}
<p class="meta">Beside the answer: shared-exponent fit ${escapeHtml(other(c.shared.multiplier))}; free fits ${escapeHtml(other(c.free.multiplier))}${c.approach2 ? `; cross-check, approach 2's L*(C) = E + k·C^(−γ) (${c.approach2.determined ? "determined on both" : "not determined on both"}): ${escapeHtml(other(c.approach2.multiplier))}` : ""}.</p></section>`,
    `<section id="figures"><h2>Figures</h2>${figuresHtml(figures)}</section>`,
    `<section id="sweeps"><h2>The sweeps</h2>${sweepsHtml(c)}<p class="meta">Compute counts ${c.compute === "6ND" ? "6·N·D" : "the measured FLOPs"}.</p>${c.warnings.length ? `<ul class="warnings">${c.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul>` : ""}</section>`,
  ];
  return htmlPage("flops-fit compare", `<h1>flops-fit compare: is the variant worth it?</h1>
<p class="meta">Baseline <code>${escapeHtml(c.baseline.source ?? "(runs)")}</code> · variant <code>${escapeHtml(c.variant.source ?? "(runs)")}</code> · generated ${escapeHtml(generatedAt)}</p>
<nav><a href="#answer">Answer</a><a href="#shapes">Shapes</a><a href="#figures">Figures</a><a href="#sweeps">Sweeps</a></nav>
${sections.join("\n")}`);
}
