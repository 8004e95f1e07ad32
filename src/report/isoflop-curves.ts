/**
 * IsoFLOP curves (Chinchilla Approach 2, Hoffmann et al. 2022, §3.2): held-out loss against
 * N for each compute budget on a log N axis; the observed runs, the budget's parabola in
 * log N (the fit's own; the fitting's parabola of the runs where the fit has none, e.g.
 * without Approach 2), its vertex (the budget's N*), and refused budgets drawn hollow and
 * labelled with the reason. Pure spec builder.
 */
import * as Plot from "@observablehq/plot";
import type { FitOutput } from "../store/fit-json.js";
import { budgetParabola, parabolaLossAt, type BudgetFit, type ParabolaCoefficients } from "../fitting/index.js";
import { budgetColor, formatCount } from "./budget-color.js";
import { budgetLegend, LEGEND_MARGIN } from "./budget-legend.js";
import type { FigurePoint } from "./figure-points.js";

/** Longest refusal reason printed inside the figure (the HTML caption has it whole). */
const REASON_CHARS = 46;

interface CurveSample {
  budget_flops: number;
  n_params: number;
  loss: number;
}

function shorten(text: string): string {
  return text.length <= REASON_CHARS ? text : `${text.slice(0, REASON_CHARS - 1)}…`;
}

/** `count` points of the parabola, log-spaced over [lo, hi] params. */
function sampleParabola(p: ParabolaCoefficients, budget: number, lo: number, hi: number, count = 48): CurveSample[] {
  return Array.from({ length: count }, (_, i) => {
    const n = lo * (hi / lo) ** (i / (count - 1));
    return { budget_flops: budget, n_params: n, loss: parabolaLossAt(p, n) };
  });
}

/** Where a label sits along the log-N axis, 0 (left edge) to 1 (right edge). */
function axisFraction(n: number, points: readonly FigurePoint[]): number {
  const logs = points.map((p) => Math.log(p.n_params));
  const [lo, hi] = [Math.min(...logs), Math.max(...logs)];
  return hi > lo ? (Math.log(n) - lo) / (hi - lo) : 0.5;
}

/**
 * The refusal labels, anchored so they stay inside the figure: a label near the left edge
 * (a budget whose lowest loss is at its smallest size) starts at its point, one near the
 * right edge ends there, the others are centred on it.
 */
function refusedLabelMarks(labels: Array<{ n_params: number }>, points: readonly FigurePoint[]): Plot.Markish[] {
  const anchorOf = (n: number) => {
    const f = axisFraction(n, points);
    return f < 1 / 3 ? "start" : f > 2 / 3 ? "end" : "middle";
  };
  return (["middle", "start", "end"] as const).flatMap((anchor) => {
    const own = labels.filter((l) => anchorOf(l.n_params) === anchor);
    if (own.length === 0) return [];
    const dx = anchor === "start" ? -6 : anchor === "end" ? 6 : 0;
    return [Plot.text(own, { x: "n_params", y: "loss", text: "text", dy: 14, dx, textAnchor: anchor, fill: "#b00020", stroke: "white", strokeWidth: 3, paintOrder: "stroke" })];
  });
}

export function isoFlopCurves(points: FigurePoint[], fit?: FitOutput): Plot.PlotOptions | null {
  if (points.length === 0) return null;
  const budgets = [...new Set(points.map((p) => p.budget_flops))].sort((a, b) => a - b);
  const fits = new Map<number, BudgetFit>((fit?.approaches["2"]?.budgets ?? []).map((b) => [b.budget_flops, b]));
  const curves: CurveSample[] = [];
  const refusedCurves: CurveSample[] = [];
  const vertices: Array<{ budget_flops: number; n_params: number; loss: number }> = [];
  const refusedLabels: Array<{ budget_flops: number; n_params: number; loss: number; text: string }> = [];
  for (const budget of budgets) {
    const own = points.filter((p) => p.budget_flops === budget);
    const budgetFit = fits.get(budget);
    const lo = Math.min(...own.map((p) => p.n_params));
    const hi = Math.max(...own.map((p) => p.n_params));
    const parabola = budgetFit?.parabola ?? budgetParabola(own);
    const refused = budgetFit?.status === "refused";
    if (parabola && hi > lo) (refused ? refusedCurves : curves).push(...sampleParabola(parabola, budget, lo, hi));
    if (refused) {
      const lowest = own.reduce((best, p) => (p.loss < best.loss ? p : best));
      refusedLabels.push({ budget_flops: budget, n_params: lowest.n_params, loss: lowest.loss, text: `refused: ${shorten(budgetFit?.reason ?? "no interior minimum")}` });
    } else if (budgetFit?.n_opt !== undefined && budgetFit.loss_opt !== undefined) {
      vertices.push({ budget_flops: budget, n_params: budgetFit.n_opt, loss: budgetFit.loss_opt });
    }
  }
  const refusedBudgets = new Set(refusedLabels.map((r) => r.budget_flops));
  const used = points.filter((p) => !refusedBudgets.has(p.budget_flops));
  const refusedPoints = points.filter((p) => refusedBudgets.has(p.budget_flops));
  return {
    width: 640,
    height: 420,
    marginRight: LEGEND_MARGIN,
    grid: true,
    x: { type: "log", label: "parameters N →", tickFormat: formatCount, insetLeft: 8, insetRight: 8 },
    y: { label: "↑ held-out loss", insetTop: 8, insetBottom: 8 },
    color: budgetColor(budgets),
    marks: [
      Plot.line(curves, { x: "n_params", y: "loss", z: "budget_flops", stroke: "budget_flops", strokeWidth: 1.5 }),
      Plot.line(refusedCurves, { x: "n_params", y: "loss", z: "budget_flops", stroke: "budget_flops", strokeWidth: 1, strokeDasharray: "3,3", strokeOpacity: 0.6 }),
      Plot.dot(used, { x: "n_params", y: "loss", fill: "budget_flops", r: 3.5 }),
      Plot.dot(refusedPoints, { x: "n_params", y: "loss", stroke: "budget_flops", r: 3.5, strokeWidth: 1.5 }),
      Plot.dot(vertices, { x: "n_params", y: "loss", fill: "budget_flops", stroke: "black", strokeWidth: 1, symbol: "star", r: 7 }),
      ...refusedLabelMarks(refusedLabels, points),
      Plot.frame({ strokeOpacity: 0.2 }),
      ...budgetLegend(budgets),
    ],
  };
}
