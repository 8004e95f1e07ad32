/**
 * The adaptive sweep (planning.strategy: adaptive, docs/adaptive.md) against the fixed
 * quickstart grid on the --mock surface with 1% noise in ln loss, over many seeds: the
 * training FLOPs each needs for the 95% interval of N*(5e12) (10× the grid's largest budget)
 * that the grid's fit reaches (the narrower of its answer's and approach 3's, from 1000
 * resamples; the adaptive stop is confirmed with 1000 too), the truth's coverage, and two one-shot designs at the
 * adaptive sweep's FLOPs: random cells, and a V-optimal (c-optimal) design on approach 3's
 * linearised model, computed at the truth (an oracle) and at Chinchilla's published surface
 * (a prior a user could have). Also: how close the policy's linearised interval comes to the
 * bootstrap's, and how long a decision takes.
 *
 * The grid and the adaptive sweep run through the real pipeline in-process (runSweep on the
 * scripted executor of test/sweep, which answers from the mock surface as the worker's mock.py
 * does: no Python), one worker, and are fitted as `sweep` fits them (approaches 1–3, 100
 * resamples, backtest). The one-shot designs start from the adaptive sweep's own seed-design
 * runs and draw their other runs from the same surface and noise. Not a timed test.
 *
 *   npx tsx bench/adaptive-sweep.ts                    # 20 seeds, 750 s on 2 shared cores (npm run bench:adaptive)
 *   npx tsx bench/adaptive-sweep.ts --seeds 4 --figure docs/figures/adaptive-bench.png
 */
import { rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import * as Plot from "@observablehq/plot";
import { readFitInput } from "../src/fit/fit-input.js";
import { fitRunDir } from "../src/fit/fit-run-dir.js";
import { fitPoints } from "../src/fit/fit-rows.js";
import { chinchillaAllocation, lossSurface, type FitPoint, type LossSurface } from "../src/fitting/index.js";
import { createRandom } from "../src/fitting/random.js";
import { median, quantile } from "../src/fitting/statistics.js";
import { CONFIRM_RESAMPLES, fitAtTarget } from "../src/fitting/target-fit.js";
import { fitApproaches } from "../src/fitting/fit-approaches.js";
import { resolveFitOptions } from "../src/fitting/fit-options.js";
import type { RunDir } from "../src/store/run-dir.js";
import { candidateBudgets, candidateCells } from "../src/planning/adaptive-design.js";
import { linearHalfWidth, scoreCandidates, type Candidate } from "../src/planning/adaptive-policy.js";
import type { PlanOptions, SizeProbe } from "../src/planning/iso-flop.js";
import { candidateSizeValues } from "../src/planning/size-grid.js";
import { renderPng } from "../src/report/render-png.js";
import { renderSvg } from "../src/report/render-svg.js";
import type { AdaptiveFile } from "../src/store/adaptive-record.js";
import { gptParams } from "../test/sweep/mock-worker.js";
import { scriptedSweepDir, sweepScripted } from "../test/sweep/scripted-sweep.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const SEEDS = Number(option("--seeds", "20"));
/** Only these seeds (comma-separated), to look at some again. */
const ONLY = option("--only", "").split(",").filter(Boolean).map(Number);
const NOISE = Number(option("--noise", "0.01"));
const FIGURE = option("--figure", "");

const TRUTH: LossSurface = { E: 1.69, A: 193.7, B: 410.7, alpha: 0.34, beta: 0.28 };
/** Hoffmann et al.'s published fit: what a user would plan a one-shot design at. */
const PRIOR: LossSurface = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
const BUDGETS = [3e10, 6e10, 1.2e11, 2.5e11, 5e11];
const TARGET = 10 * BUDGETS[BUDGETS.length - 1]!;
const TRUE_N = chinchillaAllocation(TRUTH, TARGET).n_params;
const SIZES = { min: 4, max: 256, count: 48, multiple_of: 4 };
const quickstart = (seed: number) => [
  "name: quickstart", "plugin: gpt", `seed: ${seed}`, "planning:", `  budgets: [${BUDGETS.join(", ")}]`, "  sizes_per_budget: 5", "  tokens_per_param: 60", "  span: 4",
  `  size_values: { min: ${SIZES.min}, max: ${SIZES.max}, count: ${SIZES.count}, multiple_of: ${SIZES.multiple_of} }`, "mock:", "  A: 193.7", `  noise: ${NOISE}`,
];
const OPTIONS: PlanOptions = { budgets: BUDGETS, sizesPerBudget: 5, tokensPerParam: 60, span: 4, paramConvention: "total", flops: "6nd" };
const PROBES: SizeProbe[] = candidateSizeValues(SIZES).map((d) => {
  const { total, embedding } = gptParams(d);
  return { size_value: d, n_params: total, n_params_embedding: embedding, n_params_non_embedding: total - embedding, flops_per_token: null };
});
/** The adaptive sweep's candidate space, centred on the prior (a one-shot design sees no fit). */
const CELLS: Candidate[] = candidateCells(PROBES, OPTIONS, candidateBudgets(BUDGETS, TARGET), () => null)
  .map((c) => ({ key: `${c.budget_flops}:${c.size_value}`, n_params: c.n_params, n_tokens: c.n_tokens, cost_flops: c.budget_flops }));

const covers = (i: { lo: number; hi: number } | null | undefined) => (i ? i.lo <= TRUE_N && TRUE_N <= i.hi : false);
const halfWidth = (i: { lo: number; hi: number } | null | undefined) => (i ? Math.log(i.hi / i.lo) / 2 : Infinity);

/**
 * From an adaptive run directory: the seed design's runs as fit points, and for every fit of
 * adaptive.json the runs it fitted (one worker: records in the order they ran), approach 3's
 * surface on them and the RMS of its log residuals (n − 5 degrees of freedom), for the
 * linearised interval.
 */
function approach3Data(runDir: RunDir, file: AdaptiveFile) {
  const points: Array<FitPoint & { experiment_id: string }> = runDir.records("results").filter((r) => r.status === "completed" && r.loss !== null && r.n_tokens !== null && r.n_params !== null)
    .map((r) => ({ n_params: r.n_params!, n_tokens: r.n_tokens!, loss: r.loss!, budget_flops: r.budget_flops, experiment_id: r.experiment_id }));
  const seedIds = new Set(file.seed_experiment_ids);
  const fits = file.fits.flatMap((f) => {
    if (!f.n_opt) return [];
    const design = points.slice(0, f.runs);
    const a3 = fitApproaches(design, resolveFitOptions({ approaches: [3] })).result.approaches["3"];
    if (a3?.status !== "fitted") return [];
    const surface: LossSurface = { E: a3.E!, A: a3.A!, B: a3.B!, alpha: a3.alpha!, beta: a3.beta! };
    const squares = design.reduce((sum, p) => sum + (Math.log(p.loss) - Math.log(lossSurface(surface, p.n_params, p.n_tokens))) ** 2, 0);
    return [{ boot: f.n_opt.half_width, surface, design, sigma: Math.sqrt(squares / Math.max(1, design.length - 5)) }];
  });
  return { points, seedPoints: points.filter((p) => seedIds.has(p.experiment_id)), fits };
}

/** A run of the surface with the bench's noise (its own stream per design and run). */
function observe(random: ReturnType<typeof createRandom>, c: Candidate): FitPoint {
  return { n_params: c.n_params, n_tokens: c.n_tokens, loss: lossSurface(TRUTH, c.n_params, c.n_tokens) * Math.exp(NOISE * random.normal()), budget_flops: c.cost_flops };
}

/** Whether a design's interval is within `width`, approach 3 determined, as the adaptive stage stops: 100 resamples, confirmed with 1000. */
function reaches(design: FitPoint[], width: number): boolean {
  const within = (resamples: number) => {
    const fit = fitAtTarget(design, TARGET, 0, resamples);
    return fit.determined && fit.n_opt !== null && fit.n_opt.half_width <= width;
  };
  return within(100) && within(CONFIRM_RESAMPLES);
}

interface OneShot { width: number; covered: boolean; determined: boolean; flops: number; reachedAt: number | null }

/**
 * A design grown from the seed runs, one cell at a time (`pick`), up to `cap` FLOPs; fitted at
 * equal FLOPs (`equal`) and, when `reach` is given, after every run until its width is reached.
 */
function oneShot(seed: FitPoint[], seedFlops: number, equal: number, pick: (design: FitPoint[], spent: number, budget: number) => Candidate | null, random: ReturnType<typeof createRandom>, reach: number | null, cap: number): OneShot {
  const design = [...seed];
  let spent = seedFlops;
  let atEqual: OneShot | null = null;
  let reachedAt: number | null = null;
  for (;;) {
    if (spent >= equal && !atEqual) {
      const fit = fitAtTarget(design, TARGET);
      atEqual = { width: fit.n_opt?.half_width ?? Infinity, covered: covers(fit.n_opt), determined: fit.determined, flops: spent, reachedAt: null };
      if (reach === null) break;
    }
    if (reach !== null && atEqual && reachedAt === null && reaches(design, reach)) reachedAt = spent;
    if (reachedAt !== null || spent >= cap) break;
    const next = pick(design, spent, (atEqual ? cap : equal) - spent);
    if (!next) {
      if (atEqual) break;
      // Nothing fits the rest of the equal budget: fit there.
      equal = spent;
      continue;
    }
    design.push(observe(random, next));
    spent += next.cost_flops;
  }
  return { ...atEqual!, reachedAt };
}

/** The V-optimal one-shot design's next cell at `surface`: the adaptive policy's criterion with the surface known (no data). */
const vOptimal = (surface: LossSurface) => (design: FitPoint[], _spent: number, budget: number) =>
  scoreCandidates({ surfaces: [surface], optimum: chinchillaAllocation, target_budget: TARGET, design, candidates: CELLS.filter((c) => c.cost_flops <= budget), half_width: { n_opt: 1, loss_opt: 1 } })[0]?.candidate ?? null;

const uniform = (random: ReturnType<typeof createRandom>) => (_design: FitPoint[], _spent: number, budget: number) => {
  const affordable = CELLS.filter((c) => c.cost_flops <= budget);
  return affordable.length ? affordable[random.int(affordable.length)]! : null;
};

interface SeedResult {
  seed: number;
  grid: { flops: number; answer: number | null; width: number; width3: number; target: number; covered: boolean };
  adaptive: {
    reachedAt: number | null; stopFlops: number; width: number; covered: boolean; determined: boolean; decisionS: number[]; trajectory: Array<{ flops: number; width: number }>;
    /** Decisions, and those scored at the prior surface (no plausible fit: the prior is close to this surface, so they would flatter it). */
    decisions: number; atPrior: number;
    /** Where the truth lies in the stop's interval: ln(true N* / estimate) over the half-width on its side (beyond ±1: not covered). */
    truthAt: number;
    /** The stop's runs bootstrapped again (1000 resamples, another seed): the width without the luck of stopping where it dipped. */
    remeasured: number; remeasuredCovered: boolean;
  };
  random: OneShot;
  oracle: OneShot;
  prior: OneShot;
  linear: Array<{ boot: number; linear: number }>;
}

/** Seconds spent per phase (stderr), to see where a seed's time goes. */
const phases: Record<string, number> = {};
function timed<T>(phase: string, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    phases[phase] = (phases[phase] ?? 0) + (performance.now() - start) / 1000;
  }
}

