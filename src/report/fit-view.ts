/**
 * What the report reads from a fit result (fit.json or a fresh fit), parsed defensively:
 * an approach that was not run, a refused budget or a fit written by an older version
 * leaves fields missing, never throws. Pure.
 */
import type { Parabola } from "./parabola.js";

import type { PowerLaw } from "../fitting/index.js";
import type { LnPhiCurve } from "../fitting/vertex-tokens.js";

export type { PowerLaw };

/** A bootstrap interval (the fit's confidence level, 95% by default). */
export interface Interval {
  lo: number;
  hi: number;
}

export interface BudgetFit {
  budget_flops: number;
  status: "used" | "refused";
  reason?: string;
  n_opt?: number;
  d_opt?: number;
  loss_opt?: number;
  n_range?: [number, number];
  parabola?: Parabola;
}

export interface Optimum {
  budget_flops: number;
  n_params: number;
  n_tokens: number;
  loss?: number;
}

/** Bootstrap interval of the optimum at one budget (from predictions, or a `band` the fit may carry). */
export interface BandPoint {
  budget_flops: number;
  n_params?: Interval;
  n_tokens?: Interval;
  loss?: Interval;
}

export interface ApproachView {
  /** "fitted" or "no_law". */
  status?: string;
  a?: number;
  b?: number;
  laws: { n_opt?: PowerLaw; d_opt?: PowerLaw; loss_opt?: PowerLaw };
  /** Approach 1: the envelope's optima; Approach 2: the used budgets' vertices. */
  optima: Optimum[];
  /** Approach 2 only. */
  budgets: BudgetFit[];
  /** Approach 3 only: E, A, B, alpha, beta, G. */
  params: Record<string, number>;
  /** Approach 3 only: the runs' FLOPs per parameter and token when its allocation spends measured FLOPs. */
  flopsPerND?: LnPhiCurve;
  residuals: Array<{ n_params: number; n_tokens: number; loss: number; predicted: number }>;
  intervals: Record<string, Interval>;
  /** Optional per-budget bootstrap band (not in fitting's result today; drawn when present). */
  band: BandPoint[];
  warnings: string[];
}

export interface PredictionView {
  budget_flops: number;
  approach: string;
  n_params?: number;
  n_tokens?: number;
  loss?: number;
  intervals: Record<string, Interval>;
}

