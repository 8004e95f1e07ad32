/**
 * Deterministic report inputs: runs on the Chinchilla surface (docs/methods.md §4) with seeded
 * 0.3% noise at 5 budgets, one of them sampled too narrowly and refused by Approach 2,
 * one failed run, training curves, and a fit result as fit.json holds it (FitOutput).
 */
import type { ResultRecord } from "../../src/store/record.js";
import type { FitOutput } from "../../src/store/fit-json.js";
import { budgetParabola } from "../../src/fitting/index.js";

export const SURFACE = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
export const BUDGETS = [1e11, 3e11, 1e12, 3e12, 1e13];
const REFUSED = 3e11;

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function surfaceLoss(n: number, d: number): number {
  return SURFACE.E + SURFACE.A / n ** SURFACE.alpha + SURFACE.B / d ** SURFACE.beta;
}

function optimum(budget: number) {
  const { A, B, alpha, beta } = SURFACE;
  const G = ((alpha * A) / (beta * B)) ** (1 / (alpha + beta));
  return { n: G * (budget / 6) ** (beta / (alpha + beta)), d: (budget / 6) ** (alpha / (alpha + beta)) / G, G };
}

export function fixtureRecords(): ResultRecord[] {
  const random = lcg(7);
  const records: ResultRecord[] = [];
  BUDGETS.forEach((budget, bi) => {
    // The refused budget is sampled entirely above its optimum: no interior vertex.
    const factors = budget === REFUSED ? [2, 3, 4.5, 6.5] : [1 / 4, 1 / 2, 1, 2, 4];
    factors.forEach((k, si) => {
      const n = Math.round(optimum(budget).n * k);
      const d = Math.round(budget / (6 * n));
      const loss = surfaceLoss(n, d) * (1 + 0.003 * (random() - 0.5));
      const failed = bi === 4 && si === 4;
      const steps = 20;
      records.push({
        experiment_id: `c${bi}s${si}`,
        attempt: failed ? 2 : 1,
        status: failed ? "failed" : "completed",
        budget_flops: budget,
        size_value: 16 * (si + 1),
        n_params: n,
        n_params_embedding: Math.round(n * 0.1),
        n_params_non_embedding: n - Math.round(n * 0.1),
        n_tokens: failed ? null : d,
        n_tokens_planned: d,
        flops_6nd: failed ? null : 6 * n * d,
        flops_measured: failed ? null : 6.6 * n * d,
        loss: failed ? null : Number(loss.toFixed(5)),
        train_loss: failed ? null : Number((loss * 1.01).toFixed(5)),
        wall_s: failed ? null : 10 + bi * 5 + si,
        error: failed ? "worker lost: no heartbeat for 30 s\nworker log tail: ..." : null,
        finished_at: "2025-01-01T00:00:00.000Z",
        curve: failed ? [] : Array.from({ length: steps }, (_, i) => {
          const tokens = (d * (i + 1)) / steps;
          return { step: i + 1, tokens: Math.round(tokens), train_loss: Number((surfaceLoss(n, tokens) * 1.01).toFixed(5)) };
        }),
      });
    });
  });
  return records;
}

function logLogFit(xs: number[], ys: number[]) {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((s, v) => s + v, 0) / lx.length;
  const my = ly.reduce((s, v) => s + v, 0) / ly.length;
  const slope = lx.reduce((s, v, i) => s + (v - mx) * (ly[i]! - my), 0) / lx.reduce((s, v) => s + (v - mx) ** 2, 0);
  return { coefficient: Math.exp(my - slope * mx), exponent: slope };
}