async function timedAsync<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    phases[phase] = (phases[phase] ?? 0) + (performance.now() - start) / 1000;
  }
}

async function oneSeed(seed: number): Promise<SeedResult> {
  const gridDir = scriptedSweepDir("bench-grid", quickstart(seed));
  const grid = await timedAsync("grid sweep", () => sweepScripted(gridDir, { noFinish: true, workers: 1 }));
  // The grid's answer as `sweep` chooses it (100 resamples, backtest); its interval and approach 3's again from 1000 resamples, as stable as the adaptive stop's.
  const gridFit = timed("grid fit", () => fitRunDir(grid.outcome.runDir, { approaches: [1, 2, 3], bootstrap: 100, seed: 0, predict: [TARGET], paramConvention: "total", holdout: "auto" }).fit);
  const answer = gridFit.preferred_approach;
  const gridPoints = fitPoints(readFitInput(grid.outcome.runDir.root).rows, "total");
  const measure = (k: 1 | 2 | 3) => timed("grid fit", () => fitApproaches(gridPoints, resolveFitOptions({ approaches: [k], bootstrap: CONFIRM_RESAMPLES, seed: 0, predict: [TARGET] })))
    .result.approaches[String(k) as "1" | "2" | "3"]?.determination?.measures.n_opt[0] ?? null;
  const grid3Interval = measure(3);
  const answerInterval = answer === 3 ? grid3Interval : answer ? measure(answer) : null;
  const gridWidth = halfWidth(answerInterval);
  const grid3 = halfWidth(grid3Interval);
  const gridFlops = gridFit.cost!.train_flops;
  // The width to reach: the narrower of the grid's answer's and approach 3's (the grid answers with approach 2 on some seeds, whose interval is wider).
  const gridTarget = Math.min(gridWidth, grid3);
  rmSync(gridDir.dir, { recursive: true, force: true });

  // The adaptive sweep stops at the grid's width, or before the grid's FLOPs.
  const lines = quickstart(seed);
  lines.splice(lines.indexOf("mock:"), 0, "  strategy: adaptive", `  target_budget: ${TARGET}`, `  target_width: ${gridTarget}`, `  max_flops: ${gridFlops}`);
  const adaptiveDir = scriptedSweepDir("bench-adaptive", lines);
  const decisionS: number[] = [];
  let lastRecorded = 0;
  const adaptive = await timedAsync("adaptive sweep", () => sweepScripted(adaptiveDir, {
    noFinish: true, workers: 1,
    onEvent: (event) => {
      if (event.type === "recorded") lastRecorded = performance.now();
      if (event.type === "decided" && lastRecorded > 0) decisionS.push((performance.now() - lastRecorded) / 1000);
    },
  }));
  const file = adaptive.outcome.runDir.read("adaptive") as AdaptiveFile;
  const last = file.fits.at(-1)!;
  const data = timed("linearised intervals", () => approach3Data(adaptive.outcome.runDir, file));
  const again = timed("adaptive bootstrapped again", () => fitAtTarget(data.points, TARGET, 1, CONFIRM_RESAMPLES));
  rmSync(adaptiveDir.dir, { recursive: true, force: true });

  const random = createRandom(seed, 29);
  const seedFlops = data.seedPoints.reduce((sum, p) => sum + p.budget_flops, 0);
  const equal = last.flops_spent;
  return {
    seed,
    grid: { flops: gridFlops, answer, width: gridWidth, width3: grid3, target: gridTarget, covered: covers(answerInterval) },
    adaptive: {
      reachedAt: file.stop?.reason === "target_width" ? last.flops_spent : null, stopFlops: last.flops_spent, width: last.n_opt?.half_width ?? Infinity, covered: covers(last.n_opt), determined: last.determined, decisionS,
      trajectory: file.fits.flatMap((f) => (f.n_opt ? [{ flops: f.flops_spent, width: f.n_opt.half_width }] : [])),
      remeasured: again.n_opt?.half_width ?? Infinity, remeasuredCovered: covers(again.n_opt),
      decisions: file.decisions.length, atPrior: file.decisions.filter((d) => d.scored_at === "prior").length,
      truthAt: last.n_opt ? Math.log(TRUE_N / last.n_opt.estimate) / Math.abs(Math.log((TRUE_N > last.n_opt.estimate ? last.n_opt.hi : last.n_opt.lo) / last.n_opt.estimate)) : NaN,
    },
    random: timed("random cells", () => oneShot(data.seedPoints, seedFlops, equal, uniform(random), createRandom(seed, 31), null, gridFlops)),
    oracle: timed("V-optimal (truth)", () => oneShot(data.seedPoints, seedFlops, equal, vOptimal(TRUTH), createRandom(seed, 37), gridTarget, gridFlops)),
    prior: timed("V-optimal (prior)", () => oneShot(data.seedPoints, seedFlops, equal, vOptimal(PRIOR), createRandom(seed, 41), gridTarget, gridFlops)),
    linear: data.fits.map((f) => ({ boot: f.boot, linear: linearHalfWidth(f.surface, chinchillaAllocation, TARGET, f.design, f.sigma * Math.sqrt(Math.PI / 2)) ?? NaN })),
  };
}

