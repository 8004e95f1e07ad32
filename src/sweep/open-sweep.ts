/**
 * Opening a sweep's run and closing it again: resolve the plugin and the resources, claim and
 * lock the run directory, open its results journal, check that the directory holds this
 * sweep definition, record config.json and definitions.json, and make the executor (started
 * when first needed, shut down on the run's signal and at the end). Everything the stages
 * need is then one SweepRun (sweep-run.ts).
 */
import type { LoadedConfig } from "../config/load.js";
import { resolvePlugin, type ResolvedPlugin } from "../plugins/registry.js";
import type { MockSurface } from "../protocol/messages.js";
import { accelerateSetup, type AccelerateSetup } from "../scheduler/accelerate-launch.js";
import type { Backend, Executor } from "../scheduler/executor.js";
import { LazyExecutor } from "../scheduler/lazy-executor.js";
import { pilotResources, planResources, type Resources } from "../scheduler/resources.js";
import { checkDefinition, recordDefinition } from "../store/run-definitions.js";
import type { EnvironmentFile } from "../store/run-dir-entries.js";
import { RunDir } from "../store/run-dir.js";
import { RunLock } from "../store/run-lock.js";
import { definitionFingerprint, sweepDefinition } from "../store/sweep-definition.js";
import { flopsAccounting } from "./plan-stage.js";
import { announceRefusals } from "./refusals.js";
import { startExecutor } from "./start-executor.js";
import { SweepEvents } from "./sweep-events.js";
import { SweepJournals, type SweepRun } from "./sweep-run.js";

/** What `sweep` asks for, beyond the config. */
export interface SweepRequest {
  outDir: string;
  workers?: number;
  mock: boolean;
  resume: boolean;
  /** Add this definition to a run directory holding another (else refused). */
  extend?: boolean;
  /** Where runs execute (default: config scheduler.backend). */
  backend?: Backend;
  /** Stops the sweep (Ctrl-C, SIGTERM, SIGHUP): running runs are cancelled and recorded, queued ones dropped. */
  signal?: AbortSignal;
  /** The sweep's event stream, for listeners subscribed before it starts (the progress display). */
  events?: SweepEvents;
  /** Starts the executor (default: local workers or SLURM pilots, start-executor.ts); tests script one. */
  startExecutor?: (run: Pick<SweepRun, "loaded" | "resources" | "runDir">, backend: Backend) => Promise<Executor>;
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

/** What the report shows under "environment": versions, devices, workers. */
function describeEnvironment(executor: Executor, resources: Resources, processes: number): EnvironmentFile {
  const hello = executor.helloInfo;
  return {
    flops_fit_node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    python: hello?.python_version ?? null,
    torch: hello?.torch_version ?? null,
    accelerate: hello?.accelerate_version ?? null,
    devices: hello?.devices ?? [],
    backend: executor.backend,
    hosts: [...new Set(executor.hellos.map((h) => h.host ?? "?"))],
    device: resources.device,
    workers: resources.workers,
    processes_per_run: processes,
    threads_per_worker: resources.threadsPerWorker,
    cpu_cores: resources.cores,
    gpus: resources.gpus,
    recorded_at: new Date().toISOString(),
  };
}

/** Opens the sweep's run, gives it to `body`, and closes it (executor, journals, lock) however `body` ends. */
export async function withSweepRun<T>(loaded: LoadedConfig, request: SweepRequest, body: (run: SweepRun) => Promise<T>): Promise<T> {
  const { config } = loaded;
  const events = request.events ?? new SweepEvents();
  // A token data source may tokenize first (tokenize/token-data.ts): its progress is a note.
  const plugin = await resolvePlugin(loaded, (text) => events.note(text));
  const backend = request.backend ?? config.scheduler.backend;
  const requested = request.workers ?? config.scheduler.workers;
  const resources = backend === "slurm" ? pilotResources(requested, config.scheduler.slurm) : planResources(requested, config.scheduler.device, config.scheduler.processes);
  const accelerate = accelerateSetup(loaded, resources.device); // a bad scheduler.accelerate_config stops here, before anything is written
  const runDir = new RunDir(request.outDir);
  runDir.create();
  const lock = RunLock.acquire(runDir.root, (note) => events.note(note));
  try {
    const results = runDir.journal("results");
    const journals = new SweepJournals(runDir, results);
    try {
      if (results.repairedTornLine) events.note(`repaired a torn last line in ${runDir.results} (a write cut short by a crash)`);
      const mock = mockSurface(loaded, request.mock);
      const definition = sweepDefinition({ config, plugin, mock, flops: flopsAccounting(config.flops, mock) });
      const fingerprint = definitionFingerprint(definition);
      const checked = checkDefinition(runDir, results.existing, definition, request.extend ?? false);
      for (const note of checked.notes) events.note(note);
      runDir.write("config", { ...resolvedConfig(config, plugin), mock_enabled: request.mock, config_file: loaded.file, fingerprint, definition });
      recordDefinition(runDir, checked.definitions, definition);
      const executor = sweepExecutor({ loaded, resources, runDir, events, backend, accelerate }, request);
      const stop = new AbortController();
      const signal = request.signal ? AbortSignal.any([request.signal, stop.signal]) : stop.signal;
      const shutdown = () => void executor.shutdown();
      signal.addEventListener("abort", shutdown, { once: true });
      const run: SweepRun = {
        loaded, config, plugin, mock, resources, runDir, journals, executor, fingerprint, definitions: checked.definitions,
        resume: request.resume, events, signal, abort: (reason) => stop.abort(reason),
      };
      try {
        return await body(run);
      } finally {
        signal.removeEventListener("abort", shutdown);
        await executor.shutdown();
      }
    } finally {
      journals.close();
    }
  } finally {
    lock.release();
  }
}

/**
 * The sweep's executor, started when first needed: a resumed sweep with nothing left to do
 * starts no worker. Once it has a worker, environment.json says where the runs run; the
 * connections it refuses go to the event stream.
 */
function sweepExecutor(parts: { loaded: LoadedConfig; resources: Resources; runDir: RunDir; events: SweepEvents; backend: Backend; accelerate: AccelerateSetup }, request: SweepRequest): Executor {
  const { loaded, resources, runDir, events, backend } = parts;
  const start = request.startExecutor
    ? () => request.startExecutor!({ loaded, resources, runDir }, backend)
    : () => startExecutor(backend, loaded, resources, runDir, (text) => events.note(text), parts.accelerate);
  const executor = new LazyExecutor(backend, start, (started) => {
    started.ready().then(() => {
      try {
        runDir.write("environment", describeEnvironment(started, resources, loaded.config.scheduler.processes));
      } catch {
        // environment.json is informational; a full disk is reported where results are written
      }
    }, () => undefined);
  });
  announceRefusals(executor, events);
  events.emit({ type: "executor", executor });
  return executor;
}
