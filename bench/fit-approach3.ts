/**
 * Benchmark of Chinchilla Approach 3 on Epoch's 240 points (Besiroglu et al. 2024; docs/methods.md §3).
 *
 *   npx tsx bench/fit-approach3.ts                 # grid fit, 5-D cross-check, 1000-resample bootstrap
 *   npx tsx bench/fit-approach3.ts --resamples 4000 --no-full
 *
 * Times (1) the default fit: variable projection from the 4500-start grid (its 25 distinct
 * (alpha, beta) starts); (2) unless --no-full, plain 5-parameter L-BFGS from every one of
 * the 4500 starts, as Hoffmann et al. did, as a cross-check of the minimum; (3) the
 * bootstrap refits. Targets: fit < 10 s, 1000 refits < 60 s on a 2-core machine.
 * Reads ../shared/data/reference in place (relative to the project root).
 */
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { fitScalingLaws, type FitPoint, type FitResult } from "../src/fitting/index.js";
import { bootstrapApproach3 } from "../src/fitting/bootstrap.js";
import { prepareEpoch } from "./epoch-points.js";

const referenceFile = fileURLToPath(new URL("../../shared/data/reference/epoch_svg_extracted_data.csv", import.meta.url));
const args = process.argv.slice(2);
const resamplesFlag = args.indexOf("--resamples");
const resamples = resamplesFlag >= 0 ? Number(args[resamplesFlag + 1]) : 1000;
const runFull = !args.includes("--no-full");

if (!existsSync(referenceFile)) {
  console.error(`Epoch's data not found at ${referenceFile}; this benchmark needs ../shared/data/reference beside the project.`);
  process.exit(2);
}

const points: FitPoint[] = prepareEpoch(readFileSync(referenceFile, "utf8"));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");

console.log(`flops-fit Approach 3 benchmark: Epoch's ${points.length} points, the 5 highest losses dropped (${points.length - 5} fitted), ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);

function timed<T>(run: () => T): [T, number] {
  const start = performance.now();
  const value = run();
  return [value, performance.now() - start];
}

function describeFit(label: string, result: FitResult, ms: number): void {
  const fit = result.approaches["3"]!;
  const o = fit.optimizer!;
  console.log(`\n${label}: ${seconds(ms)}`);
  console.log(`  alpha ${fit.alpha!.toFixed(5)} (ref 0.34731)  beta ${fit.beta!.toFixed(5)} (ref 0.36717)  E ${fit.E!.toFixed(4)} (ref 1.8172)  a ${fit.a!.toFixed(4)} (ref 0.5139)`);
  console.log(`  A ${fit.A!.toFixed(1)} (ref ≈ 477.8)  B ${fit.B!.toFixed(0)} (ref ≈ 2143)  objective ${fit.objective!.toExponential(6)} (ref 1.01827e-3, target ≤ 1.01828e-3: ${verdict(fit.objective! <= 1.01828e-3)})`);
  console.log(`  optimizer: ${o.method}, ${o.starts} starts (${o.distinct_starts} distinct), ${o.converged_starts} converged; best start ${o.status} in ${o.iterations} iterations, ${o.evaluations} evaluations, gradient max-norm ${o.gradient_norm.toExponential(2)}`);
}

// (1) The default fit: variable projection from the full grid.
const [fit, fitMs] = timed(() => fitScalingLaws(points, { approaches: [3], excludeWorst: 5, predict: [1e21, 1e23, 5.76e23] }));
describeFit("Approach 3, variable projection from the 4500-start grid", fit, fitMs);
console.log(`  target < 10 s: ${verdict(fitMs < 10_000)}`);
for (const p of fit.predictions) console.log(`  N*(${p.budget_flops.toExponential(2)}) = ${p.n_params.toExponential(3)}, D*/N* = ${p.tokens_per_param.toFixed(2)}`);

// (2) The cross-check: plain 5-parameter L-BFGS from all 4500 starts.
if (runFull) {
  const [full, fullMs] = timed(() => fitScalingLaws(points, { approaches: [3], excludeWorst: 5, approach3: { method: "full" } }));
  describeFit("Approach 3, plain 5-parameter L-BFGS from all 4500 starts (cross-check)", full, fullMs);
  const gap = full.approaches["3"]!.objective! - fit.approaches["3"]!.objective!;
  console.log(`  objective minus variable projection's: ${gap.toExponential(2)}`);
}

// (3) Bootstrap refits alone (the grid fit above located the basin; each refit is warm-started).
const used = [...points].sort((p, q) => p.loss - q.loss).slice(0, points.length - 5);
const fitted = fit.approaches["3"]!;
const theta = Float64Array.from([Math.log(fitted.E!), Math.log(fitted.A!), Math.log(fitted.B!), fitted.alpha!, fitted.beta!]);
const [boot, bootMs] = timed(() => bootstrapApproach3(used, theta, fitted.huber_delta, { resamples, seed: 0, confidence: 0.95, predict: [1e21, 5.76e23] }));
const iv = boot.intervals;
console.log(`\nBootstrap, ${resamples} resamples of the 240 runs: ${seconds(bootMs)} (${(bootMs / resamples).toFixed(1)} ms per refit, ${boot.failed} failed)`);
console.log(`  SE(a) ${iv.a!.se.toFixed(4)} (ref ≈ 0.020, within 15%: ${verdict(Math.abs(iv.a!.se / 0.02 - 1) < 0.15)})  SE(alpha) ${iv.alpha!.se.toFixed(4)} (ref ≈ 0.0154)  SE(beta) ${iv.beta!.se.toFixed(4)} (ref ≈ 0.0206)`);
console.log(`  95% CI of a (${iv.a!.lo.toFixed(3)}, ${iv.a!.hi.toFixed(3)}) (ref ≈ (0.481, 0.556))`);
const gopher = boot.predictions[1];
if (gopher) console.log(`  N*(5.76e23) 95% CI (${gopher.n_params.lo.toExponential(2)}, ${gopher.n_params.hi.toExponential(2)})`);
console.log(`  target: 1000 refits < 60 s: ${verdict((bootMs * 1000) / resamples < 60_000)} (scaled to 1000: ${seconds((bootMs * 1000) / resamples)})`);
