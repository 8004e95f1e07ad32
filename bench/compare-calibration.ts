/**
 * Calibration of `flops-fit compare` (docs/compare.md): pairs of synthetic IsoFLOP sweeps
 * from surfaces whose effective-compute multiplier k(C) is known in closed form, and how
 * often the comparison's 80/90/95% intervals cover it.
 *
 * The baseline is Hoffmann et al. 2022's rounded surface (E=1.69, A=406.4, B=410.7, α=0.34,
 * β=0.28). Variants:
 *   - the baseline with N → mN, D → mD (A·m^−α, B·m^−β): k = m² at every C (m = 1, 1.3, 2);
 *   - surfaces with another α, β or E, where k(C) moves with C (compare-multiplier.ts gives
 *     it in closed form from the true surfaces).
 * Both sweeps use the baseline's plan (coverage.ts's design: 5 budgets ×4 apart from 1e18,
 * 5 sizes over ×4 each side of the baseline's true N*), each with its own log-normal noise.
 * Each pair is fitted (approaches 2, 3), compared with `resamples` bootstrap replicates, and
 * the answer's interval of k at the largest budget, 10× and 100× beyond is checked against
 * the truth; so are the free fits', the shared fit's and Approach 2's (cross-check) intervals.
 *
 *   npx tsx bench/compare-calibration.ts                     # 7 scenarios × 30 pairs × 200 resamples, 0.5% noise
 *   npx tsx bench/compare-calibration.ts --pairs 6 --resamples 100 --noise 0.01
 *   npx tsx bench/compare-calibration.ts --level 0.05 --selection resampled   # the alternatives docs/compare.md measured
 *
 * Prints coverage per fit, level and budget with its binomial SE, the median absolute
 * relative error of k, how often each fit answered, and flags a level more than 5 points off.
 */
import { cpus, loadavg } from "node:os";
import { computeMultiplier } from "../src/fitting/compare-multiplier.js";
import { modelComparison, summariseComparison, type CompareSide, type Comparison, type MultiplierRow } from "../src/fitting/compare.js";
import { chinchillaAllocation, fitScalingLaws, lossSurface, type FitPoint, type LossSurface } from "../src/fitting/index.js";
import { createRandom } from "../src/fitting/random.js";
import { median } from "../src/fitting/statistics.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const pairs = option("--pairs", 30);
const resamples = option("--resamples", 200);
const noise = option("--noise", 0.005);
const level = option("--level", 0.01);
const only = args.includes("--scenario") ? args[args.indexOf("--scenario") + 1] : null;
// "data" (flops-fit's rule): a replicate is judged against the data's threshold; "resampled": against the null simulations resampled as it is.
const selection = args.includes("--selection") ? args[args.indexOf("--selection") + 1] : "data";
if (selection !== "data" && selection !== "resampled") throw new Error(`--selection: ${selection} (data or resampled)`);

const BASE: LossSurface = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
const scaled = (s: LossSurface, m: number): LossSurface => ({ ...s, A: s.A * m ** -s.alpha, B: s.B * m ** -s.beta });
const SCENARIOS: Array<{ name: string; variant: LossSurface }> = [
  { name: "identical (k = 1)", variant: BASE },
  { name: "m = 1.3 (k = 1.69)", variant: scaled(BASE, 1.3) },
  { name: "m = 2 (k = 4)", variant: scaled(BASE, 2) },
  { name: "α 0.36, A ×1.1", variant: { ...BASE, alpha: 0.36, A: BASE.A * 1.1 } },
  { name: "β 0.30, B ×1.3", variant: { ...BASE, beta: 0.3, B: BASE.B * 1.3 } },
  { name: "E 1.60, m = 1.2", variant: { ...scaled(BASE, 1.2), E: 1.6 } },
  { name: "E 1.75, m = 1.5 (crosses)", variant: { ...scaled(BASE, 1.5), E: 1.75 } },
].filter((s) => !only || s.name.startsWith(only));
const BUDGETS = [0, 1, 2, 3, 4].map((i) => 1e18 * 4 ** i);
const TOP = BUDGETS[BUDGETS.length - 1]!;
const AT = [TOP, 10 * TOP, 100 * TOP];
const LEVELS = [0.8, 0.9, 0.95];
const law = (surface: LossSurface) => ({ kind: "surface" as const, surface, phi: null });

function sweep(surface: LossSurface, seed: number): FitPoint[] {
  const random = createRandom(seed, 11);
  return BUDGETS.flatMap((budget) => {
    const centre = chinchillaAllocation(BASE, budget).n_params;
    return Array.from({ length: 5 }, (_, j) => {
      const nParams = Math.exp(Math.log(centre / 4) + (2 * Math.log(4) * j) / 4);
      const nTokens = budget / (6 * nParams);
      return { n_params: nParams, n_tokens: nTokens, loss: lossSurface(surface, nParams, nTokens) * Math.exp(noise * random.normal()), budget_flops: budget };
    });
  });
}

function side(points: FitPoint[]): CompareSide {
  const fit = fitScalingLaws(points, { approaches: [2, 3], bootstrap: 0, holdout: 0 });
  return { points, fit };
}

