/** Tiny fixture tasks for the worker-pool tests (test/fixtures/tiny_plugin). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config/load.js";
import type { ProbeTask, TrainTask } from "../../src/protocol/messages.js";
import { WorkerPool, type PoolOptions } from "../../src/scheduler/pool.js";
import { choosePython } from "../../src/scheduler/python.js";

export const FIXTURE_DIR = join(PROJECT_ROOT, "test", "fixtures", "tiny_plugin");

export function startPool(overrides: Partial<PoolOptions> = {}): Promise<WorkerPool> {
  return WorkerPool.start({
    python: choosePython().executable,
    workers: 2,
    processes: 1,
    logDir: mkdtempSync(join(tmpdir(), "ff-pool-")),
    heartbeatIntervalS: 0.5,
    heartbeatTimeoutS: 5,
    progressTimeoutS: 30,
    startupTimeoutS: 60,
    env: { OMP_NUM_THREADS: "1" },
    ...overrides,
  });
}

export function probeTask(target = "tiny:TinyMLP", id = "probe"): ProbeTask {
  return {
    type: "task", kind: "probe", task_id: id,
    model: { target, size_param: "width", options: {} },
    data: { target: "tiny:Regression", options: {} },
    loss: { target: "tiny:mse" },
    size_values: [4, 8, 16], measure_flops: false, sys_path: [FIXTURE_DIR],
  };
}

let counter = 0;
export function mockTrainTask(options: { target?: string; modelOptions?: Record<string, unknown>; delayS?: number; experimentId?: string; attempt?: number } = {}): TrainTask {
  const experimentId = options.experimentId ?? `exp${++counter}`;
  const attempt = options.attempt ?? 1;
  return {
    type: "task", kind: "train", task_id: `${experimentId}#${attempt}`, experiment_id: experimentId, attempt, seed: 0,
    model: { target: options.target ?? "tiny:TinyMLP", size_param: "width", options: options.modelOptions ?? {} },
    size_value: 8,
    data: { target: "tiny:Regression", options: {} },
    loss: { target: "tiny:mse" },
    n_tokens: 4096, budget_flops: 1e7,
    training: { batch_size: 32, lr: 1e-3, warmup_fraction: 0.05, min_lr_fraction: 0.1, weight_decay: 0.1, beta1: 0.9, beta2: 0.95, grad_clip: 1, eval_tokens: 256, threads: 1, checkpoint_interval_s: 300 },
    mock: { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28, noise: 0.002, delay_s: options.delayS ?? 0 },
    device: "cpu", sys_path: [FIXTURE_DIR], progress_interval_s: 0.1, checkpoint_dir: null,
  };
}

export { alive as isAlive } from "../integration/processes.js";