const fmt = (x: number | null, digits = 3) => (x === null || !Number.isFinite(x) ? "–" : x.toPrecision(digits));
const started = Date.now();
const results: SeedResult[] = [];
console.log(`Adaptive sweep against the quickstart grid: --mock, ${100 * NOISE}% noise in ln loss, N*(${TARGET.toExponential(0)}) (true ${TRUE_N.toExponential(3)}), ${SEEDS} seeds`);
console.log("| seed | grid FLOPs | grid answer | grid ± (answer) | grid ± (approach 3) | adaptive FLOPs to grid's ± | adaptive stop ± | again (bootstrap seed 1) | covers (truth at) | random ± | V-opt (truth) ± | V-opt (prior) ± |");
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const seed of ONLY.length > 0 ? ONLY : Array.from({ length: SEEDS }, (_, i) => i)) {
  const r = await oneSeed(seed);
  results.push(r);
  const ratio = (x: number | null) => (x === null ? "not reached" : `${(x / r.grid.flops).toFixed(3)}×`);
  console.log(`| ${seed} | ${r.grid.flops.toExponential(3)} | ${r.grid.answer ?? "–"} | ${fmt(r.grid.width)} | ${fmt(r.grid.width3)} | ${ratio(r.adaptive.reachedAt)} | ${fmt(r.adaptive.width)}${r.adaptive.determined ? "" : " u"} | ${fmt(r.adaptive.remeasured)} | ${r.adaptive.covered ? "yes" : "NO"} (${r.adaptive.truthAt.toFixed(2)}) | ${fmt(r.random.width)} | ${fmt(r.oracle.width)} | ${fmt(r.prior.width)} |`);
}

