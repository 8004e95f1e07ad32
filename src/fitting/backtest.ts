/**
 * The backtest of a scaling law (Choshen et al. 2024, arXiv:2410.11840): hold out the K
 * largest budgets, fit on the rest, and predict what the held-out budgets measured — each
 * held-out run's loss and the budget's optimum N*, L* from Approach 3, N* and L* from
 * Approaches 2 and 1's laws — with the absolute relative error (ARE) and whether the interval
 * covered the observed value. With 4 budgets or more, these errors choose the approach that
 * answers (answer.ts).
 *
 * The intervals are prediction intervals for the *observed* values, so they carry both the
 * fit's uncertainty and the observation's noise (Davison & Hinkley 1997, §6.3.3):
 *
 * - a run's loss: replicate r's surface at (N, D) times e^ε, ε a log-residual of the fit's own
 *   runs drawn at random (inflated by √(n/(n − 5)) for the five fitted parameters);
 * - a budget's N* and L* under Approach 3: the vertex of the IsoFLOP parabola through replicate
 *   r's surface at the held-out runs' own (N, D), each times e^ε — what the observed vertex would
 *   be were the refit right;
 * - under Approaches 2 and 1: replicate r's law at C, times the spread of the held-out vertex
 *   from its parabola's losses each times e^ε, ε from the fitted budgets' parabola residuals.
 *
 * A held-out budget's C is what its runs spent (budget-groups.ts, curveCompute), as in the fit.
 *
 * Only the fitted budgets inform the intervals; the held-out runs enter through their design
 * (N, D, C), which the plan fixes before training. Intervals are percentiles at `confidence`.
 */
import { lossSurface, type LossSurface } from "./allocation.js";
import { DEFAULT_MIN_BUDGETS, fitBudget, type ResolvedApproach2Options } from "./approach2-isoflop.js";
import { approach1Replicates, approach2Replicates, approach3Replicates, type BootstrapSettings, type Replicate } from "./bootstrap.js";
import { curveCompute, groupByBudget, type BudgetGroup } from "./budget-groups.js";
import { FitInputError } from "./fit-input-error.js";
import { resolveFitOptions } from "./fit-options.js";
import { fitApproaches, type ApproachesFit } from "./fit-approaches.js";
import { computeModelOf, SIX_ND, type ComputeModel } from "./flops-per-token.js";
import { toJsonSafe } from "./json-safe.js";
import { exponentBudgets } from "./measured-allocation.js";
import { parabolaResiduals } from "./parabola-residuals.js";
import { predictOptimum } from "./predictions.js";
import { preparePoints } from "./prepare-points.js";
import { createRandom, type Random } from "./random.js";
import { percentileInterval } from "./statistics.js";
import type { Backtest, BacktestPrediction } from "./backtest-schema.js";
import type { Approach1Result, Approach2Result, Approach3Result, FitOptions, FitPoint } from "./types.js";

export type { Backtest, BacktestPrediction };

/** Resamples a backtest draws when the fit asks for none: its intervals need them. */
export const BACKTEST_RESAMPLES = 200;

/** `holdout: "auto"`: one budget held out when the runs have one more than a fit needs, else none. */
export function autoHoldout(nBudgets: number, minBudgets: number = DEFAULT_MIN_BUDGETS): number {
  return nBudgets >= minBudgets + 1 ? 1 : 0;
}

const are = (predicted: number, observed: number) => Math.abs(predicted - observed) / Math.abs(observed);
const meanOf = (values: number[]) => (values.length ? values.reduce((s, v) => s + v, 0) / values.length : null);

/** Log-residuals scaled up for the parameters fitted (residuals of a fit are smaller than its noise). */
function inflated(residuals: number[], parameters: number): number[] {
  const n = residuals.length;
  const factor = n > parameters ? Math.sqrt(n / (n - parameters)) : 1;
  return residuals.map((r) => r * factor);
}

const draw = (residuals: readonly number[], random: Random) => (residuals.length ? (residuals[random.int(residuals.length)] as number) : 0);

/** The vertex (N*, L*) of an IsoFLOP parabola through `losses` at the group's sizes; null when refused. */
function vertexOf(group: BudgetGroup, losses: readonly number[], options: ResolvedApproach2Options): { n: number; loss: number } | null {
  const fit = fitBudget({ budget_flops: group.budget_flops, points: group.points.map((p, i) => ({ ...p, loss: losses[i] as number })) }, options, SIX_ND);
  return fit.status === "used" && fit.n_opt !== undefined && fit.loss_opt !== undefined ? { n: fit.n_opt, loss: fit.loss_opt } : null;
}

