/**
 * `flops-fit sweep`, minus the rendering, as one pipeline: lock the run directory → check that
 * it holds this sweep definition → probe (or read the probe cache) → plan → calibrate the
 * learning rate (`training.lr: calibrate`) → the pending runs (not already completed) →
 * execute them on the executor (execute-runs.ts) → refine the grids → the outcome. The fit and
 * the report are separate steps the command runs afterwards, from the run directory alone.
 * Workers (local processes or SLURM pilots, start-executor.ts) start only when something
 * needs them, so a resumed sweep with nothing left to do starts none.
 */
import type { LoadedConfig } from "../config/load.js";
import { candidateSizeValues } from "../planning/size-grid.js";
import { planIsoFlopSweep, type SweepPlan } from "../planning/iso-flop.js";
import { resolvePlugin, type ResolvedPlugin } from "../plugins/registry.js";
import type { MockSurface } from "../protocol/messages.js";
import { accelerateSetup } from "../scheduler/accelerate-launch.js";
import { pilotResources, planResources, type Resources } from "../scheduler/resources.js";
import type { Backend, Executor } from "../scheduler/executor.js";
import { LazyExecutor } from "../scheduler/lazy-executor.js";
import { startExecutor } from "./start-executor.js";

export { workerPool } from "./start-executor.js";
import type { RunObserver, RunSummary } from "./run-experiments.js";
import { executeCalibrationRuns, executeRuns, type ExecuteContext } from "./execute-runs.js";
import { Journal } from "../store/journal.js";
import type { ResultRecord } from "../store/record.js";
import { ProbeCache } from "../store/probe-cache.js";
import { checkDefinition, fingerprintOf, recordDefinition } from "../store/run-definitions.js";
import { RunDir } from "../store/run-dir.js";
import { RunLock } from "../store/run-lock.js";
import { definitionFingerprint, sweepDefinition } from "../store/sweep-definition.js";
import { buildExperiments, type Experiment } from "./experiments.js";
import { epochsWarning } from "../fit/epochs.js";
import { assertSomeSizeBuilds, assertTrainable, unbuildableWarning } from "./preflight.js";
import { probeSizes, type ProbeOutcome } from "./probe.js";
import { refineSweep } from "./refine-sweep.js";
import { calibrateLearningRate } from "./calibration-stage.js";
import { watchRefusals, type Refusal } from "./refusals.js";
import type { LrRule } from "../planning/lr-calibration.js";
import { sweepName } from "../tracking/task-tracking.js";

export interface SweepOptions {
  outDir: string;
  workers?: number;
  mock: boolean;
  resume: boolean;
  /** Add this definition to a run directory holding another (else refused). */
  extend?: boolean;
  /** Where runs execute (default: config scheduler.backend). */
  backend?: Backend;
  observer?: SweepObserver;
  signal?: AbortSignal;
}

export interface SweepObserver extends RunObserver {
  onMessage?(text: string): void;
  onPlan?(plan: SweepPlan, experiments: Experiment[], pending: Experiment[], resources: Resources): void;
  onPool?(executor: Executor): void;
  /** Experiments added after the plan (grid refinement). */
  onExtend?(extra: Experiment[]): void;
}

export interface SweepOutcome extends RunSummary {
  runDir: RunDir;
  /** The planned budgets, and every experiment this sweep owns (planned and refinements). */
  budgets: number[];
  experimentIds: string[];
  /** The sweep definition's fingerprint (store/sweep-definition.ts). */
  fingerprint: string;
  skipped: number;
  workers: number;
  backend: Backend;
  planWarnings: string[];
  interrupted: boolean;
  /** Connections the executor refused (wrong key, token or worker id): refusals.ts. */
  refusals: Refusal[];
}

const DEFAULT_SIZE_VALUES = { min: 16, max: 512, count: 24, multiple_of: 8 };


/**
 * How a run's compute is counted. Under --mock the loss surface's closed-form optimum
 * (a = beta/(alpha+beta)) is derived for C = 6·N·D, so the mock plans with 6·N·D too:
 * otherwise the known truth would not be the truth of the plan.
 */
export function flopsAccounting(configured: "measured" | "6nd", mock: MockSurface | null): "measured" | "6nd" {
  return mock ? "6nd" : configured;
}