const ratios = (pick: (r: SeedResult) => number | null) => results.map((r) => { const x = pick(r); return x === null ? Infinity : x / r.grid.flops; });
const summary = (values: number[]) => `median ${fmt(median(values))}× (quartiles ${fmt(quantile(values, 0.25))}–${fmt(quantile(values, 0.75))}), reached in ${values.filter(Number.isFinite).length} of ${values.length}`;
const narrower = (pick: (r: SeedResult) => OneShot) => results.filter((r) => r.adaptive.width < pick(r).width).length;
const coverage = (pick: (r: SeedResult) => boolean) => `${results.filter(pick).length} of ${results.length}`;
console.log("\nFLOPs to reach the grid's 95% half-width on ln N*(5e12) (the narrower of its answer's and approach 3's), as a share of the grid's FLOPs:");
console.log(`  adaptive (stopped at the grid's width): ${summary(ratios((r) => r.adaptive.reachedAt))}`);
console.log(`  V-optimal at the truth (oracle, grown one run at a time): ${summary(ratios((r) => r.oracle.reachedAt))}`);
console.log(`  V-optimal at Chinchilla's surface (prior): ${summary(ratios((r) => r.prior.reachedAt))}`);
console.log(`\nAt the adaptive sweep's FLOPs (median half-width; seeds where the adaptive interval is narrower):`);
console.log(`  adaptive ${fmt(median(results.map((r) => r.adaptive.width)))}; random cells ${fmt(median(results.map((r) => r.random.width)))} (adaptive narrower in ${narrower((r) => r.random)} of ${results.length}); ` +
  `V-optimal at the truth ${fmt(median(results.map((r) => r.oracle.width)))} (${narrower((r) => r.oracle)}); at the prior ${fmt(median(results.map((r) => r.prior.width)))} (${narrower((r) => r.prior)})`);
