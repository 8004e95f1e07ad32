/**
 * The report's figures, by name (the file stem of report/<name>.svg|png): which exist
 * depends on the data (no fit → only the runs; no Approach 3 → no parity plot). Pure.
 */
import type * as Plot from "@observablehq/plot";
import type { FitOutput } from "../store/fit-json.js";
import type { ResultRecord } from "../store/record.js";
import { approach3Parity } from "./approach3-parity.js";
import { approach3Points } from "./approach3-points.js";
import { approach3Residuals } from "./approach3-residuals.js";
import { formatBudget } from "./budget-color.js";
import { figurePoints, type ParamConvention } from "./figure-points.js";
import { isoFlopCurves } from "./isoflop-curves.js";
import { noiseFloor } from "./noise-floor.js";
import { optimumVsBudget } from "./optimum-vs-budget.js";
import { trainingCurves } from "./training-curves.js";
import { lrCalibrationFigure } from "./lr-calibration-figure.js";
import type { CalibrationRecord } from "../store/calibration-record.js";
import type { AdaptiveFile } from "../store/adaptive-record.js";
import { adaptiveFigure } from "./adaptive-figure.js";

export interface Figure {
  /** File stem: report/<name>.svg and report/<name>.png. */
  name: string;
  title: string;
  /** Plain text shown under the figure. */
  caption: string;
  spec: Plot.PlotOptions;
}

export function reportFigures(records: ResultRecord[], fit?: FitOutput): Figure[] {
  const convention: ParamConvention = fit?.param_convention ?? "total";
  const points = figurePoints(records, convention);
  const figures: Array<Figure | null> = [];
  const add = (name: string, title: string, caption: string, spec: Plot.PlotOptions | null) => figures.push(spec ? { name, title, caption, spec } : null);
  const refused = (fit?.approaches["2"]?.budgets ?? []).filter((b) => b.status === "refused");
  add(
    "isoflop-curves",
    "IsoFLOP curves",
    `Held-out loss against parameters N (${convention} count) at each compute budget C; lines are parabolas in log N, ★ marks each used budget's vertex N* (Approach 2).` +
      (refused.length ? ` Refused (hollow, dashed): ${refused.map((b) => `C=${formatBudget(b.budget_flops)}: ${b.reason ?? "no interior minimum"}`).join("; ")}.` : ""),
    isoFlopCurves(points, fit),
  );
  if (fit) {
    const extrapolation = fit.predictions.length ? " Diamonds are the predictions at the requested budgets, with their bootstrap intervals when computed." : "";
    add("n-opt", "Compute-optimal parameters N*(C)", `Each approach's optimal N per budget and its fitted law; dashed where the law is extrapolated.${extrapolation}`, optimumVsBudget(fit, "n_params", points));
    add("d-opt", "Compute-optimal tokens D*(C)", `Each approach's optimal D per budget and its fitted law; dashed where the law is extrapolated.${extrapolation}`, optimumVsBudget(fit, "n_tokens", points));
    add("loss-opt", "Loss at the optimum L*(C)", `Grey: every run. Approach 2's vertex losses with their power law, Approach 3's L(N*(C), D*(C)).${extrapolation}`, optimumVsBudget(fit, "loss", points));
    const residuals = approach3Points(fit);
    add("approach3-parity", "Approach 3: predicted against observed loss", "Each run's held-out loss against L(N, D) = E + A/N^α + B/D^β at the fitted parameters; the dashed line is equality.", approach3Parity(residuals));
    const floor = noiseFloor(records);
    add("approach3-residuals", "Approach 3: residuals",
      "Relative residual of each run under the parametric fit, against N; a trend with N or C means the form misses structure." +
        (floor ? ` Dashed red: ±1 and ±2 seed-to-seed SDs (${floor.pooled_sd_pct.toPrecision(2)}%, the noise floor).` : ""),
      approach3Residuals(residuals, floor?.pooled_sd_pct ?? null));
  }
  add("training-curves", "Training curves", "Training loss against tokens seen for every run (final attempt), coloured by compute budget.", trainingCurves(records));
  return figures.filter((f): f is Figure => f !== null);
}

/** The learning-rate calibration's figure (`training.lr: calibrate`), when there was one. */
export function calibrationFigures(calibration: CalibrationRecord | null): Figure[] {
  const spec = calibration ? lrCalibrationFigure(calibration) : null;
  if (!calibration || !spec) return [];
  return [{
    name: "lr-calibration",
    title: "Learning-rate calibration: loss against learning rate",
    caption: `Held-out loss of each calibration run at C=${formatBudget(calibration.budget_flops)}, one line per size; ★ and the dashed line mark each size's best learning rate, through which η*(N) = c·N^−k is fitted (c = ${calibration.rule.c.toPrecision(4)}, k = ${calibration.rule.k.toFixed(3)}).`,
    spec,
  }];
}

/** The adaptive sweep's figure (docs/adaptive.md), when the run directory has adaptive.json with an interval. */
export function adaptiveFigures(adaptive: AdaptiveFile | null): Figure[] {
  const spec = adaptive ? adaptiveFigure(adaptive) : null;
  if (!adaptive || !spec) return [];
  return [{
    name: "adaptive-width",
    title: `Adaptive sweep: N*(${formatBudget(adaptive.target_budget)})'s interval against FLOPs spent`,
    caption: `The half-width in ln N of the 95% bootstrap interval of N* at the target budget, from approach 3 fitted after every run, against the training FLOPs spent by then (the seed design's first). Filled: approach 3 determined.`,
    spec,
  }];
}