function row(base: Omit<BacktestPrediction, "interval" | "are" | "covered">, draws: number[], confidence: number): BacktestPrediction {
  const interval = percentileInterval(draws, confidence);
  const observed = base.observed;
  return {
    ...base,
    interval: interval ? { lo: interval.lo, hi: interval.hi } : null,
    draws: draws.filter(Number.isFinite).length,
    are: observed === null ? null : are(base.predicted, observed),
    covered: observed === null || !interval ? null : observed >= interval.lo && observed <= interval.hi,
  };
}

function thetaOf(fit: Approach3Result): number[] | null {
  const { E, A, B, alpha, beta } = fit;
  return E === null || A === null || B === null || alpha === null || beta === null ? null : [Math.log(E), Math.log(A), Math.log(B), alpha, beta];
}

interface Context {
  held: BudgetGroup[];
  /** Each held-out budget's compute: what its runs spent. */
  heldCompute: number[];
  observedVertex: Array<{ n: number; loss: number } | null>;
  refusedReason: Array<string | undefined>;
  options: ResolvedApproach2Options;
  confidence: number;
  seed: number;
}

function approach3Rows(fit: Approach3Result, replicates: Array<Replicate | null>, result: ApproachesFit["result"], context: Context): BacktestPrediction[] {
  const { E, A, B, alpha, beta } = fit;
  if (E === null || A === null || B === null || alpha === null || beta === null) return [];
  const surface: LossSurface = { E, A, B, alpha, beta };
  const residuals = inflated(fit.residuals.map((r) => Math.log(r.loss / r.predicted)), 5);
  const surfaces = replicates.filter((r): r is Replicate => r !== null && r.surface !== undefined).map((r) => r.surface as LossSurface);
  const rows: BacktestPrediction[] = [];
  context.held.forEach((group, g) => {
    const random = createRandom(context.seed, 1000 + g);
    // One simulated observation of the whole budget per replicate: its runs' losses, then its vertex.
    const simulated = surfaces.map((s) => group.points.map((p) => lossSurface(s, p.n_params, p.n_tokens) * Math.exp(draw(residuals, random))));
    group.points.forEach((p, i) => {
      rows.push(row({
        approach: 3, quantity: "loss", budget_flops: group.budget_flops, ...(p.experiment_id ? { experiment_id: p.experiment_id } : {}),
        n_params: p.n_params, n_tokens: p.n_tokens, predicted: lossSurface(surface, p.n_params, p.n_tokens), observed: p.loss,
      }, simulated.map((losses) => losses[i] as number), context.confidence));
    });
    const optimum = predictOptimum(3, fit, context.heldCompute[g] as number, result.compute?.flops_per_token);
    if (!optimum || !Number.isFinite(optimum.n_params)) return;
    const vertices = simulated.map((losses) => vertexOf(group, losses, context.options)).filter((v): v is { n: number; loss: number } => v !== null);
    const observed = context.observedVertex[g] ?? null;
    const note = observed ? {} : { note: `no observed optimum: the held-out budget's parabola was refused (${context.refusedReason[g] ?? "no vertex"})` };
    rows.push(row({ approach: 3, quantity: "n_opt", budget_flops: group.budget_flops, predicted: optimum.n_params, observed: observed?.n ?? null, ...note }, vertices.map((v) => v.n), context.confidence));
    rows.push(row({ approach: 3, quantity: "loss_opt", budget_flops: group.budget_flops, predicted: optimum.loss, observed: observed?.loss ?? null, ...note }, vertices.map((v) => v.loss), context.confidence));
  });
  return rows;
}

