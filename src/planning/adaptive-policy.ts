/**
 * The adaptive sweep's design policy (pure; docs/adaptive.md): given the runs so far and the
 * fit of approach 3's surface with its bootstrap, which candidate run shrinks the 95% interval
 * of ln N*(C_target) — and of ln L*(C_target) — the most per FLOP.
 *
 * In the spirit of Optuna's samplers (ask/tell): the policy sees the sweep's history alone and
 * owns no state, so a resumed sweep that hands it the same records gets the same answer.
 *
 * The criterion is the classical one of optimal design for a nonlinear model linearised at its
 * estimate (Chernoff 1953, "locally optimal designs"; Atkinson, Donev & Tobias 2007, ch. 17 and
 * 21: c-optimality for one function of the parameters). Approach 3 fits
 * y = ln L(N, D) = ln(E + A·N^−α + B·D^−β) + ε over θ = (ln E, ln A, ln B, α, β); a run at
 * (N, D) adds the row j = ∂y/∂θ to the information matrix M = Σ j·jᵀ, and the variance of a
 * function q(θ) (here ln N*(C_t) or ln L*(C_t)) is σ²·gᵀM⁻¹g with g = ∂q/∂θ. One more run x
 * lowers it by (Sherman–Morrison)
 *
 *   Δv(x) = σ²·(gᵀM⁻¹j_x)² / (1 + j_xᵀM⁻¹j_x),
 *
 * a share r(x) = Δv/v of the variance that does not depend on σ. Runs still training count
 * in M already: their rows are known before their losses are. The share is averaged over the
 * fit's surface and its bootstrap refits (an expectation over what the runs leave uncertain,
 * so that one unlucky estimate does not steer the design; Chaloner & Verdinelli 1995 §2.2),
 * and applied to the interval the bootstrap measured: the half-width w shrinks to
 * w·sqrt(1 − r). A candidate's value is the relative shrinkage of N*'s half-width plus
 * LOSS_WEIGHT times L*'s, per FLOP it costs (a run's budget, or a WSD branch's marginal FLOPs).
 */
import type { LossSurface } from "../fitting/allocation.js";
import { MAX_EXPONENT, MAX_LOG_COEFFICIENT } from "../fitting/approach3-checks.js";
import { choleskySolve, type Matrix } from "../fitting/small-linear-algebra.js";

/** One run of the design, or a candidate: its size and tokens (the row it adds depends on these only). */
export interface DesignPoint {
  n_params: number;
  n_tokens: number;
}

/** A run the sweep could start next, and what it costs. */
export interface Candidate extends DesignPoint {
  /** A stable name of the candidate (ties are broken by it, so the choice is deterministic). */
  key: string;
  /** FLOPs it would spend: its budget, or a WSD branch's cooldown and trunk extension. */
  cost_flops: number;
}

/** N* and L* at a budget under the fit's compute model (closed form, or measured FLOPs per token). */
export type OptimumAt = (surface: LossSurface, budgetFlops: number) => { n_params: number; loss: number };

export interface PolicyInput {
  /** The fit's surface first, then bootstrap refits: the shares are averaged over them. */
  surfaces: readonly LossSurface[];
  optimum: OptimumAt;
  target_budget: number;
  /** Runs completed and runs still training. */
  design: readonly DesignPoint[];
  candidates: readonly Candidate[];
  /** The bootstrap's 95% half-widths now: ln N*(C_t), and ln L*(C_t) (null when not measured). */
  half_width: { n_opt: number; loss_opt: number | null };
}

/** A candidate's expected effect: what it would take off each half-width, its cost, its value per FLOP. */
export interface Scored {
  candidate: Candidate;
  /** Expected reduction of the half-width of ln N*(C_t) (nats), and of ln L*(C_t) (null when not measured). */
  n_opt_reduction: number;
  loss_opt_reduction: number | null;
  /** Shares of the variance removed, averaged over the surfaces. */
  n_opt_share: number;
  loss_opt_share: number;
  /** (relative shrinkage of N*'s half-width + LOSS_WEIGHT × L*'s) per FLOP. */
  value_per_flop: number;
}

