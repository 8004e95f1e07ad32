/** A scripted sweep for progress tests: 3 planned experiments (1 already done), one retry. */
import type { Progress } from "../../src/protocol/messages.js";
import type { ResultRecord } from "../../src/store/record.js";
import type { Executor } from "../../src/scheduler/executor.js";
import type { Experiment } from "../../src/sweep/experiments.js";
import type { SweepEvent } from "../../src/sweep/sweep-events.js";

export function experiment(id: string, budget: number, n: number, d: number): Experiment {
  return { experiment_id: id, budget_flops: budget, n_params: n, n_tokens: d } as Experiment;
}

export const A = experiment("aaaa1111", 1e12, 2e5, 8.3e5);
export const B = experiment("bbbb2222", 1e12, 4e5, 4.2e5);
export const DONE = experiment("cccc3333", 1e11, 5e4, 3.3e5);

export function progress(e: Experiment, step: number, total: number, tokensPerS: number | null): Progress {
  return {
    type: "progress", task_id: `${e.experiment_id}#1`, experiment_id: e.experiment_id, attempt: 1,
    step, total_steps: total, tokens: (e.n_tokens * step) / total, total_tokens: e.n_tokens, train_loss: 3.5 - step / 100, tokens_per_s: tokensPerS,
  };
}

export function record(e: Experiment, attempt: number, status: ResultRecord["status"], extra: Partial<ResultRecord> = {}): ResultRecord {
  const completed = status === "completed";
  return {
    experiment_id: e.experiment_id, attempt, status, budget_flops: e.budget_flops, size_value: 32,
    n_params: e.n_params, n_params_embedding: 1000, n_params_non_embedding: e.n_params - 1000,
    n_tokens: completed ? e.n_tokens : null, n_tokens_planned: e.n_tokens,
    flops_6nd: completed ? 6 * e.n_params * e.n_tokens : null, flops_measured: completed ? 1.1e12 : null,
    loss: completed ? 3.2109 : null, train_loss: completed ? 3.25 : null, wall_s: completed ? 42 : null,
    error: completed ? null : "worker lost: no heartbeat for 30 s\nworker log tail: ...",
    finished_at: "2025-01-01T00:00:00.000Z", ...extra,
  };
}

export const RESOURCES = { workers: 2, device: "cpu", threadsPerWorker: 1 };

/** The sweep's events as the stages emit them (sweep/sweep-events.ts). */
export const note = (text: string): SweepEvent => ({ type: "note", text });
export const planned = (experiments: Experiment[], pending: Experiment[], resources = RESOURCES): SweepEvent =>
  ({ type: "planned", plan: { budgets: [], warnings: [] }, experiments, pending, resources: resources as never });
export const extended = (experiments: Experiment[]): SweepEvent => ({ type: "extended", experiments });
export const trunkJoined = (trunk: Experiment): SweepEvent => ({ type: "trunk", trunk });
export const started = (e: Experiment, attempt = 1): SweepEvent => ({ type: "started", stage: "sweep", experiment: e, attempt });
export const progressed = (e: Experiment, p: Progress): SweepEvent => ({ type: "progress", stage: "sweep", experiment: e, progress: p });
export const recorded = (e: Experiment, r: ResultRecord, willRetry = false): SweepEvent => ({ type: "recorded", stage: "sweep", experiment: e, record: r, willRetry });
export const executorStarted = (executor: Pick<Executor, "snapshot">): SweepEvent => ({ type: "executor", executor: executor as Executor });
