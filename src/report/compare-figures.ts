/**
 * The comparison page's figures (`flops-fit compare --out`, docs/compare.md): both sweeps'
 * IsoFLOP curves overlaid, both L*(C) with their bands, and k(C) with its band. Baseline in
 * blue, variant in orange, in every figure. Pure spec builders.
 */
import * as Plot from "@observablehq/plot";
import type { Comparison } from "../fitting/compare.js";
import type { Estimate } from "../fitting/compare-estimates.js";
import { budgetParabola, parabolaLossAt, type FitPoint } from "../fitting/index.js";
import { formatBudget, formatCount } from "./budget-color.js";
import { swatchLegend } from "./swatch-legend.js";

export const SWEEP_COLOR = { baseline: "#4269d0", variant: "#e8552f" } as const;
type Sweep = keyof typeof SWEEP_COLOR;
const color = (d: { sweep: Sweep }) => SWEEP_COLOR[d.sweep];

/** A sweep's runs by budget label, with each budget's parabola in log N over its sizes. */
function curvesOf(points: readonly FitPoint[], sweep: Sweep) {
  const budgets = [...new Set(points.map((p) => p.budget_flops))].sort((a, b) => a - b);
  const lines = budgets.flatMap((budget) => {
    const own = points.filter((p) => p.budget_flops === budget);
    const parabola = budgetParabola(own);
    const [lo, hi] = [Math.min(...own.map((p) => p.n_params)), Math.max(...own.map((p) => p.n_params))];
    if (!parabola || !(hi > lo)) return [];
    return Array.from({ length: 40 }, (_, i) => {
      const n = lo * (hi / lo) ** (i / 39);
      return { sweep, key: `${sweep} ${budget}`, n_params: n, loss: parabolaLossAt(parabola, n) };
    });
  });
  return { dots: points.map((p) => ({ sweep, n_params: p.n_params, loss: p.loss })), lines };
}

export function compareIsoflops(baseline: readonly FitPoint[], variant: readonly FitPoint[]): Plot.PlotOptions | null {
  if (baseline.length + variant.length === 0) return null;
  const [a, b] = [curvesOf(baseline, "baseline"), curvesOf(variant, "variant")];
  return {
    width: 640,
    height: 420,
    grid: true,
    x: { type: "log", label: "parameters N →", tickFormat: formatCount, insetLeft: 8, insetRight: 8 },
    y: { type: "log", label: "↑ held-out loss", insetTop: 8, insetBottom: 8 },
    marks: [
      Plot.line([...a.lines, ...b.lines], { x: "n_params", y: "loss", z: "key", stroke: color, strokeWidth: 1.3 }),
      Plot.dot(a.dots, { x: "n_params", y: "loss", fill: color, r: 3 }),
      Plot.dot(b.dots, { x: "n_params", y: "loss", stroke: color, fill: "white", symbol: "triangle", r: 3.5, strokeWidth: 1.3 }),
      Plot.frame({ strokeOpacity: 0.2 }),
      ...swatchLegend([{ label: "baseline", color: SWEEP_COLOR.baseline, shape: "circle" }, { label: "variant", color: SWEEP_COLOR.variant, shape: "triangle", hollow: true }], "bottom-left"),
    ],
  };
}

/** The largest budget both sweeps reach: the data end there. */
const largestCommon = (c: Comparison) => Math.min(Math.max(...c.baseline.observed_budgets), Math.max(...c.variant.observed_budgets));
const BUDGET_AXIS = { type: "log", label: "compute budget C (FLOPs) →", tickFormat: formatBudget } as const;

interface BandRow { sweep: Sweep; budget_flops: number; lo: number; hi: number }
interface LineRow { sweep: Sweep; budget_flops: number; value: number }

const bandOf = (sweep: Sweep, budgets: number[], estimates: Estimate[]): BandRow[] =>
  budgets.flatMap((c, i) => (estimates[i]?.lo !== null && estimates[i]?.hi !== null && estimates[i] ? [{ sweep, budget_flops: c, lo: estimates[i]!.lo!, hi: estimates[i]!.hi! }] : []));
const lineOf = (sweep: Sweep, budgets: number[], estimates: Estimate[]): LineRow[] =>
  budgets.flatMap((c, i) => (estimates[i]?.value !== null && estimates[i] ? [{ sweep, budget_flops: c, value: estimates[i]!.value! }] : []));

