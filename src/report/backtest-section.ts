/**
 * The report's backtest (fitting/backtest.ts): which budgets were fitted and held out, the
 * mean ARE of the answer, and every held-out prediction with its interval, the observed value,
 * its ARE and whether the interval covered it; and the figure of predicted against observed
 * loss with the intervals drawn. Pure.
 */
import * as Plot from "@observablehq/plot";
import type { Backtest, BacktestPrediction } from "../fitting/backtest.js";
import { fewDraws } from "../fitting/format-backtest.js";
import { FEW_RESAMPLES_MARK } from "../fitting/format-verdict.js";
import { APPROACH_COLOR, APPROACH_NAME } from "./approach-style.js";
import type { Figure } from "./figures.js";
import { escapeHtml, formatNumber, formatSci, htmlTable } from "./html.js";
import { swatchLegend } from "./swatch-legend.js";

const QUANTITY: Record<BacktestPrediction["quantity"], string> = { loss: "run loss", n_opt: "N* (optimum)", loss_opt: "L* (optimum)" };
const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${(100 * x).toFixed(2)}%`);

/** The errors on N* and L* by which the answering approach is chosen (fitting/answer.ts). */
function scoresHtml(backtest: Backtest): string {
  const scored = (backtest.scores ?? []).filter((s) => s.score !== null);
  if (scored.length === 0) return "";
  const list = scored.map((s) => `approach ${s.approach}: N* ${pct(s.n_opt_are)}, L* ${pct(s.loss_opt_are)}`).join("; ");
  return `\n<p>Among the approaches the runs determine, the one with the lowest error on N* plus L* here answers. ${escapeHtml(list)}.</p>`;
}

export function backtestHtml(backtest: Backtest | undefined, why: string): string {
  if (!backtest) return `<p class="meta">${escapeHtml(why)}</p>`;
  const level = `${Math.round(backtest.confidence * 1000) / 10}%`;
  const budgets = (list: number[]) => list.map((c) => formatSci(c)).join(", ");
  const head = `<p>Fitted on the ${backtest.fitted_budgets.length} smaller budgets (${escapeHtml(budgets(backtest.fitted_budgets))}), then predicted the ${backtest.holdout} largest (${escapeHtml(budgets(backtest.held_out_budgets))}), which the fit never saw. ` +
    `<strong>Mean absolute relative error of the answer's loss predictions (approach ${escapeHtml(String(backtest.preferred_approach ?? "–"))}): ${escapeHtml(pct(backtest.mean_are))}</strong>; of its N*: ${escapeHtml(pct(backtest.mean_are_n_opt))}. ` +
    `Intervals are ${escapeHtml(level)} prediction intervals for the observed value (the fit's bootstrap over ${backtest.resamples} resamples with the fitted runs' noise); a held-out budget's observed N* and L* are its own IsoFLOP parabola's vertex.</p>` +
    scoresHtml(backtest);
  const summary = htmlTable(
    ["approach", "predicted", "count", "mean ARE", "intervals covering"],
    backtest.summary.map((s) => [escapeHtml(APPROACH_NAME[String(s.approach) as "1" | "2" | "3"]), escapeHtml(QUANTITY[s.quantity]), String(s.count), escapeHtml(pct(s.mean_are)), escapeHtml(`${s.covered} of ${s.with_interval}`)]),
    { numeric: [2, 3, 4] },
  );
  const rows = backtest.predictions.map((p) => [
    escapeHtml(String(p.approach)),
    escapeHtml(QUANTITY[p.quantity]),
    escapeHtml(formatSci(p.budget_flops)),
    escapeHtml(p.experiment_id ?? (p.n_params ? `N=${formatSci(p.n_params)}` : "")),
    escapeHtml(formatNumber(p.predicted, 5)),
    p.interval ? escapeHtml(`[${formatNumber(p.interval.lo, 4)}, ${formatNumber(p.interval.hi, 4)}]${fewDraws(p, backtest) ? FEW_RESAMPLES_MARK : ""}`) : "–",
    p.observed === null ? escapeHtml(p.note ?? "–") : escapeHtml(formatNumber(p.observed, 5)),
    escapeHtml(pct(p.are)),
    p.covered === null ? "–" : p.covered ? "yes" : "<strong>no</strong>",
  ]);
  const table = htmlTable(["approach", "predicted", "C (FLOPs)", "run", "prediction", "interval", "observed", "ARE", "covered"], rows, { numeric: [2, 4, 5, 6, 7] });
  const warnings = backtest.warnings.length ? `<ul class="warnings">${backtest.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul>` : "";
  return `${head}\n${summary}\n<div class="scroll">${table}</div>${warnings}`;
}

