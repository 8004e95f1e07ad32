/**
 * Dispatch to SLURM pilots over tcp + CURVE against the local pool over ipc, side by side
 * in one run (needs a SLURM controller: sinfo must answer; CI's one-node SLURM will do).
 *
 * 1. Per-run overhead on warm workers: one worker each, `--runs` mock runs of a tiny model
 *    (test/fixtures/tiny_plugin, no delay) sent one after another; the time from sending a
 *    task to its result, minus the run's own wall time as the worker measured it, is the
 *    dispatch overhead (the wire, CURVE, validation, journal-free); and the round trip of a
 *    probe of no sizes (the wire and the task loop alone). Pool by pool in turn, task by
 *    task. Target: pilots within 2× of the local pool.
 * 2. Sweep wall on 2 warm pilots: 40 mock runs of 1 s each (mock.delay_s) submitted at
 *    once; the wall from submission to the last result against the ideal schedule
 *    (the runs' own wall times packed on 2 workers: max(Σ wall / 2, longest run)).
 *    Target: within 1.05× of ideal.
 *
 *   npx tsx bench/slurm-dispatch.ts [--runs 200] [--sweep-runs 40]
 */
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { SlurmConfig } from "../src/config/schema.js";
import type { Outcome } from "../src/scheduler/executor.js";
import { WorkerPool, type PoolOptions } from "../src/scheduler/pool.js";
import { choosePython } from "../src/scheduler/python.js";
import { PilotLauncher } from "../src/scheduler/slurm/pilot-launcher.js";
import { advertisedEndpoint } from "../src/sweep/start-executor.js";
import { mockTrainTask, probeTask } from "../test/scheduler/helpers.js";
import { slurmAvailable } from "../test/integration/slurm.js";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const RUNS = flag("--runs", 200);
const SWEEP_RUNS = flag("--sweep-runs", 40);

if (!slurmAvailable()) {
  console.error("no SLURM controller answers (sinfo): start one first (CI: the machines' one-node SLURM script)");
  process.exit(2);
}

const python = choosePython().executable;
const common = (workers: number): PoolOptions => ({
  python, workers, processes: 1, logDir: mkdtempSync(join(tmpdir(), "ff-bench-dispatch-")),
  heartbeatIntervalS: 1, heartbeatTimeoutS: 30, progressTimeoutS: 120, startupTimeoutS: 120, env: { OMP_NUM_THREADS: "1" },
});

async function localPool(workers: number): Promise<WorkerPool> {
  return WorkerPool.start(common(workers));
}

async function pilotPool(workers: number): Promise<WorkerPool> {
  const options = common(workers);
  return WorkerPool.start({
    ...options, backend: "slurm",
    endpoint: { bind: "tcp://0.0.0.0:*", cleanup: () => undefined },
    advertise: (bound) => advertisedEndpoint(bound, "127.0.0.1"),
    launcher: new PilotLauncher({
      slurm: SlurmConfig.parse({ time: "00:30:00" }), python, dir: join(options.logDir, "pilots"), logDir: options.logDir,
      heartbeatIntervalS: options.heartbeatIntervalS, heartbeatTimeoutS: options.heartbeatTimeoutS,
    }),
  });
}

/** Waits until `n` workers have said hello. */
async function warm(pool: WorkerPool, n: number): Promise<void> {
  await pool.ready();
  while (pool.hellos.length < n) await new Promise((r) => setTimeout(r, 100));
}

function wallOf(outcome: Outcome): number {
  if (outcome.kind !== "result" || outcome.message.kind !== "train") throw new Error(`a bench run failed: ${JSON.stringify(outcome).slice(0, 400)}`);
  return outcome.message.wall_s ?? 0;
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

/**
 * Overheads (ms) of `RUNS` sequential tasks on each pool, alternating pool by pool so a change
 * in the machine's load falls on both alike: a mock run's round trip minus its own wall time,
 * and the round trip of a probe of no sizes (the wire and the worker's task loop alone).
 */
async function overheads(pools: WorkerPool[]): Promise<Array<{ run: number[]; ping: number[] }>> {
  const ping = { ...probeTask(), size_values: [] };
  for (const pool of pools) for (let i = 0; i < 10; i++) wallOf(await pool.run(mockTrainTask())); // imports, first builds
  const out = pools.map(() => ({ run: [] as number[], ping: [] as number[] }));
  for (let i = 0; i < RUNS; i++) {
    for (const [k, pool] of pools.entries()) {
      let start = performance.now();
      const outcome = await pool.run(mockTrainTask());
      out[k]!.run.push(performance.now() - start - wallOf(outcome) * 1000);
      start = performance.now();
      const answer = await pool.run({ ...ping, task_id: `ping${i}` });
      if (answer.kind !== "result") throw new Error(`a ping failed: ${JSON.stringify(answer).slice(0, 400)}`);
      out[k]!.ping.push(performance.now() - start);
    }
  }
  return out;
}

async function sweepWall(pool: WorkerPool): Promise<{ wallS: number; idealS: number }> {
  const start = performance.now();
  const outcomes = await Promise.all(Array.from({ length: SWEEP_RUNS }, () => pool.run(mockTrainTask({ delayS: 1 }))));
  const wallS = (performance.now() - start) / 1000;
  const walls = outcomes.map(wallOf);
  return { wallS, idealS: Math.max(walls.reduce((a, b) => a + b, 0) / 2, Math.max(...walls)) };
}

console.log(`flops-fit dispatch bench: ${RUNS} sequential runs per backend, then ${SWEEP_RUNS} one-second runs on 2 pilots (load ${loadavg()[0]!.toFixed(2)})`);
const local = await localPool(1);
await warm(local, 1);
const pilots1 = await pilotPool(1);
await warm(pilots1, 1);
const [l, p] = await overheads([local, pilots1]);
await Promise.all([local.shutdown(), pilots1.shutdown()]);
const ratio = median(p!.run) / median(l!.run);
console.log(`per-run overhead (median, warm worker, mock run minus its own wall): local ipc ${median(l!.run).toFixed(2)} ms, SLURM pilot tcp+CURVE ${median(p!.run).toFixed(2)} ms → ${ratio.toFixed(2)}× (target ≤ 2)`);
console.log(`dispatch round trip (median, probe of no sizes): local ipc ${median(l!.ping).toFixed(2)} ms, SLURM pilot tcp+CURVE ${median(p!.ping).toFixed(2)} ms → ${(median(p!.ping) / median(l!.ping)).toFixed(2)}×`);

if (SWEEP_RUNS > 0) {
  const pilots2 = await pilotPool(2);
  await warm(pilots2, 2);
  const sweep = await sweepWall(pilots2);
  await pilots2.shutdown();
  console.log(`${SWEEP_RUNS} × 1 s runs on 2 warm pilots: wall ${sweep.wallS.toFixed(2)} s, ideal ${sweep.idealS.toFixed(2)} s (nominal ${(SWEEP_RUNS / 2).toFixed(0)} s) → ${(sweep.wallS / sweep.idealS).toFixed(3)}× ideal (target ≤ 1.05)`);
}