/** A fit result (as fit.json holds it) for fixtureRecords(): Approaches 1–3 and predictions. */
export function fixtureFit(): FitOutput {
  const records = fixtureRecords().filter((r) => r.status === "completed");
  const budgets = BUDGETS.map((budget) => {
    const own = records.filter((r) => r.budget_flops === budget).map((r) => ({ n_params: r.n_params!, loss: r.loss! }));
    const p = budgetParabola(own)!;
    const n_range: [number, number] = [Math.min(...own.map((o) => o.n_params)), Math.max(...own.map((o) => o.n_params))];
    if (budget === REFUSED) return { budget_flops: budget, status: "refused" as const, reason: "vertex below the sampled range (log10 N = 4.61 < 4.88)", n_range, n_points: own.length, parabola: p };
    const x = -p.c1 / (2 * p.c2);
    const n = 10 ** x;
    return { budget_flops: budget, status: "used" as const, n_opt: n, d_opt: budget / (6 * n), loss_opt: p.c0 + p.c1 * x + p.c2 * x * x, n_range, n_points: own.length, parabola: p };
  });
  const used = budgets.filter((b) => b.status === "used") as Array<{ budget_flops: number; n_opt: number; d_opt: number; loss_opt: number }>;
  const laws = {
    n_opt: logLogFit(used.map((b) => b.budget_flops), used.map((b) => b.n_opt)),
    d_opt: logLogFit(used.map((b) => b.budget_flops), used.map((b) => b.d_opt)),
    loss_opt: logLogFit(used.map((b) => b.budget_flops), used.map((b) => b.loss_opt)),
  };
  const envelope = BUDGETS.map((budget) => {
    const best = records.filter((r) => r.budget_flops === budget).reduce((x, y) => (y.loss! < x.loss! ? y : x));
    return { budget_flops: budget, n_params: best.n_params!, n_tokens: best.n_tokens!, loss: best.loss!, n_points: 5, at_edge: false };
  });
  const { G } = optimum(1);
  const a = SURFACE.beta / (SURFACE.alpha + SURFACE.beta);
  const b = SURFACE.alpha / (SURFACE.alpha + SURFACE.beta);
  const predictions = [1e14, 1e15].flatMap((budget) => {
    const o = optimum(budget);
    const loss = surfaceLoss(o.n, o.d);
    const interval = (v: number, w: number) => ({ lo: v / (1 + w), hi: v * (1 + w), se: v * w / 2 });
    return [{ budget_flops: budget, approach: 3 as const, n_params: o.n, n_tokens: o.d, loss, tokens_per_param: o.d / o.n, compute: "6ND" as const, extrapolated: true, intervals: { n_params: interval(o.n, 0.15), n_tokens: interval(o.d, 0.15), loss: interval(loss, 0.01) } }];
  });
  return {
    n_points: records.length,
    n_budgets: BUDGETS.length,
    observed_budgets: BUDGETS,
    budget_over_6nd: { min: 1, max: 1 },
    param_convention: "total",
    preferred_approach: 3,
    approaches: {
      "1": { status: "fitted", a: 0.47, b: 0.53, k_n: null, k_d: null, laws: null, optima: envelope, warnings: [] },
      "2": { status: "fitted", a: laws.n_opt.exponent, b: laws.d_opt.exponent, laws, budgets, intervals: { a: { lo: 0.43, hi: 0.47, se: 0.01 } }, warnings: ["budget 3e+11 refused: vertex below the sampled range"] },
      "3": {
        status: "fitted", ...SURFACE, a, b, G, objective: 1.2e-5, huber_delta: 1e-3, optimizer: null,
        residuals: records.map((r) => ({ experiment_id: r.experiment_id, budget_flops: r.budget_flops, n_params: r.n_params!, n_tokens: r.n_tokens!, loss: r.loss!, predicted: surfaceLoss(r.n_params!, r.n_tokens!) })),
        intervals: { alpha: { lo: 0.33, hi: 0.35, se: 0.005 }, a: { lo: 0.44, hi: 0.46, se: 0.005 } },
        warnings: [],
      },
    },
    predictions,
    warnings: ["1 run left out of the fit (1 failed); see left_out"],
    left_out: [{ experiment_id: "c4s4", status: "failed", reason: "run failed", n_params: null, n_tokens: null, loss: null }],
  };
}
