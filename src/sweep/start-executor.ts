/**
 * The sweep's executor for its backend: local worker processes (workerPool),
 * or SLURM pilot jobs that connect back over tcp with CURVE and the sweep's token
 * (docs/slurm.md). Both are a WorkerPool behind the Executor interface.
 */
import { hostname } from "node:os";
import { join } from "node:path";
import type { LoadedConfig } from "../config/load.js";
import { execFileSync } from "node:child_process";
import { RuntimeFailure, UserError } from "../errors/user-error.js";
import type { Backend } from "../scheduler/executor.js";
import { WorkerPool } from "../scheduler/pool.js";
import { choosePython, pythonIsInstalled } from "../scheduler/python.js";
import type { Resources } from "../scheduler/resources.js";
import { PilotLauncher } from "../scheduler/slurm/pilot-launcher.js";
import type { RunDir } from "../store/run-dir.js";
import { accelerateSetup, type AccelerateSetup } from "../scheduler/accelerate-launch.js";
import { gpusOfSlot } from "../scheduler/resources.js";

/** Local workers: child processes on a private ipc:// socket, each on its own GPUs when there are GPUs. */
export function workerPool(loaded: LoadedConfig, resources: Resources, logDir: string, accelerate: AccelerateSetup = accelerateSetup(loaded, resources.device)): Promise<WorkerPool> {
  const { scheduler } = loaded.config;
  const python = choosePython(loaded.config.python);
  if (!pythonIsInstalled(python)) {
    throw new UserError(`the worker environment is missing (${python.executable}); run: npm run setup:python (or set FLOPS_FIT_PYTHON)`, "python_missing", {});
  }
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
    // Each worker its own GPUs (a block of `processes`), never shared.
    envForSlot: resources.device === "cuda" ? (slot) => ({ CUDA_VISIBLE_DEVICES: gpusOfSlot(slot, scheduler.processes, resources.gpuIds.length > 0 ? resources.gpuIds : undefined) }) : undefined,
  });
}

/** The endpoint pilots are given: the bound port on the address compute nodes reach this machine by. */
export function advertisedEndpoint(bound: string, address: string): string {
  return bound.replace(/^tcp:\/\/(\[[^\]]*\]|[^:]*):/, `tcp://${address.includes(":") ? `[${address}]` : address}:`);
}

export function startPilotPool(loaded: LoadedConfig, resources: Resources, runDir: RunDir, onError?: (message: string) => void): Promise<WorkerPool> {
  const { scheduler } = loaded.config;
  if (scheduler.processes > 1) {
    throw new UserError("scheduler.processes: runs of several ranks are not available on SLURM pilots yet; use processes: 1 (one GPU per run)", "slurm_processes", { field: "scheduler.processes" });
  }
  const python = choosePython(loaded.config.python);
  if (!pythonIsInstalled(python)) {
    throw new UserError(`the worker environment is missing (${python.executable}); run: npm run setup:python (or set FLOPS_FIT_PYTHON)`, "python_missing", {});
  }
  try {
    execFileSync("sbatch", ["--version"], { stdio: "ignore", timeout: 10_000 });
  } catch (error) {
    throw new RuntimeFailure(`scheduler.backend: slurm needs sbatch and squeue on the PATH (${(error as Error).message.split("\n")[0]}); flops-fit doctor checks them`, "slurm_missing");
  }
  const address = scheduler.slurm.address ?? hostname();
  const started = WorkerPool.start({
    backend: "slurm",
    python: python.executable,
    workers: resources.workers,
    processes: 1,
    logDir: runDir.logs,
    heartbeatIntervalS: scheduler.heartbeat_interval_s,
    heartbeatTimeoutS: scheduler.heartbeat_timeout_s,
    progressTimeoutS: scheduler.progress_timeout_s,
    startupTimeoutS: scheduler.startup_timeout_s,
    // Not loopback: the pool generates the sweep's CURVE key pairs and token.
    endpoint: { bind: "tcp://0.0.0.0:*", cleanup: () => undefined },
    advertise: (bound) => advertisedEndpoint(bound, address),
    maxReplacements: scheduler.slurm.max_replacements,
    launcher: new PilotLauncher({
      slurm: scheduler.slurm, python: python.executable, dir: join(runDir.root, "pilots"), logDir: runDir.logs,
      heartbeatIntervalS: scheduler.heartbeat_interval_s, heartbeatTimeoutS: scheduler.heartbeat_timeout_s, onError,
    }),
  });
  return started.then((pool) => {
    pool.on("exit", (workerId: string, how: string) => {
      if (!pool.shuttingDown) onError?.(`pilot ${workerId}: ${how}`);
    });
    pool.on("fatal", (error: Error) => onError?.(`pilots: ${error.message}`));
    return pool;
  });
}

export function startExecutor(backend: Backend, loaded: LoadedConfig, resources: Resources, runDir: RunDir, onError?: (message: string) => void, accelerate?: AccelerateSetup): Promise<WorkerPool> {
  return backend === "slurm" ? startPilotPool(loaded, resources, runDir, onError) : workerPool(loaded, resources, runDir.logs, accelerate);
}