/** `vertices`: each sweep's IsoFLOP vertices (compute, L*), the data the laws summarise. */
export function compareLossLaws(c: Comparison, vertices: Record<Sweep, Array<{ budget_flops: number; loss: number }>>): Plot.PlotOptions | null {
  const grid = c.curves.budget_flops;
  if (grid.length === 0 || c.answer === null) return null;
  const lines = [...lineOf("baseline", grid, c.curves.loss_baseline), ...lineOf("variant", grid, c.curves.loss_variant)];
  const bands = [...bandOf("baseline", grid, c.curves.loss_baseline), ...bandOf("variant", grid, c.curves.loss_variant)];
  const dots = (["baseline", "variant"] as const).flatMap((sweep) => vertices[sweep].map((v) => ({ sweep, ...v })));
  const top = largestCommon(c);
  return {
    width: 640,
    height: 400,
    grid: true,
    x: BUDGET_AXIS,
    y: { type: "log", label: "↑ loss at the optimum L*", insetTop: 8, insetBottom: 8 },
    marks: [
      Plot.areaY(bands, { x: "budget_flops", y1: "lo", y2: "hi", z: "sweep", fill: color, fillOpacity: 0.15 }),
      Plot.line(lines.filter((l) => l.budget_flops <= top * 1.0001), { x: "budget_flops", y: "value", z: "sweep", stroke: color, strokeWidth: 1.6 }),
      Plot.line(lines.filter((l) => l.budget_flops >= top / 1.5), { x: "budget_flops", y: "value", z: "sweep", stroke: color, strokeWidth: 1.6, strokeDasharray: "4,3" }),
      Plot.dot(dots, { x: "budget_flops", y: "loss", fill: color, r: 3.5 }),
      Plot.frame({ strokeOpacity: 0.2 }),
      ...swatchLegend([
        { label: "baseline L*(C)", color: SWEEP_COLOR.baseline, shape: "line" },
        { label: "variant L*(C)", color: SWEEP_COLOR.variant, shape: "line" },
        { label: "IsoFLOP vertices (approach 2)", color: "#444", shape: "circle" },
      ], "bottom-left"),
    ],
  };
}

export function compareMultiplier(c: Comparison): Plot.PlotOptions | null {
  const grid = c.curves.budget_flops;
  if (grid.length === 0 || c.answer === null) return null;
  const line = grid.flatMap((x, i) => (c.curves.multiplier[i]?.value !== null && c.curves.multiplier[i] ? [{ budget_flops: x, value: c.curves.multiplier[i]!.value! }] : []));
  const band = grid.flatMap((x, i) => {
    const e = c.curves.multiplier[i];
    return e && e.lo !== null && (e.hi !== null || e.unbounded) ? [{ budget_flops: x, lo: e.lo, hi: e.hi ?? Math.max(...line.map((l) => l.value)) * 4 }] : [];
  });
  const asked = c.multiplier.filter((r) => r.value !== null);
  const top = largestCommon(c);
  return {
    width: 640,
    height: 380,
    marginRight: 48,
    grid: true,
    x: BUDGET_AXIS,
    y: { type: "log", label: "↑ effective-compute multiplier k(C)", insetTop: 8, insetBottom: 8 },
    marks: [
      Plot.areaY(band, { x: "budget_flops", y1: "lo", y2: "hi", fill: SWEEP_COLOR.variant, fillOpacity: 0.15 }),
      Plot.ruleY([1], { stroke: "#888", strokeDasharray: "3,3" }),
      Plot.ruleX([top], { stroke: "#bbb", strokeDasharray: "2,3" }),
      Plot.line(line, { x: "budget_flops", y: "value", stroke: SWEEP_COLOR.variant, strokeWidth: 1.8 }),
      Plot.ruleX(asked.filter((r) => r.lo !== null && r.hi !== null), { x: "budget_flops", y1: "lo", y2: "hi", stroke: "#222", strokeWidth: 1.5 }),
      Plot.dot(asked, { x: "budget_flops", y: "value", symbol: "diamond", fill: SWEEP_COLOR.variant, stroke: "#222", r: 5 }),
      Plot.text(asked, { x: "budget_flops", y: "value", text: (r: (typeof asked)[number]) => `${r.value!.toPrecision(3)}×`, dx: 8, textAnchor: "start", fill: "#222", stroke: "white", strokeWidth: 3, paintOrder: "stroke" }),
      Plot.frame({ strokeOpacity: 0.2 }),
    ],
  };
}
