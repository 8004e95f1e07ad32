/**
 * Learning-rate calibration (pure): a few learning rates × a few model sizes at one small
 * budget, the best learning rate of each size, and the rule η*(N) = c·N^−k fitted through
 * them in log space. A default LR rule measured on one model family is a guess for another
 * (Porian et al. 2024, arXiv:2406.19146, fit LR ≈ 3.7·N^−0.36 on their setup; DeepSeek LLM,
 * arXiv:2401.02954, fit η_opt against compute): a user's model gets its own rule from small
 * runs before the sweep spends its compute (docs/training.md, "Calibrated learning rates").
 */
import type { LrCalibrationConfig, TrainingConfig } from "../config/schema.js";
import { fitIsoFlopParabola } from "../fitting/isoflop-parabola.js";
import { fitLine } from "../fitting/small-linear-algebra.js";
import { autoLearningRate } from "./hyper.js";
import type { PlannedExperiment, SweepPlan } from "./iso-flop.js";

/** η*(N) = c·N^−k, N the total parameter count. */
export interface LrRule {
  c: number;
  k: number;
}

/** The calibration settings with their defaults filled in. */
export function calibrationSettings(training: Pick<TrainingConfig, "lr_calibration">): LrCalibrationConfig {
  return { sizes: 3, lrs: 5, lr_step: 2, extend_rounds: 3, ...training.lr_calibration };
}

/** The rule's learning rate for a model of `nParams` total parameters. */
export function ruleLearningRate(rule: LrRule, nParams: number): number {
  return rule.c * Math.pow(nParams, -rule.k);
}

/** The built-in `auto` rule as c·N^−k (ignoring its clipping to [1e-4, 3e-2]). */
export function builtInRule(training: Pick<TrainingConfig, "lr_reference" | "lr_exponent">): LrRule {
  return { c: training.lr_reference * Math.pow(1e5, training.lr_exponent), k: training.lr_exponent };
}

export interface CalibrationSize {
  planned: PlannedExperiment;
  /** The geometric grid of learning rates tried first, ascending. */
  lrs: number[];
}

export interface CalibrationPlan {
  budget_flops: number;
  sizes: CalibrationSize[];
  /** Runs in the first pass (sizes × lrs); each extension round adds at most one per size. */
  runs: number;
  /** FLOPs of the first pass, and at most with every extension round. */
  flops: number;
  flops_max: number;
}

/** `count` indices spread evenly over 0..length-1, ends included. */
function spreadIndices(length: number, count: number): number[] {
  if (length <= count) return [...Array(length).keys()];
  return [...new Set([...Array(count).keys()].map((i) => Math.round((i * (length - 1)) / (count - 1))))];
}

/** The geometric grid of `lrs` learning rates with ratio `step`, centred on `centre`. */
export function lrGrid(centre: number, lrs: number, step: number): number[] {
  return [...Array(lrs).keys()].map((i) => centre * Math.pow(step, i - (lrs - 1) / 2));
}

/**
 * The calibration runs: `sizes` sizes spread over the planned sizes of the smallest budget
 * (or, with `settings.budget`, of the planned budget nearest to it, each size re-planned at
 * that budget), each at `lrs` learning rates centred on the built-in rule. Null when the
 * plan has no experiments.
 */
export function planCalibration(plan: SweepPlan, training: TrainingConfig, replan: (planned: PlannedExperiment, budget: number) => PlannedExperiment): CalibrationPlan | null {
  const settings = calibrationSettings(training);
  const planned = plan.budgets.filter((b) => b.experiments.length > 0);
  if (planned.length === 0) return null;
  const budget = settings.budget ?? Math.min(...planned.map((b) => b.budget_flops));
  // The sizes of the planned budget nearest to the calibration budget (in log C).
  const source = planned.reduce((best, b) => (Math.abs(Math.log(b.budget_flops / budget)) < Math.abs(Math.log(best.budget_flops / budget)) ? b : best));
  const grid = [...source.experiments].sort((a, b) => a.n_params - b.n_params);
  const sizes = spreadIndices(grid.length, settings.sizes).map((i) => {
    const planned = budget === source.budget_flops ? grid[i]! : replan(grid[i]!, budget);
    return { planned, lrs: lrGrid(autoLearningRate(training, planned.n_params_total), settings.lrs, settings.lr_step) };
  });
  const runs = sizes.reduce((sum, s) => sum + s.lrs.length, 0);
  return { budget_flops: budget, sizes, runs, flops: runs * budget, flops_max: (runs + sizes.length * settings.extend_rounds) * budget };
}

/** One calibration run's outcome: a null loss (failed, diverged) counts as worse than any. */
export interface CalibrationPoint {
  lr: number;
  loss: number | null;
}

export interface SizeOptimum {
  size_value: number;
  n_params: number;
  /** The best learning rate: the vertex of a parabola in ln(lr) through the lowest loss and its neighbours. */
  lr_opt: number;
  /** The lowest loss seen, and at which grid learning rate. */
  best_loss: number;
  best_lr: number;
  /** Where the lowest loss sits: inside the grid, or at its low or high end (the optimum may lie beyond). */
  position: "inside" | "low_end" | "high_end";
}

