/**
 * N*(C), D*(C) or L*(C) on log-log axes (Chinchilla Approaches 1–3, Hoffmann et al. 2022, §3): each
 * approach's optima, its fitted law (solid over the measured budgets, dashed where it
 * extrapolates), the bootstrap band where intervals exist, and the predictions at the
 * requested budgets with their intervals; for L*(C) also every run's loss, in grey.
 * Pure spec builder.
 */
import * as Plot from "@observablehq/plot";
import type { FitOutput } from "../store/fit-json.js";
import { predictOptimum, type Interval } from "../fitting/index.js";
import { APPROACH_COLOR, APPROACH_KEYS, APPROACH_NAME, type ApproachKey } from "./approach-style.js";
import { formatBudget, formatCount } from "./budget-color.js";
import { logSpace } from "./log-space.js";
import { swatchLegend, type Swatch } from "./swatch-legend.js";

export type OptimumAxis = "n_params" | "n_tokens" | "loss";

interface LinePoint { approach: ApproachKey; budget_flops: number; value: number; extrapolated: boolean }
interface BandRow { approach: ApproachKey; budget_flops: number; lo: number; hi: number }
interface OptimumPoint { budget_flops: number; n_params: number; n_tokens: number; loss: number | undefined }

/** The law of one approach at budget C (the fitting's own prediction), or undefined when it has none. */
export function lawValue(fit: FitOutput, approach: ApproachKey, axis: OptimumAxis, budget: number): number | undefined {
  const result = fit.approaches[approach];
  if (!result || result.status === "no_law") return undefined;
  // Approach 3 spends C as the fit counted it: at the measured φ(N) when there is one.
  return predictOptimum(Number(approach) as 1 | 2 | 3, result, budget, fit.compute?.flops_per_token)?.[axis];
}

/** The optima an approach found at the measured budgets (Approach 1's envelope, Approach 2's used vertices), at the compute their laws were fitted on. */
function measuredOptima(fit: FitOutput, approach: ApproachKey): OptimumPoint[] {
  if (approach === "1") return (fit.approaches["1"]?.optima ?? []).map((o) => ({ ...o, budget_flops: o.compute_flops ?? o.budget_flops }));
  if (approach === "3") return [];
  return (fit.approaches["2"]?.budgets ?? []).flatMap((b) =>
    b.status === "used" && b.n_opt !== undefined && b.d_opt !== undefined ? [{ budget_flops: b.compute_flops ?? b.budget_flops, n_params: b.n_opt, n_tokens: b.d_opt, loss: b.loss_opt }] : [],
  );
}

/** Observed and predicted budgets: the x range the figure spans. */
export function budgetRange(budgets: number[]): [number, number] | undefined {
  const positive = budgets.filter((b) => b > 0);
  return positive.length === 0 ? undefined : [Math.min(...positive), Math.max(...positive)];
}

const AXIS_LABEL: Record<OptimumAxis, string> = {
  n_params: "↑ compute-optimal parameters N*",
  n_tokens: "↑ compute-optimal tokens D*",
  loss: "↑ loss at the optimum L*",
};
const SYMBOL: Record<OptimumAxis, string> = { n_params: "N*", n_tokens: "D*", loss: "L*" };