/**
 * The error of every held-out loss prediction, (predicted − observed)/observed in percent,
 * against the observed loss, with its interval as a vertical bar: coverage is a bar crossing
 * zero. The y range stops at 4× the median extent, so one very wide interval does not flatten
 * the rest (its bar is cut at the frame).
 */
export function backtestFigure(backtest: Backtest | undefined): Figure | null {
  const points = (backtest?.predictions ?? []).filter((p) => p.quantity !== "n_opt" && p.observed !== null && p.observed !== 0);
  if (!backtest || points.length === 0) return null;
  const rel = (value: number, observed: number) => (100 * (value - observed)) / observed;
  const rows = points.map((p) => {
    const observed = p.observed as number;
    return { ...p, observed, error: rel(p.predicted, observed), lo: p.interval ? rel(p.interval.lo, observed) : null, hi: p.interval ? rel(p.interval.hi, observed) : null };
  });
  const extents = rows.flatMap((r) => [Math.abs(r.error), ...(r.lo === null ? [] : [Math.abs(r.lo)]), ...(r.hi === null ? [] : [Math.abs(r.hi)])]).sort((x, y) => x - y);
  const median = extents[Math.floor(extents.length / 2)] as number;
  const reach = Math.max(1.1 * Math.min(extents[extents.length - 1] as number, 4 * median), 0.05);
  const xs = rows.map((r) => r.observed);
  const padX = (Math.max(...xs) - Math.min(...xs)) * 0.08 || 0.01;
  type Row = (typeof rows)[number];
  const color = (r: Row) => APPROACH_COLOR[String(r.approach) as "1" | "2" | "3"];
  const approaches = [...new Set(rows.map((r) => String(r.approach) as "1" | "2" | "3"))].sort().reverse();
  const spec: Plot.PlotOptions = {
    width: 560,
    height: 420,
    grid: true,
    clip: true,
    x: { label: "observed held-out loss →", domain: [Math.min(...xs) - padX, Math.max(...xs) + padX] },
    y: { label: "↑ prediction error (predicted − observed) / observed, %", domain: [-reach, reach] },
    marks: [
      Plot.ruleY([0], { stroke: "#888", strokeDasharray: "4,3" }),
      // Approach 2's marks sit 4 px right of approach 3's at the same observed L*, approach 1's 8 px.
      ...([3, 2, 1] as const).flatMap((approach) => {
        const own = rows.filter((r) => r.approach === approach);
        const dx = 4 * (3 - approach);
        return [
          Plot.ruleX(own.filter((r) => r.lo !== null), { x: "observed", y1: "lo", y2: "hi", stroke: color, strokeOpacity: 0.55, strokeWidth: 2, dx }),
          Plot.dot(own, { x: "observed", y: "error", fill: color, symbol: (r: Row) => (r.quantity === "loss_opt" ? "star" : "circle"), r: (r: Row) => (r.quantity === "loss_opt" ? 6 : 3.5), stroke: "white", strokeWidth: 0.5, dx }),
        ];
      }),
      Plot.frame({ strokeOpacity: 0.2 }),
      ...swatchLegend(approaches.map((k) => ({ label: APPROACH_NAME[k], color: APPROACH_COLOR[k], shape: "circle" as const })), "top-left"),
    ],
  };
  const level = `${Math.round(backtest.confidence * 1000) / 10}%`;
  return {
    name: "backtest",
    title: "Backtest: error of the predicted loss at the held-out budgets",
    caption: `Fitted on budgets up to ${formatSci(backtest.fitted_budgets[backtest.fitted_budgets.length - 1])}, predicting ${backtest.held_out_budgets.map((c) => formatSci(c)).join(", ")}: dots are the held-out runs' losses (approach 3), stars the held-out budgets' L*; bars are ${level} prediction intervals, covering where they cross the dashed zero line (a bar cut at the frame reaches further). Mean ARE of the answer: ${pct(backtest.mean_are)}.`,
    spec,
  };
}