/** Probes `sizeValues` (FLOPs per token too when `measure`). */
export type Probe = (sizeValues: number[], measure: boolean) => Promise<ProbeOutcome>;

/** A Probe on a pool, waiting for a worker first (so a pool that cannot start says why). */
export function poolProbe(executor: Executor, plugin: ResolvedPlugin): Probe {
  return async (sizeValues, measure) => {
    await executor.ready();
    return probeSizes(executor, plugin, sizeValues, measure);
  };
}

/** A Probe that answers from the run directory's probe cache and probes only what it lacks. */
export function cachedProbe(cache: ProbeCache, probe: Probe): Probe {
  return async (sizeValues, measure) => {
    const cached = cache.lookup(sizeValues, measure);
    if (cached.missing.length === 0 && cached.tokensPerSample !== null) {
      return { sizes: cached.found, tokensPerSample: cached.tokensPerSample, trainTokens: cached.trainTokens, unbuildable: cached.unbuildable };
    }
    const fresh = await probe(cached.missing, measure);
    cache.store(fresh, measure);
    const bySize = new Map([...cached.found, ...fresh.sizes].map((s) => [s.size_value, s]));
    return {
      sizes: sizeValues.flatMap((v) => bySize.get(v) ?? []), tokensPerSample: fresh.tokensPerSample,
      trainTokens: fresh.trainTokens, unbuildable: [...cached.unbuildable, ...fresh.unbuildable],
    };
  };
}

/**
 * Probes sizes and plans the sweep (shared by `plan` and `sweep`, `--mock` included).
 * Parameter counts are cheap and decide which sizes each budget uses; every planned size
 * then takes one real forward/backward step (its FLOPs per token counted by torch), and the
 * targets' alignment is checked once: a model that cannot train stops here, before any run.
 * Both answers come from the run directory's probe cache when it has them.
 */
export async function planSweep(loaded: LoadedConfig, plugin: ResolvedPlugin, probe: Probe, resources: Resources, mock: MockSurface | null) {
  const { config } = loaded;
  const sizeValues = candidateSizeValues(config.planning.size_values ?? plugin.defaultSizeValues ?? DEFAULT_SIZE_VALUES as never);
  const counted = await probe(sizeValues, false);
  assertSomeSizeBuilds(counted.sizes, counted.unbuildable, plugin.model.target);
  const planOptions = {
    budgets: config.planning.budgets,
    sizesPerBudget: config.planning.sizes_per_budget,
    tokensPerParam: config.planning.tokens_per_param,
    span: config.planning.span,
    paramConvention: config.param_convention,
    flops: flopsAccounting(config.flops, mock),
    shareSizes: config.training.schedule === "wsd",
  };
  const chosen = [...new Set(planIsoFlopSweep(counted.sizes, planOptions).budgets.flatMap((b) => b.experiments.map((e) => e.size_value)))].sort((a, b) => a - b);
  const stepped = await probe(chosen, true);
  assertTrainable(chosen, stepped.sizes, plugin.model.target);
  const bySize = new Map(stepped.sizes.map((s) => [s.size_value, s]));
  // Under `flops: 6nd` (and --mock) the step only proves the model trains; its count is not used.
  const measured = planOptions.flops === "measured";
  const probed = {
    ...counted,
    sizes: counted.sizes.map((s) => ({ ...s, flops_per_token: measured ? bySize.get(s.size_value)?.flops_per_token ?? null : null, flops_error: bySize.get(s.size_value)?.flops_error ?? null })),
  };
  const plan = planIsoFlopSweep(probed.sizes, planOptions);
  const experiments = buildExperiments(plan, { config, plugin, tokensPerSample: probed.tokensPerSample, threadsPerWorker: resources.threadsPerWorker, mock, trainTokens: probed.trainTokens });
  for (const warning of [unbuildableWarning(counted.unbuildable), epochsWarning(experiments, probed.trainTokens)]) {
    if (warning) plan.warnings.push(warning);
  }
  return { plan, experiments, probe: probed, planOptions };
}