/** `runs`: every run's (budget, loss): the measured budget range, and grey dots behind L*(C). */
export function optimumVsBudget(fit: FitOutput, axis: OptimumAxis, runs: Array<{ budget_flops: number; loss: number }> = []): Plot.PlotOptions | null {
  const optima = APPROACH_KEYS.flatMap((key) =>
    measuredOptima(fit, key).sort((x, y) => x.budget_flops - y.budget_flops).flatMap((o) => (o[axis] === undefined ? [] : [{ approach: key, budget_flops: o.budget_flops, value: o[axis]! }])),
  );
  const predictions = fit.predictions.map((p) => ({
    approach: String(p.approach) as ApproachKey,
    budget_flops: p.budget_flops,
    value: p[axis],
    interval: p.intervals?.[axis] as Interval | undefined,
  }));
  const preferred = fit.preferred_approach === null ? undefined : String(fit.preferred_approach);
  const observed = budgetRange([...optima, ...runs].map((o) => o.budget_flops));
  const all = budgetRange([...optima, ...predictions, ...runs].map((o) => o.budget_flops));
  if (!observed || !all) return null;
  const lines: LinePoint[] = [];
  const drawn: ApproachKey[] = [];
  for (const key of APPROACH_KEYS) {
    const inside = logSpace(observed[0], observed[1]).map((c) => ({ c, v: lawValue(fit, key, axis, c) }));
    if (inside.some((p) => p.v === undefined)) continue;
    drawn.push(key);
    for (const p of inside) lines.push({ approach: key, budget_flops: p.c, value: p.v!, extrapolated: false });
    if (all[1] > observed[1]) {
      for (const c of logSpace(observed[1], all[1], 20)) lines.push({ approach: key, budget_flops: c, value: lawValue(fit, key, axis, c)!, extrapolated: true });
    }
  }
  // The predictions' intervals (≥ 2 budgets) outline a band.
  const band: BandRow[] = [];
  for (const key of APPROACH_KEYS) {
    const own = predictions.filter((p) => p.approach === key && p.interval);
    if (own.length >= 2) for (const p of own) band.push({ approach: key, budget_flops: p.budget_flops, lo: p.interval!.lo, hi: p.interval!.hi });
  }
  band.sort((x, y) => x.approach.localeCompare(y.approach) || x.budget_flops - y.budget_flops);
  const withInterval = predictions.filter((p) => p.interval);
  const swatches: Swatch[] = [
    ...APPROACH_KEYS.filter((k) => optima.some((o) => o.approach === k) || drawn.includes(k)).map((k) => ({ label: APPROACH_NAME[k], color: APPROACH_COLOR[k], shape: k === "1" ? ("circle" as const) : k === "2" ? ("circle" as const) : ("line" as const), hollow: k === "1" })),
    ...(predictions.length ? [{ label: "prediction (law extrapolated, dashed)", color: "#222", shape: "diamond" as const }] : []),
    ...(axis === "loss" && runs.length ? [{ label: "runs", color: "#999", shape: "circle" as const }] : []),
  ];
  const symbol = SYMBOL[axis];
  const format = axis === "loss" ? (v: number) => v.toFixed(3) : formatCount;
  const color = (d: { approach: ApproachKey }) => APPROACH_COLOR[d.approach] ?? "#222";
  return {
    width: 640,
    height: 400,
    marginRight: 24,
    grid: true,
    x: { type: "log", label: "compute budget C (FLOPs) →", domain: [all[0] / 1.5, all[1] * 1.5], tickFormat: formatBudget },
    y: { type: "log", label: AXIS_LABEL[axis], tickFormat: axis === "loss" ? undefined : formatCount, insetTop: 8, insetBottom: 8 },
    marks: [
      Plot.dot(axis === "loss" ? runs : [], { x: "budget_flops", y: "loss", fill: "#999", fillOpacity: 0.5, r: 2.5 }),
      Plot.areaY(band, { x: "budget_flops", y1: "lo", y2: "hi", z: "approach", fill: color, fillOpacity: 0.15 }),
      Plot.line(lines.filter((l) => !l.extrapolated), { x: "budget_flops", y: "value", z: "approach", stroke: color, strokeWidth: 1.5 }),
      Plot.line(lines.filter((l) => l.extrapolated), { x: "budget_flops", y: "value", z: "approach", stroke: color, strokeWidth: 1.5, strokeDasharray: "4,3" }),
      Plot.dot(optima.filter((o) => o.approach === "1"), { x: "budget_flops", y: "value", stroke: color, fill: "white", r: 5, strokeWidth: 1.5 }),
      Plot.dot(optima.filter((o) => o.approach !== "1"), { x: "budget_flops", y: "value", fill: color, r: 3.5 }),
      Plot.ruleX(withInterval, { x: "budget_flops", y1: (p: (typeof withInterval)[number]) => p.interval!.lo, y2: (p: (typeof withInterval)[number]) => p.interval!.hi, stroke: color, strokeWidth: 1.5 }),
      Plot.dot(predictions, { x: "budget_flops", y: "value", symbol: "diamond", fill: color, stroke: "#222", r: 5 }),
      Plot.text(predictions.filter((p) => p.approach === preferred || predictions.every((q) => q.approach !== preferred)), {
        x: "budget_flops", y: "value", text: (p: (typeof predictions)[number]) => `${symbol}=${format(p.value)}`, dx: -8, textAnchor: "end", fill: "#222", stroke: "white", strokeWidth: 3, paintOrder: "stroke",
      }),
      Plot.frame({ strokeOpacity: 0.2 }),
      // Optimal N and D grow with C (top-left is empty); the loss falls (bottom-left is).
      ...swatchLegend(swatches, axis === "loss" ? "bottom-left" : "top-left"),
    ],
  };
}
