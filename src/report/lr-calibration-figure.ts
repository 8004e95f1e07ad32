/**
 * The learning-rate calibration figure: held-out loss against learning rate (log axis) for
 * each calibrated size, a line per size, ★ at each size's best learning rate (the vertex
 * of its parabola in ln lr). Runs that finished without a loss are left out. Pure.
 */
import * as Plot from "@observablehq/plot";
import type { CalibrationRecord } from "../store/calibration-record.js";
import { formatCount } from "./budget-color.js";
import { swatchLegend } from "./swatch-legend.js";

/** One colour per calibrated size (Tableau 10's first). */
const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7"];

export function lrCalibrationFigure(calibration: Pick<CalibrationRecord, "runs" | "optima">): Plot.PlotOptions | null {
  const finished = calibration.runs.filter((r) => r.loss !== null && Number.isFinite(r.loss));
  if (finished.length === 0) return null;
  const sizes = [...new Set(finished.map((r) => r.n_params))].sort((a, b) => a - b);
  const colorOf = (n: number) => PALETTE[sizes.indexOf(n) % PALETTE.length]!;
  const marks: Plot.Markish[] = [];
  for (const n of sizes) {
    const runs = finished.filter((r) => r.n_params === n).sort((a, b) => a.lr - b.lr);
    const color = colorOf(n);
    marks.push(Plot.line(runs, { x: "lr", y: "loss", stroke: color }), Plot.dot(runs, { x: "lr", y: "loss", fill: color, r: 3 }));
    // The vertex sits between grid points: drawn at the size's lowest loss.
    const optimum = calibration.optima.find((o) => o.n_params === n);
    if (optimum) {
      marks.push(
        Plot.ruleX([optimum.lr_opt], { stroke: color, strokeDasharray: "4,3", strokeOpacity: 0.7 }),
        Plot.dot([optimum], { x: "lr_opt", y: "best_loss", symbol: "star", r: 7, fill: color, stroke: "white" }),
      );
    }
  }
  return {
    width: 640,
    height: 400,
    grid: true,
    x: { type: "log", label: "peak learning rate →" },
    y: { label: "↑ held-out loss" },
    marks: [
      ...marks,
      Plot.frame({ strokeOpacity: 0.2 }),
      ...swatchLegend(sizes.map((n) => ({ label: `N = ${formatCount(n)}`, color: colorOf(n), shape: "line" as const })), "bottom-left"),
    ],
  };
}
