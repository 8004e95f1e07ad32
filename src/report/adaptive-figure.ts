/**
 * The adaptive sweep's figure (docs/adaptive.md): the half-width of N*(target)'s 95% interval
 * in ln N after every fit against the training FLOPs spent by then, run by run; filled where
 * approach 3 was determined, hollow where not; the target width and the FLOPs cap dashed.
 * Pure.
 */
import * as Plot from "@observablehq/plot";
import type { AdaptiveFile } from "../store/adaptive-record.js";
import { formatCount } from "./budget-color.js";
import { swatchLegend } from "./swatch-legend.js";

const LINE = "#4e79a7";
const TARGET = "#e15759";

export function adaptiveFigure(adaptive: Pick<AdaptiveFile, "fits" | "target_width" | "max_flops">): Plot.PlotOptions | null {
  const points = adaptive.fits.flatMap((f) => (f.n_opt ? [{ flops: f.flops_spent, width: f.n_opt.half_width, determined: f.determined }] : []));
  if (points.length === 0) return null;
  const marks: Plot.Markish[] = [
    Plot.line(points, { x: "flops", y: "width", stroke: LINE }),
    Plot.dot(points.filter((p) => p.determined), { x: "flops", y: "width", fill: LINE, r: 3.5 }),
    Plot.dot(points.filter((p) => !p.determined), { x: "flops", y: "width", stroke: LINE, fill: "white", r: 3.5 }),
  ];
  const swatches: Parameters<typeof swatchLegend>[0] = [
    { label: "approach 3 determined", color: LINE, shape: "circle" },
    { label: "undetermined", color: LINE, shape: "circle", hollow: true },
  ];
  if (adaptive.target_width !== null) {
    marks.push(Plot.ruleY([adaptive.target_width], { stroke: TARGET, strokeDasharray: "5,4" }));
    swatches.push({ label: `target ±${adaptive.target_width}`, color: TARGET, shape: "dashed" });
  }
  if (adaptive.max_flops !== null) {
    marks.push(Plot.ruleX([adaptive.max_flops], { stroke: "#888", strokeDasharray: "2,3" }));
    swatches.push({ label: "max_flops", color: "#888", shape: "dashed" });
  }
  return {
    width: 640,
    height: 360,
    grid: true,
    x: { label: "training FLOPs spent →", tickFormat: (v: number) => formatCount(v), zero: true },
    y: { label: "↑ half-width of N*(target)'s 95% interval (ln N)", zero: true },
    marks: [...marks, Plot.frame({ strokeOpacity: 0.2 }), ...swatchLegend(swatches, "bottom-left")],
  };
}