/** Approach 1's or 2's rows: its laws' N* and L* at each held-out budget; `residuals` the fitted budgets' parabola noise. */
function lawRows(approach: 1 | 2, fit: Approach1Result | Approach2Result, replicates: Array<Replicate | null>, residuals: number[], context: Context): BacktestPrediction[] {
  if (fit.status !== "fitted" || !fit.laws) return [];
  const laws = replicates.filter((r): r is Replicate => r !== null);
  const rows: BacktestPrediction[] = [];
  context.held.forEach((group, g) => {
    const compute = context.heldCompute[g] as number;
    const optimum = predictOptimum(approach, fit, compute);
    if (!optimum) return;
    const observed = context.observedVertex[g] ?? null;
    const random = createRandom(context.seed, 1000 * (4 - approach) + g);
    // The observed vertex's own spread: its parabola's losses re-drawn with the fitted budgets' noise.
    const heldFit = fitBudget(group, context.options, SIX_ND);
    const spread = laws.map(() => {
      if (!observed || !heldFit.parabola) return { n: 1, loss: 1 };
      const { c0, c1, c2 } = heldFit.parabola;
      const losses = group.points.map((p) => {
        const x = Math.log10(p.n_params);
        return (c0 + c1 * x + c2 * x * x) * Math.exp(draw(residuals, random));
      });
      const v = vertexOf(group, losses, context.options);
      return v ? { n: v.n / observed.n, loss: v.loss / observed.loss } : null;
    });
    const paired = laws.flatMap((r, i) => (spread[i] ? [{ optimum: r.predict(compute), spread: spread[i]! }] : []));
    const note = observed ? {} : { note: `no observed optimum: the held-out budget's parabola was refused (${context.refusedReason[g] ?? "no vertex"})` };
    rows.push(row({ approach, quantity: "n_opt", budget_flops: group.budget_flops, predicted: optimum.n_params, observed: observed?.n ?? null, ...note }, paired.map((p) => p.optimum.n_params * p.spread.n), context.confidence));
    rows.push(row({ approach, quantity: "loss_opt", budget_flops: group.budget_flops, predicted: optimum.loss, observed: observed?.loss ?? null, ...note }, paired.map((p) => p.optimum.loss * p.spread.loss), context.confidence));
  });
  return rows;
}

function summarise(predictions: BacktestPrediction[]): Backtest["summary"] {
  const out: Backtest["summary"] = [];
  for (const approach of [3, 2, 1] as const) {
    for (const quantity of ["loss", "n_opt", "loss_opt"] as const) {
      const rows = predictions.filter((p) => p.approach === approach && p.quantity === quantity);
      if (rows.length === 0) continue;
      const errors = rows.flatMap((r) => (r.are === null ? [] : [r.are]));
      const judged = rows.filter((r) => r.covered !== null);
      out.push({ approach, quantity, count: rows.length, mean_are: meanOf(errors), covered: judged.filter((r) => r.covered).length, with_interval: judged.length });
    }
  }
  return out;
}

/** Each approach's mean ARE of N* and of L* over the held-out budgets; `score` their sum (null when either is missing). */
function scores(summary: Backtest["summary"]): Backtest["scores"] {
  return ([3, 2, 1] as const).flatMap((approach) => {
    const of = (quantity: "n_opt" | "loss_opt") => summary.find((s) => s.approach === approach && s.quantity === quantity)?.mean_are ?? null;
    const n = of("n_opt");
    const l = of("loss_opt");
    if (n === null && l === null) return [];
    return [{ approach, n_opt_are: n, loss_opt_are: l, score: n !== null && l !== null ? n + l : null }];
  });
}

/** The mean ARE of an approach's loss predictions (run losses and L*) and of its N*, as the backtest's headline for the answer. */
export function answerErrors(backtest: Pick<Backtest, "predictions">, approach: 1 | 2 | 3 | null): { mean_are: number | null; mean_are_n_opt: number | null } {
  const answer = backtest.predictions.filter((p) => p.approach === approach && p.are !== null);
  return {
    mean_are: meanOf(answer.flatMap((p) => (p.quantity !== "n_opt" ? [p.are as number] : []))),
    mean_are_n_opt: meanOf(answer.flatMap((p) => (p.quantity === "n_opt" ? [p.are as number] : []))),
  };
}

/**
 * Fits on all but the K largest budgets and predicts those. Throws FitInputError (field
 * "holdout") when K is not an integer ≥ 1 or leaves fewer budgets than a fit needs.
 * `preferred_approach`, `mean_are` and `mean_are_n_opt` name no approach here (null): the
 * fit that the backtest informs fills them in with the approach that answers.
 */