console.log(`  like for like, approach 3 on both: the grid's median ${fmt(median(results.map((r) => r.grid.width3)))} with all its FLOPs; the adaptive stop's runs bootstrapped again ` +
  `narrower than it in ${results.filter((r) => r.adaptive.remeasured <= r.grid.width3).length} of ${results.length}`);
console.log(`  the adaptive stop's runs bootstrapped again (seed 1): median ${fmt(median(results.map((r) => r.adaptive.remeasured)))}, within the grid's width in ${results.filter((r) => r.adaptive.remeasured <= r.grid.target).length} of ${results.length}, ` +
  `within 1.1× it in ${results.filter((r) => r.adaptive.remeasured <= 1.1 * r.grid.target).length}`);
console.log(`\nCoverage of the true N*(5e12) by the 95% interval: adaptive ${coverage((r) => r.adaptive.covered)} (bootstrapped again: ${coverage((r) => r.adaptive.remeasuredCovered)}), grid (its answer) ${coverage((r) => r.grid.covered)}, random ${coverage((r) => r.random.covered)}, ` +
  `V-optimal truth ${coverage((r) => r.oracle.covered)}, prior ${coverage((r) => r.prior.covered)}; adaptive determined at its stop in ${coverage((r) => r.adaptive.determined)}`);
const linear = results.flatMap((r) => r.linear).filter((l) => Number.isFinite(l.linear) && Number.isFinite(l.boot));
const linRatio = linear.map((l) => l.linear / l.boot);
console.log(`\nThe policy's linearised half-width (1.96·σ̂·sqrt(π/2)·sqrt(gᵀM⁻¹g) at the fit) over the bootstrap's, ${linear.length} fits: median ${fmt(linRatio.length ? median(linRatio) : NaN)}, quartiles ${fmt(quantile(linRatio, 0.25))}–${fmt(quantile(linRatio, 0.75))}, 10–90% ${fmt(quantile(linRatio, 0.1))}–${fmt(quantile(linRatio, 0.9))}`);
console.log(`Decisions scored at the prior surface (no plausible fitted surface): ${results.reduce((n, r) => n + r.adaptive.atPrior, 0)} of ${results.reduce((n, r) => n + r.adaptive.decisions, 0)}`);
const decisions = results.flatMap((r) => r.adaptive.decisionS);
console.log(`A decision (refit with 100 resamples, then scoring) took median ${fmt(median(decisions))} s, at most ${fmt(Math.max(...decisions))} s, over ${decisions.length} decisions`);
console.error(`${((Date.now() - started) / 1000).toFixed(0)} s: ${Object.entries(phases).map(([phase, s]) => `${phase} ${s.toFixed(0)} s`).join(", ")}`);

if (FIGURE) {
  const lines = results.flatMap((r) => r.adaptive.trajectory.map((t) => ({ seed: r.seed, x: t.flops / r.grid.flops, y: t.width / r.grid.target })));
  const spec: Plot.PlotOptions = {
    width: 640, height: 380, grid: true,
    x: { label: "training FLOPs spent, × the grid's →", domain: [0, 1] },
    y: { label: "↑ N*(5e12) half-width, × the grid's", type: "log" },
    marks: [
      Plot.line(lines, { x: "x", y: "y", z: "seed", stroke: "#4e79a7", strokeOpacity: 0.35 }),
      Plot.ruleY([1], { stroke: "#e15759", strokeDasharray: "5,4" }),
      Plot.ruleX([0.5], { stroke: "#888", strokeDasharray: "2,3" }),
      Plot.dot([{ x: 1, y: 1 }], { x: "x", y: "y", fill: "#e15759", r: 5, symbol: "square" }),
      Plot.frame({ strokeOpacity: 0.2 }),
    ],
  };
  const svg = renderSvg(spec);
  writeFileSync(FIGURE, renderPng(svg));
  console.error(`figure: ${FIGURE} (${dirname(FIGURE)})`);
}