type Fit = "answer" | "shared" | "free" | "approach2";
const tally = new Map<string, { hit: number; n: number }>();
const errors = new Map<string, number[]>();
const widths = new Map<string, number[]>();
const answered = new Map<string, number>();
const freeShares = new Map<string, number[]>();
const count = (key: string, hit: boolean) => {
  const t = tally.get(key) ?? { hit: 0, n: 0 };
  t.n += 1;
  if (hit) t.hit += 1;
  tally.set(key, t);
};
const rowsOf = (c: Comparison, fit: Fit): MultiplierRow[] => (fit === "answer" ? c.multiplier : fit === "approach2" ? c.approach2?.multiplier ?? [] : c[fit].multiplier);
const covers = (row: MultiplierRow, truth: number) => row.lo !== null && truth >= row.lo && (row.hi === null ? row.unbounded : truth <= row.hi);

const start = Date.now();
let done = 0;
for (const scenario of SCENARIOS) {
  const truths = AT.map((c) => computeMultiplier(law(BASE), law(scenario.variant), c));
  for (let p = 0; p < pairs; p++) {
    const [a, b] = [side(sweep(BASE, 2 * p)), side(sweep(scenario.variant, 2 * p + 1))];
    const model = modelComparison(a, b, { budgets: AT, resamples, seed: p, confidence: 0.95, shapeTestLevel: level, replicateRule: selection });
    for (const level of LEVELS) {
      const comparison = summariseComparison(model, a, b, level);
      if (level === 0.95) {
        answered.set(`${scenario.name}|${comparison.answer}`, (answered.get(`${scenario.name}|${comparison.answer}`) ?? 0) + 1);
        freeShares.set(scenario.name, [...(freeShares.get(scenario.name) ?? []), comparison.exponents.free_share ?? NaN]);
      }
      for (const fit of ["answer", "shared", "free", "approach2"] as const) {
        rowsOf(comparison, fit).forEach((row, j) => {
          for (const group of [scenario.name, "all"]) {
            count(`${group}|${fit}|${level}|${j}`, covers(row, truths[j]!));
            const width = row.lo !== null ? (row.hi === null ? Infinity : (row.hi - row.lo) / truths[j]!) : NaN;
            widths.set(`${group}|${fit}|${level}|${j}`, [...(widths.get(`${group}|${fit}|${level}|${j}`) ?? []), width]);
          }
          if (level === 0.95 && row.value !== null) for (const group of [scenario.name, "all"]) errors.set(`${group}|${fit}|${j}`, [...(errors.get(`${group}|${fit}|${j}`) ?? []), Math.abs(row.value / truths[j]! - 1)]);
        });
      }
    }
    done++;
    if (done % 10 === 0) process.stderr.write(`  ${done}/${SCENARIOS.length * pairs} pairs, ${((Date.now() - start) / 1000).toFixed(0)} s, load ${loadavg()[0]!.toFixed(1)}\n`);
  }
}

console.log(`Calibration of compare: ${SCENARIOS.length} scenarios × ${pairs} pairs of synthetic sweeps × ${resamples} resamples; ${noise * 100}% log-normal noise`);
console.log(`shape test at level ${level}; replicates select their fit against ${selection === "data" ? "the data's threshold" : "null simulations resampled as they are"}`);
console.log(`budgets ${BUDGETS.map((b) => b.toExponential(2)).join(", ")} (5 sizes over ×4 each side of the baseline's N*); k read at ${AT.map((c) => c.toExponential(2)).join(", ")}`);
console.log(`machine: ${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(1)).join(" ")}; ${((Date.now() - start) / 1000).toFixed(0)} s\n`);
console.log("Answers (shared / free):");
for (const scenario of SCENARIOS) {
  const share = median(freeShares.get(scenario.name) ?? []);
  console.log(`  ${scenario.name}: shared ${answered.get(`${scenario.name}|shared`) ?? 0}, free ${answered.get(`${scenario.name}|free`) ?? 0}, none ${answered.get(`${scenario.name}|null`) ?? 0}; median share of replicates choosing the free fits ${(100 * share).toFixed(0)}%`);
}
const pct = (key: string) => {
  const t = tally.get(key);
  return t && t.n > 0 ? t.hit / t.n : NaN;
};
for (const group of [...SCENARIOS.map((s) => s.name), "all"]) {
  console.log(`\n${group}`);
  console.log("| fit | C | 80% | 90% | 95% | median |k̂/k − 1| | median width 80% / 95% (of k) | verdict |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---|");
  for (const fit of ["answer", "shared", "free", "approach2"] as const) {
    AT.forEach((c, j) => {
      const cover = LEVELS.map((level) => pct(`${group}|${fit}|${level}|${j}`));
      const n = tally.get(`${group}|${fit}|0.8|${j}`)?.n ?? 0;
      const se = Math.sqrt(0.09 / Math.max(n, 1));
      const off = cover.some((x, i) => Math.abs(x - LEVELS[i]!) > 0.05);
      const err = median(errors.get(`${group}|${fit}|${j}`) ?? []);
      const width = (lv: number) => median((widths.get(`${group}|${fit}|${lv}|${j}`) ?? []).map((w) => (Number.isNaN(w) ? Infinity : w)));
      const shown = (w: number) => (Number.isFinite(w) ? `${(100 * w).toFixed(1)}%` : "∞");
      console.log(`| ${fit} | ${c.toExponential(2)} | ${cover.map((x) => `${(100 * x).toFixed(1)}%`).join(" | ")} | ${(100 * err).toFixed(2)}% | ${shown(width(0.8))} / ${shown(width(0.95))} | ${off ? "OFF by > 5 points" : "ok"} (n ${n}, SE ≈ ${(100 * se).toFixed(1)}) |`);
    });
  }
}
