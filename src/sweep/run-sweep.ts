/**
 * `flops-fit sweep`, minus the rendering: probe → plan → train every experiment not
 * already completed → record. The fit and the report are separate steps the command runs
 * afterwards, from the run directory alone.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { LoadedConfig } from "../config/load.js";
import { UserError } from "../errors/user-error.js";
import { candidateSizeValues } from "../planning/size-grid.js";
import { planIsoFlopSweep, type SweepPlan } from "../planning/iso-flop.js";
import { resolvePlugin, type ResolvedPlugin } from "../plugins/registry.js";
import type { MockSurface, TrainTask } from "../protocol/messages.js";
import { accelerateSetup } from "../scheduler/accelerate-launch.js";
import { WorkerPool } from "../scheduler/pool.js";
import { choosePython, pythonIsInstalled } from "../scheduler/python.js";
import { gpusOfSlot, planResources, type Resources } from "../scheduler/resources.js";
import { runExperiments, type RunObserver, type RunSummary } from "../scheduler/run-experiments.js";
import { Journal } from "../store/journal.js";
import { RunDir } from "../store/run-dir.js";
import { buildExperiments, type Experiment } from "./experiments.js";
import { probeSizes } from "./probe.js";
import { refineSweep } from "./refine-sweep.js";

export interface SweepOptions {
  outDir: string;
  workers?: number;
  mock: boolean;
  resume: boolean;
  observer?: SweepObserver;
  signal?: AbortSignal;
}

export interface SweepObserver extends RunObserver {
  onMessage?(text: string): void;
  onPlan?(plan: SweepPlan, experiments: Experiment[], pending: Experiment[], resources: Resources): void;
  onPool?(pool: WorkerPool): void;
  /** Experiments added after the plan (grid refinement). */
  onExtend?(extra: Experiment[]): void;
}

export interface SweepOutcome extends RunSummary {
  runDir: RunDir;
  skipped: number;
  workers: number;
  planWarnings: string[];
  interrupted: boolean;
}

const DEFAULT_SIZE_VALUES = { min: 16, max: 512, count: 24, multiple_of: 8 };

export function workerPool(loaded: LoadedConfig, resources: Resources, logDir: string): Promise<WorkerPool> {
  const { scheduler } = loaded.config;
  const python = choosePython(loaded.config.python);
  if (!pythonIsInstalled(python)) {
    throw new UserError(`the worker environment is missing (${python.executable}); run: npm run setup:python (or set FLOPS_FIT_PYTHON)`, "python_missing", {});
  }
  const accelerate = accelerateSetup(loaded, resources.device);
  return WorkerPool.start({
    python: python.executable,
    workers: resources.workers,
    processes: scheduler.processes,
    accelerate,
    logDir,
    heartbeatIntervalS: scheduler.heartbeat_interval_s,
    heartbeatTimeoutS: scheduler.heartbeat_timeout_s,
    progressTimeoutS: scheduler.progress_timeout_s,
    startupTimeoutS: scheduler.startup_timeout_s,
    env: { OMP_NUM_THREADS: String(resources.threadsPerWorker), MKL_NUM_THREADS: String(resources.threadsPerWorker) },
    envForSlot: resources.device === "cuda" ? (slot) => ({ CUDA_VISIBLE_DEVICES: gpusOfSlot(slot, scheduler.processes) }) : undefined,
  });
}

/**
 * How a run's compute is counted. Under --mock the loss surface's closed-form optimum
 * (a = beta/(alpha+beta)) is derived for C = 6·N·D, so the mock plans with 6·N·D too:
 * otherwise the known truth would not be the truth of the plan.
 */
export function flopsAccounting(configured: "measured" | "6nd", mock: MockSurface | null): "measured" | "6nd" {
  return mock ? "6nd" : configured;
}

/** Probes sizes and plans the sweep (shared by `plan` and `sweep`). */
export async function planSweep(loaded: LoadedConfig, plugin: ResolvedPlugin, pool: WorkerPool, resources: Resources, mock: MockSurface | null) {
  const { config } = loaded;
  const sizeValues = candidateSizeValues(config.planning.size_values ?? plugin.defaultSizeValues ?? DEFAULT_SIZE_VALUES as never);
  await pool.ready();
  // Parameter counts are cheap and decide which sizes each budget uses; FLOPs per token
  // (one real training step under torch's counter) are then measured for those sizes only.
  const counted = await probeSizes(pool, plugin, sizeValues, false);
  const planOptions = {
    budgets: config.planning.budgets,
    sizesPerBudget: config.planning.sizes_per_budget,
    tokensPerParam: config.planning.tokens_per_param,
    span: config.planning.span,
    paramConvention: config.param_convention,
    flops: flopsAccounting(config.flops, mock),
  };
  let probe = counted;
  if (planOptions.flops === "measured") {
    const chosen = new Set(planIsoFlopSweep(counted.sizes, planOptions).budgets.flatMap((b) => b.experiments.map((e) => e.size_value)));
    const measured = await probeSizes(pool, plugin, [...chosen].sort((a, b) => a - b), true);
    const bySize = new Map(measured.sizes.map((s) => [s.size_value, s]));
    probe = {
      ...counted,
      sizes: counted.sizes.map((s) => ({ ...s, flops_per_token: bySize.get(s.size_value)?.flops_per_token ?? null, flops_error: bySize.get(s.size_value)?.flops_error ?? null })),
    };
  }
  const plan = planIsoFlopSweep(probe.sizes, planOptions);
  const experiments = buildExperiments(plan, { config, plugin, tokensPerSample: probe.tokensPerSample, threadsPerWorker: resources.threadsPerWorker, mock });
  return { plan, experiments, probe, planOptions };
}