/** How much L*'s interval counts against N*'s: the stopping rule is on N*, so L* weighs less. */
export const LOSS_WEIGHT = 0.25;

/** Finite-difference step in θ for the gradients of ln N* and ln L*. */
const STEP = 1e-4;

const thetaOf = (s: LossSurface): number[] => [Math.log(s.E), Math.log(s.A), Math.log(s.B), s.alpha, s.beta];
const surfaceOf = (t: readonly number[]): LossSurface => ({ E: Math.exp(t[0]!), A: Math.exp(t[1]!), B: Math.exp(t[2]!), alpha: t[3]!, beta: t[4]! });

/** ∂ ln L(N, D) / ∂θ at θ: the row a run at (N, D) adds to the information matrix. */
export function designRow(s: LossSurface, p: DesignPoint): number[] {
  const lnN = Math.log(p.n_params);
  const lnD = Math.log(p.n_tokens);
  const n = s.A * Math.exp(-s.alpha * lnN);
  const d = s.B * Math.exp(-s.beta * lnD);
  const loss = s.E + n + d;
  return [s.E / loss, n / loss, d / loss, (-n * lnN) / loss, (-d * lnD) / loss];
}

/** Central-difference gradient of f at θ; null where f is not finite nearby. */
function gradient(f: (t: number[]) => number, theta: readonly number[]): number[] | null {
  const g: number[] = [];
  for (let i = 0; i < theta.length; i++) {
    const up = [...theta];
    const down = [...theta];
    up[i] = up[i]! + STEP;
    down[i] = down[i]! - STEP;
    const value = (f(up) - f(down)) / (2 * STEP);
    if (!Number.isFinite(value)) return null;
    g.push(value);
  }
  return g;
}

/** Σ j·jᵀ over the design, with a ridge of 1e-10 × the mean diagonal so that a thin design still inverts. */
export function informationMatrix(rows: readonly number[][]): Matrix {
  const m: Matrix = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  for (const row of rows) for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) m[i]![j]! += row[i]! * row[j]!;
  const ridge = (1e-10 * m.reduce((sum, r, i) => sum + r[i]!, 0)) / 5;
  for (let i = 0; i < 5; i++) m[i]![i]! += ridge || 1e-12;
  return m;
}

const dot = (x: readonly number[], y: readonly number[]) => x.reduce((sum, v, i) => sum + v * y[i]!, 0);

/** The shares of Var(ln N*) and Var(ln L*) each candidate removes at one surface; null when the surface gives no optimum. */
function sharesAt(surface: LossSurface, input: PolicyInput): Array<{ n: number; l: number }> | null {
  const theta = thetaOf(surface);
  const at = (t: number[]) => input.optimum(surfaceOf(t), input.target_budget);
  const gN = gradient((t) => Math.log(at(t).n_params), theta);
  const gL = gradient((t) => Math.log(at(t).loss), theta);
  if (!gN || !gL) return null;
  const m = informationMatrix(input.design.map((p) => designRow(surface, p)));
  const uN = choleskySolve(m, gN);
  const uL = choleskySolve(m, gL);
  if (!uN || !uL) return null;
  const vN = dot(gN, uN);
  const vL = dot(gL, uL);
  if (!(vN > 0) || !(vL > 0)) return null;
  return input.candidates.map((c) => {
    const row = designRow(surface, c);
    const solved = choleskySolve(m, row);
    if (!solved) return { n: 0, l: 0 };
    const leverage = 1 + dot(row, solved);
    return { n: Math.min(1, dot(uN, row) ** 2 / leverage / vN), l: Math.min(1, dot(uL, row) ** 2 / leverage / vL) };
  });
}