export function runBacktest(points: FitPoint[], options: FitOptions, holdout: number): Backtest {
  const settings = resolveFitOptions(options);
  const minimum = settings.approach2.minBudgets;
  if (!(Number.isInteger(holdout) && holdout >= 1)) throw new FitInputError("holdout", `${holdout} (must be an integer ≥ 1)`);
  const { points: used } = preparePoints(points, settings.excludeWorst);
  const groups = groupByBudget(used, settings.budgetTolerance);
  if (holdout > groups.length - minimum) {
    const most = Math.max(0, groups.length - minimum);
    throw new FitInputError("holdout", `${holdout} (the runs have ${groups.length} budget${groups.length === 1 ? "" : "s"} and a fit needs ${minimum}: at most ${most} can be held out)`);
  }
  const trainGroups = groups.slice(0, groups.length - holdout);
  const held = groups.slice(groups.length - holdout);
  const train = trainGroups.flatMap((g) => g.points);
  const { onProgress: _progress, ...rest } = options;
  const fit = fitApproaches(train, resolveFitOptions({ ...rest, bootstrap: 0, predict: [], excludeWorst: 0, holdout: 0 })).result;
  const compute: ComputeModel = computeModelOf(used).model;
  const resamples = settings.bootstrap > 0 ? settings.bootstrap : BACKTEST_RESAMPLES;
  const boot: BootstrapSettings = { resamples, seed: settings.seed, confidence: settings.confidence, predict: [] };
  const observed = held.map((group) => fitBudget(group, settings.approach2, SIX_ND));
  const context: Context = {
    held,
    heldCompute: held.map((group) => curveCompute(group.points, compute)),
    observedVertex: observed.map((b) => (b.status === "used" && b.n_opt !== undefined && b.loss_opt !== undefined ? { n: b.n_opt, loss: b.loss_opt } : null)),
    refusedReason: observed.map((b) => b.reason),
    options: settings.approach2,
    confidence: settings.confidence,
    seed: settings.seed,
  };
  const warnings: string[] = [];
  const predictions: BacktestPrediction[] = [];
  const trainCompute: ComputeModel = fit.compute?.accounting === "measured" && fit.compute.flops_per_token ? { accounting: "measured", phi: fit.compute.flops_per_token } : SIX_ND;
  const a3 = fit.approaches["3"];
  const theta = a3?.status === "fitted" ? thetaOf(a3) : null;
  if (a3 && theta) {
    const measured = a3.allocation && trainCompute.accounting === "measured" ? { phi: trainCompute.phi, budgets: exponentBudgets(trainGroups.map((g) => curveCompute(g.points, trainCompute))) } : undefined;
    predictions.push(...approach3Rows(a3, approach3Replicates(train, theta, settings.approach3.huberDelta, boot, measured), fit, context));
  } else if (settings.approaches.includes(3)) warnings.push("approach 3 gave no law on the fitted budgets: no approach 3 backtest");
  const a2 = fit.approaches["2"];
  const residuals = a2?.status === "fitted" ? parabolaResiduals(a2, trainGroups) : [];
  if (a2?.status === "fitted") predictions.push(...lawRows(2, a2, approach2Replicates(trainGroups, settings.approach2, trainCompute, boot), residuals, context));
  else if (settings.approaches.includes(2)) warnings.push("approach 2 gave no law on the fitted budgets: no approach 2 backtest");
  const a1 = fit.approaches["1"];
  // Approach 1's held-out vertex spread needs a parabola's residuals: approach 2's when it fitted, else none (its intervals then hold the law's spread only).
  if (a1?.status === "fitted") predictions.push(...lawRows(1, a1, approach1Replicates(trainGroups, settings.approach1, trainCompute, boot), residuals, context));
  else if (settings.approaches.includes(1)) warnings.push("approach 1 gave no law on the fitted budgets: no approach 1 backtest");
  for (const [g, budget] of observed.entries()) {
    if (budget.status === "refused") warnings.push(`held-out budget ${held[g]!.budget_flops.toExponential(2)}: its own parabola was refused (${budget.reason}), so its N* and L* are not compared`);
  }
  const summary = summarise(predictions);
  return toJsonSafe({
    holdout,
    fitted_budgets: trainGroups.map((g) => g.budget_flops),
    held_out_budgets: held.map((g) => g.budget_flops),
    confidence: settings.confidence,
    resamples,
    seed: settings.seed,
    preferred_approach: null,
    predictions,
    mean_are: null,
    mean_are_n_opt: null,
    summary,
    scores: scores(summary),
    warnings,
  });
}