/** What the report shows under "environment": versions, devices, workers. */
function describeEnvironment(pool: WorkerPool, resources: Resources, processes: number) {
  const hello = pool.helloInfo;
  return {
    flops_fit_node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    python: hello?.python_version ?? null,
    torch: hello?.torch_version ?? null,
    accelerate: hello?.accelerate_version ?? null,
    devices: hello?.devices ?? [],
    device: resources.device,
    workers: resources.workers,
    processes_per_run: processes,
    threads_per_worker: resources.threadsPerWorker,
    cpu_cores: resources.cores,
    gpus: resources.gpus,
    recorded_at: new Date().toISOString(),
  };
}

export function mockSurface(loaded: LoadedConfig, mock: boolean): MockSurface | null {
  return mock ? { ...loaded.config.mock } : null;
}

export async function runSweep(loaded: LoadedConfig, options: SweepOptions): Promise<SweepOutcome> {
  const { config } = loaded;
  const observer = options.observer;
  const plugin = await resolvePlugin(loaded);
  const resources = planResources(options.workers ?? config.scheduler.workers, config.scheduler.device, config.scheduler.processes);
  accelerateSetup(loaded, resources.device); // a bad scheduler.accelerate_config stops here, before anything is written
  const runDir = new RunDir(options.outDir);
  runDir.create();
  const journal = new Journal(runDir.results);
  if (journal.repairedTornLine) observer?.onMessage?.(`repaired a torn last line in ${runDir.results} (a write cut short by a crash)`);
  const mock = mockSurface(loaded, options.mock);
  runDir.writeJson(runDir.config, { ...config, resolved_plugin: plugin, mock_enabled: options.mock, config_file: loaded.file });
  const pool = await workerPool(loaded, resources, runDir.logs);
  observer?.onPool?.(pool);
  // Ctrl-C / SIGTERM: running tasks are cancelled (and recorded `cancelled`), queued ones dropped.
  const stop = () => void pool.shutdown();
  options.signal?.addEventListener("abort", stop, { once: true });
  try {
    const { plan, experiments, probe, planOptions } = await planSweep(loaded, plugin, pool, resources, mock);
    runDir.writeJson(runDir.plan, { ...plan, experiments });
    runDir.writeJson(runDir.environment, describeEnvironment(pool, resources, loaded.config.scheduler.processes));
    const completedIds = new Set(options.resume ? journal.existing.filter((r) => r.status === "completed").map((r) => r.experiment_id) : []);
    const previousAttempts = new Map<string, number>();
    for (const record of journal.existing) previousAttempts.set(record.experiment_id, Math.max(previousAttempts.get(record.experiment_id) ?? 0, record.attempt));
    // Largest budgets first: the long runs start early, so the sweep ends sooner.
    const pending = experiments.filter((e) => !completedIds.has(e.experiment_id)).sort((a, b) => b.budget_flops - a.budget_flops || b.n_params - a.n_params);
    const skipped = experiments.length - pending.length;
    observer?.onPlan?.(plan, experiments, pending, resources);
    const task = (experiment: Experiment, attempt: number): TrainTask => ({
      type: "task",
      kind: "train",
      task_id: `${experiment.experiment_id}#${attempt}`,
      experiment_id: experiment.experiment_id,
      attempt,
      seed: config.seed,
      model: plugin.model,
      size_value: experiment.size_value,
      data: plugin.data,
      loss: plugin.loss,
      n_tokens: experiment.n_tokens,
      budget_flops: experiment.budget_flops,
      training: experiment.training,
      mock,
      device: resources.device,
      sys_path: plugin.sysPath,
      progress_interval_s: 1,
      checkpoint_dir: mock ? null : join(runDir.checkpoints, experiment.experiment_id),
    });
    const runOptions = {
      maxAttempts: config.scheduler.max_attempts,
      task,
      previousAttempts,
      mock: options.mock,
      observer,
      signal: options.signal,
      // A checkpoint only serves a retry; once the result is recorded it is dead weight.
      onCompleted: (experiment: Experiment) => rmSync(join(runDir.checkpoints, experiment.experiment_id), { recursive: true, force: true }),
    };
    const summary = await runExperiments(pool, pending, journal, runOptions);
    const refined = await refineSweep({
      rounds: config.planning.refine_rounds, records: [...journal.existing, ...summary.records], probe, planOptions,
      context: { config, plugin, tokensPerSample: probe.tokensPerSample, threadsPerWorker: resources.threadsPerWorker, mock },
      measure: (sizes) => probeSizes(pool, plugin, sizes, true),
      run: async (extra) => {
        observer?.onExtend?.(extra);
        return runExperiments(pool, extra, journal, runOptions);
      },
      completedIds,
      plannedIds: experiments.map((e) => e.experiment_id),
      onNote: (note) => observer?.onMessage?.(note),
      aborted: () => options.signal?.aborted ?? false,
    });
    for (const part of refined.summaries) {
      summary.completed += part.completed;
      summary.failed += part.failed;
      summary.cancelled += part.cancelled;
      summary.records.push(...part.records);
    }
    runDir.writeJson(runDir.plan, { ...plan, experiments, refinements: refined.refinements });
    return {
      ...summary, runDir, skipped: skipped + refined.skipped, workers: resources.workers,
      planWarnings: [...plan.warnings, ...refined.refinements.map((r) => r.note)], interrupted: options.signal?.aborted ?? false,
    };
  } finally {
    options.signal?.removeEventListener("abort", stop);
    await pool.shutdown();
    journal.close();
  }
}