/**
 * Whether a surface is one the runs could have determined, by approach 3's own checks
 * (fitting/approach3-checks.ts): 0 < α, β ≤ MAX_EXPONENT and ln A, ln B ≤ MAX_LOG_COEFFICIENT.
 * Linearised at a degenerate surface (α = 47: its N term vanishes within the sampled sizes),
 * a run's information about N* is an artefact of the degeneracy, and the ranking it gives
 * favours whatever is cheapest.
 */
export function plausibleSurface(s: LossSurface): boolean {
  return s.alpha > 0 && s.alpha <= MAX_EXPONENT && s.beta > 0 && s.beta <= MAX_EXPONENT && Math.log(s.A) <= MAX_LOG_COEFFICIENT && Math.log(s.B) <= MAX_LOG_COEFFICIENT;
}

/**
 * The surfaces the policy scores at, given the fit's own surface first and then its refits:
 * the plausible ones, at most `count`, when the fit's own is plausible; else the `prior` alone
 * (what a design made before any run would assume: planning/adaptive-design.ts priorSurface).
 * A degenerate fit does not aim the sweep through the few refits that happen to pass: on a
 * real sweep (docs/adaptive.md) those sent it back to repeats of its cheapest cell.
 */
export function policySurfaces(surfaces: readonly LossSurface[], prior: LossSurface, count: number): { surfaces: LossSurface[]; at: "fit" | "prior" } {
  const own = surfaces[0];
  if (!own || !plausibleSurface(own)) return { surfaces: [prior], at: "prior" };
  return { surfaces: surfaces.filter(plausibleSurface).slice(0, count), at: "fit" };
}

/**
 * Every candidate scored, best first (highest value per FLOP; ties by key). Empty when no
 * surface gives an optimum at the target (then there is nothing to aim at).
 */
export function scoreCandidates(input: PolicyInput): Scored[] {
  const totals = input.candidates.map(() => ({ n: 0, l: 0 }));
  let counted = 0;
  for (const surface of input.surfaces) {
    const shares = sharesAt(surface, input);
    if (!shares) continue;
    counted += 1;
    shares.forEach((s, i) => {
      totals[i]!.n += s.n;
      totals[i]!.l += s.l;
    });
  }
  if (counted === 0) return [];
  const scored = input.candidates.map((candidate, i): Scored => {
    const nShare = totals[i]!.n / counted;
    const lShare = totals[i]!.l / counted;
    const nShrink = 1 - Math.sqrt(1 - nShare);
    const lShrink = 1 - Math.sqrt(1 - lShare);
    const lossWidth = input.half_width.loss_opt;
    return {
      candidate,
      n_opt_reduction: input.half_width.n_opt * nShrink,
      loss_opt_reduction: lossWidth === null ? null : lossWidth * lShrink,
      n_opt_share: nShare,
      loss_opt_share: lShare,
      value_per_flop: (nShrink + (lossWidth === null ? 0 : LOSS_WEIGHT * lShrink)) / candidate.cost_flops,
    };
  });
  return scored.sort((x, y) => y.value_per_flop - x.value_per_flop || (x.candidate.key < y.candidate.key ? -1 : x.candidate.key > y.candidate.key ? 1 : 0));
}

/**
 * The linearised 95% half-width of ln N*(C_t) at a surface (1.96·σ·sqrt(gᵀM⁻¹g)), for
 * measuring the approximation against the bootstrap (bench/adaptive-sweep.ts); null when the
 * design does not determine it.
 */
export function linearHalfWidth(surface: LossSurface, optimum: OptimumAt, targetBudget: number, design: readonly DesignPoint[], sigma: number): number | null {
  const g = gradient((t) => Math.log(optimum(surfaceOf(t), targetBudget).n_params), thetaOf(surface));
  if (!g) return null;
  const u = choleskySolve(informationMatrix(design.map((p) => designRow(surface, p))), g);
  if (!u) return null;
  const v = dot(g, u);
  return v > 0 ? 1.96 * sigma * Math.sqrt(v) : null;
}