/** What the report shows under "environment": versions, devices, workers. */
function describeEnvironment(pool: Executor, resources: Resources, processes: number) {
  const hello = pool.helloInfo;
  return {
    flops_fit_node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    python: hello?.python_version ?? null,
    torch: hello?.torch_version ?? null,
    accelerate: hello?.accelerate_version ?? null,
    devices: hello?.devices ?? [],
    backend: pool.backend,
    hosts: [...new Set(pool.hellos.map((h) => h.host ?? "?"))],
    device: resources.device,
    workers: resources.workers,
    processes_per_run: processes,
    threads_per_worker: resources.threadsPerWorker,
    cpu_cores: resources.cores,
    gpus: resources.gpus,
    recorded_at: new Date().toISOString(),
  };
}

/** The attempts already used per experiment in a journal. */
function attemptsOf(records: readonly ResultRecord[]): Map<string, number> {
  const attempts = new Map<string, number>();
  for (const record of records) attempts.set(record.experiment_id, Math.max(attempts.get(record.experiment_id) ?? 0, record.attempt));
  return attempts;
}

/**
 * The config as it was used, for config.json (and the report's "Resolved config"): `plugin`
 * is the schema's default "gpt" even when model and data name their own targets and no
 * plugin is loaded, so it is null then; `resolved_plugin` says what ran.
 */
export function resolvedConfig(config: LoadedConfig["config"], plugin: ResolvedPlugin): Record<string, unknown> {
  return { ...config, plugin: plugin.manifestFile ? config.plugin : null, resolved_plugin: plugin };
}

export function mockSurface(loaded: LoadedConfig, mock: boolean): MockSurface | null {
  return mock ? { ...loaded.config.mock } : null;
}

export async function runSweep(loaded: LoadedConfig, options: SweepOptions): Promise<SweepOutcome> {
  const { config } = loaded;
  const plugin = await resolvePlugin(loaded);
  const backend = options.backend ?? config.scheduler.backend;
  const requested = options.workers ?? config.scheduler.workers;
  const resources = backend === "slurm" ? pilotResources(requested, config.scheduler.slurm) : planResources(requested, config.scheduler.device, config.scheduler.processes);
  accelerateSetup(loaded, resources.device); // a bad scheduler.accelerate_config stops here, before anything is written
  const runDir = new RunDir(options.outDir);
  runDir.create();
  const lock = RunLock.acquire(runDir.root, (note) => options.observer?.onMessage?.(note));
  try {
    const journal = new Journal(runDir.results);
    try {
      return await sweepLocked(loaded, { ...options, backend }, plugin, resources, runDir, journal);
    } finally {
      journal.close();
    }
  } finally {
    lock.release();
  }
}