/** Where a size's grid must grow next: below its lowest LR, above its highest, or nowhere. */
export function nextLearningRate(points: CalibrationPoint[], step: number): number | null {
  const optimum = sizeOptimum(points);
  if (!optimum || optimum.position === "inside") return null;
  const lrs = points.map((p) => p.lr);
  return optimum.position === "low_end" ? Math.min(...lrs) / step : Math.max(...lrs) * step;
}

/**
 * The best learning rate of one size from its runs (null when no run gave a loss): the
 * vertex of a least-squares parabola in ln(lr) through the lowest loss and up to two
 * finished neighbours on each side (three points at least), kept between the lowest
 * loss's two neighbouring learning rates.
 */
export function sizeOptimum(points: CalibrationPoint[]): Omit<SizeOptimum, "size_value" | "n_params"> | null {
  const sorted = [...points].sort((a, b) => a.lr - b.lr);
  const losses = sorted.map((p) => (p.loss === null || !Number.isFinite(p.loss) ? Infinity : p.loss));
  let best = 0;
  losses.forEach((loss, i) => {
    if (loss < losses[best]!) best = i;
  });
  if (!Number.isFinite(losses[best]!)) return null;
  const bestLr = sorted[best]!.lr;
  const position = best === 0 ? "low_end" : best === sorted.length - 1 ? "high_end" : "inside";
  let lrOpt = bestLr;
  if (position === "inside") {
    const window = [...Array(5).keys()].map((i) => best - 2 + i).filter((i) => i >= 0 && i < sorted.length && Number.isFinite(losses[i]!));
    const vertex = parabolaVertex(window.map((i) => Math.log(sorted[i]!.lr)), window.map((i) => losses[i]!));
    // Within the best run's neighbours: a flat or noisy curve cannot carry it further.
    if (vertex !== null) lrOpt = Math.min(sorted[best + 1]!.lr, Math.max(sorted[best - 1]!.lr, Math.exp(vertex)));
  }
  return { lr_opt: lrOpt, best_loss: losses[best]!, best_lr: bestLr, position };
}

/**
 * The vertex x of the least-squares parabola y = a + b·x + c·x² through ≥ 3 points (the
 * fitting engine's IsoFLOP parabola, fitted here in ln lr), kept within their x range; null
 * when they do not curve upwards (no minimum to speak of).
 */
export function parabolaVertex(x: number[], y: number[]): number | null {
  const parabola = fitIsoFlopParabola(x, y);
  if (!parabola || !(parabola.curvature > 0)) return null;
  return Math.min(Math.max(...x), Math.max(Math.min(...x), parabola.vertexLnN));
}

export interface CalibrationFit {
  rule: LrRule;
  optima: SizeOptimum[];
  /** Root-mean-square of ln(lr_opt / rule(N)) over the sizes (0 for two sizes). */
  rms_log_residual: number;
  warnings: string[];
}

/**
 * Fits ln η* = ln c − k·ln N by least squares over the sizes' best learning rates. Null
 * when fewer than two sizes gave a best learning rate.
 */
export function fitLrRule(sizes: Array<{ size_value: number; n_params: number; points: CalibrationPoint[] }>): CalibrationFit | null {
  const warnings: string[] = [];
  const optima: SizeOptimum[] = [];
  for (const size of sizes) {
    const optimum = sizeOptimum(size.points);
    if (!optimum) {
      warnings.push(`size ${size.size_value}: no calibration run finished with a loss; left out of the learning-rate rule`);
      continue;
    }
    if (optimum.position !== "inside") {
      const side = optimum.position === "low_end" ? "lowest" : "highest";
      warnings.push(`size ${size.size_value}: the best loss is at the ${side} learning rate tried (${optimum.best_lr.toExponential(2)}); its optimum may lie beyond (raise training.lr_calibration.extend_rounds)`);
    }
    optima.push({ size_value: size.size_value, n_params: size.n_params, ...optimum });
  }
  const usable = optima.filter((o, i, all) => all.findIndex((p) => p.n_params === o.n_params) === i);
  if (usable.length < 2) return null;
  const line = fitLine(usable.map((o) => Math.log(o.n_params)), usable.map((o) => Math.log(o.lr_opt)));
  if (!line) return null;
  const rule = { c: Math.exp(line.intercept), k: -line.slope };
  const residuals = usable.map((o) => Math.log(o.lr_opt / ruleLearningRate(rule, o.n_params)));
  const rms = Math.sqrt(residuals.reduce((sum, r) => sum + r * r, 0) / residuals.length);
  if (rule.k < 0) warnings.push(`the fitted rule grows with model size (k = ${rule.k.toFixed(3)}): check the calibration runs (report, "Learning-rate calibration")`);
  return { rule, optima, rms_log_residual: rms, warnings };
}
