/** The report's noise-floor section: seed-to-seed spread next to Approach 3's residuals. Pure. */
import { formatBudget } from "./budget-color.js";
import { escapeHtml, formatNumber, htmlTable } from "./html.js";
import type { NoiseFloor } from "./noise-floor.js";

export function noiseFloorHtml(floor: NoiseFloor | null, residualRmsPct: number | null): string {
  if (!floor) return "";
  const seeds = [...new Set(floor.groups.map((g) => g.losses.length))].join("–");
  const ratio = residualRmsPct !== null && floor.pooled_sd_pct > 0 ? residualRmsPct / floor.pooled_sd_pct : null;
  const verdict = ratio === null
    ? "Approach 3 has no residuals to compare."
    : ratio <= 1.5
      ? "The residuals sit at the noise floor: the parametric form fits as well as the runs' noise allows."
      : `The residuals are ${formatNumber(ratio, 2)}× the noise floor: more than seed noise separates the runs from the fitted form.`;
  const rows = floor.groups.map((g) => [
    escapeHtml(formatBudget(g.budget_flops)), escapeHtml(String(g.size_value)), escapeHtml(formatNumber(g.n_params, 3)),
    escapeHtml(String(g.losses.length)), escapeHtml(formatNumber(g.mean, 5)), escapeHtml(formatNumber(g.sd_pct, 3)),
  ]);
  return `<section id="noise-floor"><h2>Noise floor</h2>
<p>Seed-to-seed spread (SD of ln loss, pooled over ${floor.groups.length} points run with ${escapeHtml(seeds)} seeds, ${floor.dof} degrees of freedom):
<strong>${escapeHtml(formatNumber(floor.pooled_sd_pct, 3))}%</strong>. Approach 3's residuals: RMS <strong>${residualRmsPct === null ? "–" : escapeHtml(formatNumber(residualRmsPct, 3))}%</strong>
(the residual figure marks ±1 and ±2 seed SDs). ${escapeHtml(verdict)}</p>
<details><summary>Per point</summary>${htmlTable(["budget C", "size", "N", "seeds", "mean loss", "SD %"], rows, { numeric: [2, 3, 4, 5] })}</details>
</section>`;
}