/** The sweep proper, with the run directory locked and its journal open. */
async function sweepLocked(loaded: LoadedConfig, options: SweepOptions, plugin: ResolvedPlugin, resources: Resources, runDir: RunDir, journal: Journal): Promise<SweepOutcome> {
  const { config } = loaded;
  const observer = options.observer;
  if (journal.repairedTornLine) observer?.onMessage?.(`repaired a torn last line in ${runDir.results} (a write cut short by a crash)`);
  const mock = mockSurface(loaded, options.mock);
  const definition = sweepDefinition({ config, plugin, mock, flops: flopsAccounting(config.flops, mock) });
  const fingerprint = definitionFingerprint(definition);
  const checked = checkDefinition(runDir, journal.existing, definition, options.extend ?? false);
  for (const note of checked.notes) observer?.onMessage?.(note);
  runDir.write("config", { ...resolvedConfig(config, plugin), mock_enabled: options.mock, config_file: loaded.file, fingerprint, definition });
  recordDefinition(runDir, checked.definitions, definition);

  // Workers start when first needed; Ctrl-C / SIGTERM / SIGHUP cancel running tasks
  // (recorded `cancelled`) and drop queued ones.
  const backend = options.backend ?? "local";
  let refusals: Refusal[] = [];
  const pool = new LazyExecutor(backend, () => startExecutor(backend, loaded, resources, runDir, (text) => observer?.onMessage?.(text)), (started) => {
    started.ready().then(() => {
      try {
        runDir.write("environment", describeEnvironment(started, resources, config.scheduler.processes));
      } catch {
        // environment.json is informational; a full disk is reported where results are written
      }
    }, () => undefined);
  });
  observer?.onPool?.(pool);
  refusals = watchRefusals(pool, runDir.logs, (text) => observer?.onMessage?.(text));
  const stop = () => void pool.shutdown();
  options.signal?.addEventListener("abort", stop, { once: true });
  const interrupted = (): SweepOutcome => ({ completed: 0, failed: 0, cancelled: 0, records: [], runDir, fingerprint, budgets: [], experimentIds: [], skipped: 0, workers: resources.workers, backend, planWarnings: [], interrupted: true, refusals });
  try {
    const cache = new ProbeCache(runDir, plugin, options.resume);
    const probe = cachedProbe(cache, poolProbe(pool, plugin));
    let planned: Awaited<ReturnType<typeof planSweep>>;
    try {
      planned = await planSweep(loaded, plugin, probe, resources, mock);
    } catch (error) {
      // Stopped while probing: nothing ran, nothing to record.
      if (options.signal?.aborted) return interrupted();
      throw error;
    }
    const { plan, planOptions } = planned;
    let { experiments } = planned;
    // Completed runs of this definition only (after --extend an experiment may recur in another).
    const ofDefinition = fingerprintOf(checked.definitions);
    const tasks = { plugin, mock, device: resources.device, runDir, tracking: { tracking: config.tracking, runDir: runDir.root, sweep: sweepName(config.name, runDir.root), fingerprint } };
    const execution: ExecuteContext = { config, tasks, journal, previousAttempts: attemptsOf(journal.existing), fingerprint, observer, signal: options.signal, onFatal: stop };
    const execute = async (list: Experiment[]) => executeRuns(pool, list, execution);
    const experimentContext = { config, plugin, tokensPerSample: planned.probe.tokensPerSample, threadsPerWorker: resources.threadsPerWorker, mock, trainTokens: planned.probe.trainTokens, lrRule: null as LrRule | null };
    if (config.training.lr === "calibrate") {
      experimentContext.lrRule = await calibrateLearningRate(plan, {
        config, plugin, runDir, fingerprint, mock, probe: planned.probe, planOptions, threadsPerWorker: resources.threadsPerWorker, resume: options.resume,
        sweepRecords: journal.existing, fingerprintOf: ofDefinition, sweepExperiments: experiments,
        run: async (list, calibrationJournal, onRecord) =>
          executeCalibrationRuns(pool, list, calibrationJournal, onRecord, execution, attemptsOf(calibrationJournal.existing)),
        onMessage: (text) => observer?.onMessage?.(text),
        aborted: () => options.signal?.aborted ?? false,
      });
      if (!experimentContext.lrRule) return interrupted();
      experiments = buildExperiments(plan, experimentContext);
    }
    runDir.write("plan", { ...plan, experiments });
    const completedIds = new Set(options.resume ? journal.existing.filter((r) => r.status === "completed" && ofDefinition(r) === fingerprint).map((r) => r.experiment_id) : []);
    // Largest budgets first: the long runs start early, so the sweep ends sooner.
    const pending = experiments.filter((e) => !completedIds.has(e.experiment_id)).sort((a, b) => b.budget_flops - a.budget_flops || b.n_params - a.n_params);
    const skipped = experiments.length - pending.length;
    observer?.onPlan?.(plan, experiments, pending, resources);
    const summary = await execute(pending);
    const refined = await refineSweep({
      rounds: config.planning.refine_rounds, records: [...journal.existing, ...summary.records], probe: planned.probe, planOptions,
      context: experimentContext,
      measure: (sizes) => probe(sizes, true),
      run: async (extra) => {
        observer?.onExtend?.(extra);
        return execute(extra);
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
    runDir.write("plan", { ...plan, experiments, refinements: refined.refinements });
    return {
      ...summary, runDir, fingerprint, skipped: skipped + refined.skipped, workers: resources.workers, backend,
      budgets: plan.budgets.map((b) => b.budget_flops),
      experimentIds: [...experiments.map((e) => e.experiment_id), ...refined.refinements.flatMap((r) => r.experiment_ids)],
      planWarnings: [...plan.warnings, ...refined.refinements.map((r) => r.note)], interrupted: options.signal?.aborted ?? false,
      refusals,
    };
  } finally {
    options.signal?.removeEventListener("abort", stop);
    await pool.shutdown();
  }
}