export interface FitView {
  /** The approach that answers (3 if fitted and sound, else 2, else 1), and why. */
  preferred_approach?: string;
  preferred_reason?: string;
  approaches: Partial<Record<"1" | "2" | "3", ApproachView>>;
  predictions: PredictionView[];
  warnings: string[];
  param_convention?: string;
  n_points?: number;
  n_budgets?: number;
  left_out: Array<{ experiment_id?: string; status?: string; reason?: string }>;
  exclusions: unknown[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => list(v).filter((s): s is string => typeof s === "string");

/** [lo, hi], {lo, hi}, {low, high} or {lower, upper}. */
export function parseInterval(v: unknown): Interval | undefined {
  if (Array.isArray(v) && num(v[0]) !== undefined && num(v[1]) !== undefined) return { lo: v[0] as number, hi: v[1] as number };
  if (!isObject(v)) return undefined;
  for (const [lo, hi] of [["lo", "hi"], ["low", "high"], ["lower", "upper"]] as const) {
    if (num(v[lo]) !== undefined && num(v[hi]) !== undefined) return { lo: v[lo] as number, hi: v[hi] as number };
  }
  return undefined;
}

/** Flattens nested intervals to dotted keys: { n_opt: { exponent: [..] } } → "n_opt.exponent". */
function parseIntervals(v: unknown, prefix = "", out: Record<string, Interval> = {}): Record<string, Interval> {
  if (!isObject(v)) return out;
  for (const [key, value] of Object.entries(v)) {
    const interval = parseInterval(value);
    if (interval) out[prefix + key] = interval;
    else if (isObject(value)) parseIntervals(value, `${prefix}${key}.`, out);
  }
  return out;
}

function parseLaw(v: unknown): PowerLaw | undefined {
  if (!isObject(v)) return undefined;
  const coefficient = num(v.coefficient);
  const exponent = num(v.exponent);
  return coefficient !== undefined && exponent !== undefined ? { coefficient, exponent } : undefined;
}

/** fitting's ParabolaCoefficients: loss = c0 + c1·x + c2·x², x = log10 N (or ln N when x is "ln"). */
function parseParabola(v: unknown): Parabola | undefined {
  if (!isObject(v)) return undefined;
  const [c2, c1, c0] = [num(v.c2), num(v.c1), num(v.c0)];
  if (c2 === undefined || c1 === undefined || c0 === undefined) return undefined;
  // ln N = x10 · ln 10, so coefficients in ln N convert to log10 N like this.
  if (v.x === "ln") return { c2: c2 * Math.LN10 ** 2, c1: c1 * Math.LN10, c0 };
  return { c2, c1, c0 };
}

function parseBudget(v: unknown): BudgetFit | undefined {
  if (!isObject(v) || num(v.budget_flops) === undefined) return undefined;
  const range = list(v.n_range);
  const lo = num(range[0]);
  const hi = num(range[1]);
  return {
    budget_flops: v.budget_flops as number,
    status: v.status === "refused" ? "refused" : "used",
    reason: typeof v.reason === "string" ? v.reason : undefined,
    n_opt: num(v.n_opt),
    d_opt: num(v.d_opt),
    loss_opt: num(v.loss_opt),
    n_range: lo !== undefined && hi !== undefined ? [lo, hi] : undefined,
    parabola: parseParabola(v.parabola),
  };
}

function parseOptimum(v: unknown): Optimum | undefined {
  if (!isObject(v)) return undefined;
  const budget = num(v.budget_flops);
  const n = num(v.n_params) ?? num(v.n_opt);
  const d = num(v.n_tokens) ?? num(v.d_opt);
  if (budget === undefined || n === undefined || d === undefined) return undefined;
  return { budget_flops: budget, n_params: n, n_tokens: d, loss: num(v.loss) ?? num(v.loss_opt) };
}

function parseBandPoint(v: unknown): BandPoint | undefined {
  if (!isObject(v) || num(v.budget_flops) === undefined) return undefined;
  return {
    budget_flops: v.budget_flops as number,
    n_params: parseInterval(v.n_params ?? v.n_opt),
    n_tokens: parseInterval(v.n_tokens ?? v.d_opt),
    loss: parseInterval(v.loss ?? v.loss_opt),
  };
}

function parseApproach(v: unknown): ApproachView | undefined {
  if (!isObject(v)) return undefined;
  const laws = isObject(v.laws) ? v.laws : {};
  const budgets = list(v.budgets).map(parseBudget).filter((b): b is BudgetFit => b !== undefined);
  const optima = list(v.optima).map(parseOptimum).filter((o): o is Optimum => o !== undefined);
  for (const b of budgets) {
    if (b.status === "used" && b.n_opt !== undefined && b.d_opt !== undefined && !optima.some((o) => o.budget_flops === b.budget_flops)) {
      optima.push({ budget_flops: b.budget_flops, n_params: b.n_opt, n_tokens: b.d_opt, loss: b.loss_opt });
    }
  }
  const params: Record<string, number> = {};
  for (const key of ["E", "A", "B", "alpha", "beta", "G", "objective"]) {
    const value = num(v[key]);
    if (value !== undefined) params[key] = value;
  }
  const residuals = list(v.residuals).flatMap((r) => {
    if (!isObject(r)) return [];
    const [n, d, loss, predicted] = [num(r.n_params), num(r.n_tokens), num(r.loss), num(r.predicted)];
    return n !== undefined && d !== undefined && loss !== undefined && predicted !== undefined ? [{ n_params: n, n_tokens: d, loss, predicted }] : [];
  });
  const phi = isObject(v.allocation) && isObject(v.allocation.flops_per_nd) ? v.allocation.flops_per_nd : undefined;
  const curve = phi ? { centre: num(phi.centre), scale: num(phi.scale), k0: num(phi.k0), k1: num(phi.k1), k2: num(phi.k2) } : undefined;
  const flopsPerND = curve && Object.values(curve).every((x) => x !== undefined) ? (curve as LnPhiCurve) : undefined;
  // Approach 1 may carry only k_n, k_d beside a, b.
  const nLaw = parseLaw(laws.n_opt) ?? (num(v.k_n) !== undefined && num(v.a) !== undefined ? { coefficient: v.k_n as number, exponent: v.a as number } : undefined);
  const dLaw = parseLaw(laws.d_opt) ?? (num(v.k_d) !== undefined && num(v.b) !== undefined ? { coefficient: v.k_d as number, exponent: v.b as number } : undefined);
  return {
    status: typeof v.status === "string" ? (isObject(v.checks) && v.checks.passed === false ? `${v.status}, failed its checks` : v.status) : undefined,
    a: num(v.a),
    b: num(v.b),
    laws: { n_opt: nLaw, d_opt: dLaw, loss_opt: parseLaw(laws.loss_opt) },
    optima: optima.sort((x, y) => x.budget_flops - y.budget_flops),
    budgets: budgets.sort((x, y) => x.budget_flops - y.budget_flops),
    params,
    ...(flopsPerND ? { flopsPerND } : {}),
    residuals,
    intervals: parseIntervals(v.intervals),
    band: list(v.band).map(parseBandPoint).filter((p): p is BandPoint => p !== undefined),
    warnings: strings(v.warnings),
  };
}

function parsePrediction(v: unknown): PredictionView | undefined {
  if (!isObject(v) || num(v.budget_flops) === undefined) return undefined;
  return {
    budget_flops: v.budget_flops as number,
    approach: String(v.approach ?? ""),
    n_params: num(v.n_params),
    n_tokens: num(v.n_tokens),
    loss: num(v.loss),
    intervals: parseIntervals(v.intervals),
  };
}

export function fitView(fit: unknown): FitView {
  const v = isObject(fit) ? fit : {};
  const approaches: FitView["approaches"] = {};
  const raw = isObject(v.approaches) ? v.approaches : {};
  for (const key of ["1", "2", "3"] as const) {
    const approach = parseApproach(raw[key]);
    if (approach) approaches[key] = approach;
  }
  return {
    preferred_approach: v.preferred_approach === null || v.preferred_approach === undefined ? undefined : String(v.preferred_approach),
    preferred_reason: typeof v.preferred_reason === "string" ? v.preferred_reason : undefined,
    approaches,
    predictions: list(v.predictions).map(parsePrediction).filter((p): p is PredictionView => p !== undefined),
    warnings: strings(v.warnings),
    param_convention: typeof v.param_convention === "string" ? v.param_convention : undefined,
    n_points: num(v.n_points),
    n_budgets: num(v.n_budgets),
    left_out: list(v.left_out).filter(isObject) as FitView["left_out"],
    exclusions: list(v.exclusions),
  };
}
