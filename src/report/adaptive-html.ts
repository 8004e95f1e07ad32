/**
 * The report's adaptive-sweep section (docs/adaptive.md): the target, the policy, why the sweep
 * stopped (and what it would run next), and every decision with its reason and the interval
 * it was made at. Shown when the run directory holds adaptive.json. Pure.
 */
import type { AdaptiveFile } from "../store/adaptive-record.js";
import { formatBudget } from "./budget-color.js";
import { escapeHtml, formatNumber, formatSci, htmlTable } from "./html.js";

export function adaptiveHtml(adaptive: AdaptiveFile | null): string {
  if (!adaptive) return "";
  const rows = adaptive.decisions.map((d, i) => {
    const fit = adaptive.fits[d.fit];
    return [
      String(i + 1), escapeHtml(d.scored_at === "prior" ? `${d.kind} (at the prior)` : d.kind), escapeHtml(formatBudget(d.budget_flops)), escapeHtml(formatNumber(d.n_params, 3)), escapeHtml(formatNumber(d.n_tokens, 3)), String(d.seed),
      escapeHtml(formatSci(fit?.flops_spent)), escapeHtml(fit?.n_opt ? `±${formatNumber(fit.n_opt.half_width, 3)}${fit.determined ? "" : " (undetermined)"}` : "–"),
      escapeHtml(`−${formatNumber(d.expected.n_opt_reduction, 3)}`), escapeHtml(d.expected.loss_opt_reduction === null ? "–" : `−${formatNumber(d.expected.loss_opt_reduction, 3)}`),
      escapeHtml(formatSci(d.expected.cost_flops)), `<code>${escapeHtml(d.experiment_id)}</code>`,
    ];
  });
  const last = adaptive.fits.at(-1);
  const now = last?.n_opt
    ? `After ${last.runs} runs and ${escapeHtml(formatSci(last.flops_spent))} training FLOPs, N*(${escapeHtml(formatBudget(adaptive.target_budget))}) = ${escapeHtml(formatNumber(last.n_opt.estimate, 3))} [${escapeHtml(formatNumber(last.n_opt.lo, 3))}, ${escapeHtml(formatNumber(last.n_opt.hi, 3))}] (±${escapeHtml(formatNumber(last.n_opt.half_width, 3))} in ln N), approach 3 ${last.determined ? "determined" : "undetermined"}.`
    : "Approach 3 has no interval of N* at the target yet.";
  const stop = adaptive.stop ? `<p><strong>Stopped:</strong> ${escapeHtml(adaptive.stop.text)}</p>` : "<p><strong>Not stopped</strong> (interrupted or still running): <code>sweep</code> again goes on from these decisions.</p>";
  return `<section id="adaptive"><h2>Adaptive sweep</h2>
<p>Target: N*, D*, L* at C = ${escapeHtml(formatBudget(adaptive.target_budget))}; stop at ${adaptive.target_width !== null ? `±${escapeHtml(String(adaptive.target_width))} in ln N` : ""}${adaptive.target_width !== null && adaptive.max_flops !== null ? " or " : ""}${adaptive.max_flops !== null ? `${escapeHtml(formatSci(adaptive.max_flops))} FLOPs` : ""}. ${now}</p>
${stop}
<p class="meta">Policy: ${escapeHtml(adaptive.policy)}. Every fit and decision is in <code>adaptive.json</code>; the seed design's ${adaptive.seed_experiment_ids.length} runs came first.</p>
${rows.length ? htmlTable(["#", "kind", "budget", "N", "D", "seed", "FLOPs spent before", "N* half-width before", "expected ΔN*", "expected ΔL*", "cost (FLOPs)", "experiment"], rows, { numeric: [0, 3, 4, 5, 6, 7, 8, 9, 10] }) : "<p>No run decided yet.</p>"}
</section>`;
}
