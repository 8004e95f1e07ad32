/**
 * A worker's answers, scripted, for the pipeline's tests on a scripted executor: a probe
 * counts a GPT-like model's parameters at every size; a --mock train task evaluates the
 * Chinchilla surface task.mock as py_runtime/flops_fit_worker/mock.py does (the same formula,
 * its learning-rate optimum, log-normal noise seeded by the experiment id), and a WSD trunk
 * writes its branch checkpoints (run.json alone) where the orchestrator looks for them.
 * What only Python can prove (the worker's own mock, its checkpoints' fingerprints) is tested
 * in py_runtime/tests and test/integration.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MockSurface, Progress, ProbeTask, TrainResult, TrainTask } from "../../src/protocol/messages.js";
import type { Outcome } from "../../src/scheduler/executor.js";
import type { Script } from "./scripted-executor.js";

const TOKENS_PER_SAMPLE = 128;

/** A 2-layer GPT of width d on bytes: 24·d² in its blocks, (256 + 128)·d in its embeddings. */
export function gptParams(d: number): { total: number; embedding: number } {
  return { total: 24 * d * d + 384 * d, embedding: 384 * d };
}

/** A standard normal draw seeded by the experiment id (a run gives the same loss on every attempt). */
function seededNormal(id: string): number {
  const digest = createHash("sha256").update(id).digest();
  const u1 = (digest.readUInt32BE(0) + 1) / 2 ** 32;
  const u2 = digest.readUInt32BE(4) / 2 ** 32;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** The mock surface's loss of a run (mock.py noisy_loss). */
export function surfaceLoss(surface: MockSurface, n: number, d: number, id: string, lr: number): number {
  const base = surface.E + surface.A / n ** surface.alpha + surface.B / d ** surface.beta;
  const optimum = surface.lr_optimum;
  const penalty = optimum ? optimum.weight * Math.log(lr / (optimum.c * n ** -optimum.k)) ** 2 : 0;
  return base * (1 + penalty) * Math.exp(surface.noise * seededNormal(id));
}

function probe(task: ProbeTask): Outcome {
  const sizes = task.size_values.map((d) => {
    const { total, embedding } = gptParams(d);
    return { size_value: d, n_params: total, n_params_embedding: embedding, n_params_non_embedding: total - embedding, flops_per_token: task.measure_flops ? 6 * total : null, flops_error: null };
  });
  return { kind: "result", workerId: "w0", message: { type: "result", kind: "probe", task_id: task.task_id, sizes, tokens_per_sample: TOKENS_PER_SAMPLE, train_tokens: null, unbuildable: [] } };
}

/** The result of a train task that ran `steps` steps (from `resumedFrom`), with `loss` (null: not evaluated). */
export function trainResult(task: TrainTask, steps: number, loss: number | null, extra: Partial<TrainResult> = {}): Outcome {
  const params = gptParams(task.size_value);
  const tokensPerStep = task.training.batch_size * TOKENS_PER_SAMPLE;
  const nTokens = steps * tokensPerStep;
  const message: TrainResult = {
    type: "result", kind: "train", task_id: task.task_id, experiment_id: task.experiment_id, attempt: task.attempt, status: "completed",
    n_params: params.total, n_params_embedding: params.embedding, n_params_non_embedding: params.total - params.embedding,
    n_tokens: nTokens, steps, tokens_per_step: tokensPerStep, lr: task.training.lr, loss, train_loss: loss,
    flops_6nd: 6 * params.total * nTokens, flops_measured: null, tokens_per_s: null, wall_s: 0.01, curve: [], device: "mock", world_size: 1,
    resumed_from_step: null, engine: null, error: null, epochs: null, ...extra,
  };
  return { kind: "result", workerId: "w0", message };
}

function progressOf(task: TrainTask, step: number, total: number): Progress {
  const tokensPerStep = task.training.batch_size * TOKENS_PER_SAMPLE;
  return { type: "progress", task_id: task.task_id, experiment_id: task.experiment_id, attempt: task.attempt, step, total_steps: total, tokens: step * tokensPerStep, total_tokens: total * tokensPerStep, train_loss: null, tokens_per_s: null };
}

/** The steps a run of `nTokens` trains (training.py: whole steps, at least one). */
export function stepsOf(task: TrainTask): number {
  return Math.max(1, Math.ceil(task.n_tokens / (task.training.batch_size * TOKENS_PER_SAMPLE)));
}

/** The branch steps a trunk has saved (their run.json on disk). */
export function savedBranchSteps(trunkDir: string): number[] {
  if (!existsSync(trunkDir)) return [];
  return readdirSync(trunkDir).flatMap((name) => {
    const step = /^branch-(\d+)$/.exec(name)?.[1];
    return step && existsSync(join(trunkDir, name, "checkpoint", "run.json")) ? [Number(step)] : [];
  });
}

/** Saves a trunk's checkpoint at `step` (run.json alone, as a --mock trunk writes it) and reports it, as the worker does. */
export function saveBranchPoint(task: TrainTask, step: number, onProgress: (progress: Progress) => void = () => undefined): void {
  const wsd = task.wsd!;
  const folder = join(wsd.trunk_dir, `branch-${step}`, "checkpoint");
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "run.json"), JSON.stringify({ fingerprint: { trunk_id: wsd.trunk_id }, step, losses: [], curve: [] }));
  onProgress(progressOf(task, step, Math.max(...wsd.branch_steps)));
}

/** A --mock train task as mock.py runs it: a run, a WSD trunk (checkpoints at its branch steps) or a branch (from its trunk's). */
function train(task: TrainTask, onProgress: (progress: Progress) => void): Outcome {
  const surface = task.mock!;
  const total = stepsOf(task);
  const wsd = task.wsd;
  if (wsd?.role === "trunk") {
    // As wsd.py's latest_trunk_state: the most advanced checkpoint not past a branch point still missing.
    const saved = savedBranchSteps(wsd.trunk_dir);
    const limit = Math.min(...wsd.branch_steps.filter((s) => !saved.includes(s)), Math.max(...wsd.branch_steps));
    const done = Math.max(0, ...saved.filter((s) => s <= limit));
    for (const step of wsd.branch_steps.filter((s) => s > done)) saveBranchPoint(task, step, onProgress);
    return trainResult(task, Math.max(...wsd.branch_steps), null, { resumed_from_step: done || null });
  }
  if (wsd && !savedBranchSteps(wsd.trunk_dir).includes(wsd.branch_steps[0]!)) {
    return trainResult(task, wsd.branch_steps[0]!, null, { status: "failed", error: `RuntimeError: trunk ${wsd.trunk_id} has no checkpoint at step ${wsd.branch_steps[0]}: the branch cannot start` });
  }
  onProgress(progressOf(task, total, total));
  const n = gptParams(task.size_value).total;
  const tokens = total * task.training.batch_size * TOKENS_PER_SAMPLE;
  return trainResult(task, total, surfaceLoss(surface, n, tokens, task.experiment_id, task.training.lr), { resumed_from_step: wsd ? wsd.branch_steps[0]! : null });
}

/**
 * The mock worker's script; `before` may answer a task first (a crash, a hang), else the task
 * runs on the surface.
 */
export function mockWorker(before?: (task: TrainTask, onProgress: (progress: Progress) => void) => Outcome | Promise<Outcome | null> | null): Script {
  return async (task, onProgress) => {
    if (task.kind === "probe") return probe(task);
    return (await before?.(task, onProgress)) ?? train(task, onProgress);
  };
}
