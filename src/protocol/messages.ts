/**
 * The wire protocol between the orchestrator (ZeroMQ ROUTER) and the Python workers
 * (DEALER), defined once. Each frame is one JSON object with a `type`. The Python side
 * validates what it receives against the JSON Schema exported from these schemas
 * (`npm run protocol:export` → py_runtime/flops_fit_worker/protocol.schema.json).
 *
 * Conversation: the worker connects and sends `hello` (with PROTOCOL_VERSION); the
 * orchestrator answers with tasks, heartbeats and finally `shutdown`. Everything about a
 * run carries `experiment_id` and `attempt`, so a late message from a replaced worker is
 * recognised and dropped.
 */
import { z } from "zod";

/** Bumped on any incompatible change; a worker with another version is refused. */
export const PROTOCOL_VERSION = 2;

const Target = z.string().describe("python `module:Attribute`");
const Options = z.record(z.string(), z.unknown());

export const ModelSpec = z.object({
  target: Target,
  size_param: z.string(),
  options: Options,
});

export const DataSpec = z.object({ target: Target, options: Options });
export const LossSpec = z.object({ target: Target }).nullable();

// ---------------------------------------------------------------- orchestrator → worker

export const ProbeTask = z.object({
  type: z.literal("task"),
  kind: z.literal("probe"),
  task_id: z.string(),
  model: ModelSpec,
  data: DataSpec,
  loss: LossSpec,
  size_values: z.array(z.number()),
  /** Count FLOPs per token with torch's FLOP counter on one real training step. */
  measure_flops: z.boolean(),
  sys_path: z.array(z.string()),
});

export const TrainingHyper = z.object({
  batch_size: z.number().int().positive(),
  lr: z.number().positive(),
  warmup_fraction: z.number(),
  min_lr_fraction: z.number(),
  weight_decay: z.number(),
  beta1: z.number(),
  beta2: z.number(),
  grad_clip: z.number(),
  eval_tokens: z.number().int().positive(),
  threads: z.number().int().positive(),
  /** Seconds between checkpoints of a run (when the task has a checkpoint_dir). */
  checkpoint_interval_s: z.number().positive(),
  /** Accelerate's mixed precision (absent = auto: bf16 on a GPU that has it, else fp32). */
  mixed_precision: z.enum(["auto", "no", "bf16", "fp16"]).optional(),
  /** Most samples per forward pass per rank (absent or null = auto: the whole per-rank batch). */
  micro_batch_size: z.number().int().positive().nullable().optional(),
  /** torch.compile the model (absent = false). */
  compile: z.boolean().optional(),
  /** The sweep's LR schedule (absent = cosine); under `wsd` the task's `wsd` says the run's part. */
  schedule: z.enum(["cosine", "wsd"]).optional(),
  /** wsd: the cooldown's share of each point's steps (absent under cosine). */
  cooldown_fraction: z.number().optional(),
});

export const MockSurface = z.object({
  E: z.number(),
  A: z.number(),
  B: z.number(),
  alpha: z.number(),
  beta: z.number(),
  noise: z.number(),
  delay_s: z.number(),
  /** A known best learning rate c·N^−k; the loss is multiplied by 1 + weight·ln(lr/η*)² (absent: LR does not matter). */
  lr_optimum: z.object({ c: z.number(), k: z.number(), weight: z.number() }).optional(),
});

/** W&B settings of one run (config `tracking.wandb`, docs/tracking.md); never credentials. */
export const WandbSettings = z.object({
  project: z.string(),
  entity: z.string().nullable(),
  mode: z.enum(["online", "offline", "disabled"]),
  /** The sweep's W&B group. */
  group: z.string(),
  tags: z.array(z.string()),
  /** Where W&B keeps its files (the worker's WANDB_DIR, when set, wins). */
  dir: z.string(),
  /** The experiment's W&B run id: every attempt resumes the same run. */
  run_id: z.string(),
  init_timeout_s: z.number().positive(),
});

/** Where one run logs besides the run directory (config `tracking`). */
export const TrackingSettings = z.object({
  /** The sweep's name, shown with every run. */
  sweep: z.string(),
  /** The sweep definition's fingerprint, shown with every run. */
  fingerprint: z.string(),
  /** `sweep` for the runs fitted, `lr_calibration` for the learning-rate calibration's runs. */
  stage: z.enum(["sweep", "lr_calibration"]),
  /** This run's TensorBoard folder (RUN_DIR/tensorboard/<experiment_id>), null for none. */
  tensorboard_dir: z.string().nullable(),
  wandb: WandbSettings.nullable(),
});

/**
 * A run of a warmup–stable–decay sweep (docs/training.md, "WSD"): a `trunk` trains at the
 * constant peak LR after warmup and saves a checkpoint at every branch step; a `branch`
 * resumes from its trunk's checkpoint at its branch step and cools down to its own token
 * budget with a (1 − sqrt) decay. Trunk and branches share seed, batch size and data order.
 */
export const WsdTask = z.object({
  /** The trunk's id: a hash of everything that determines its training. */
  trunk_id: z.string(),
  role: z.enum(["trunk", "branch"]),
  /** Linear warmup steps, the same on the trunk and every branch. */
  warmup_steps: z.number().int().nonnegative(),
  /** trunk: the steps at which it saves a branch checkpoint; branch: its own branch step. */
  branch_steps: z.array(z.number().int().positive()),
  /** The folder holding the trunk's checkpoints (`branch-<step>/` per branch point). */
  trunk_dir: z.string(),
});

export const TrainTask = z.object({
  type: z.literal("task"),
  kind: z.literal("train"),
  task_id: z.string(),
  experiment_id: z.string(),
  attempt: z.number().int().positive(),
  seed: z.number().int(),
  model: ModelSpec,
  size_value: z.number(),
  data: DataSpec,
  loss: LossSpec,
  /** The planned token budget D: the run trains exactly this many tokens (± one batch). */
  n_tokens: z.number().positive(),
  budget_flops: z.number().positive(),
  training: TrainingHyper,
  /** When set, the loss comes from this surface instead of training (`--mock`). */
  mock: MockSurface.nullable(),
  device: z.string(),
  sys_path: z.array(z.string()),
  /** Seconds between progress messages. */
  progress_interval_s: z.number().positive(),
  /** Folder for this run's checkpoint (resume after a crash), or null for none. */
  checkpoint_dir: z.string().nullable(),
  /** Trackers the run logs to (absent or null: none). Not part of the run's identity. */
  tracking: TrackingSettings.nullable().optional(),
  /** Set on the trunk and branch runs of `training.schedule: wsd`; absent or null = one cosine run. */
  wsd: WsdTask.nullable().optional(),
});

export const OrchestratorHeartbeat = z.object({ type: z.literal("heartbeat") });
export const Shutdown = z.object({ type: z.literal("shutdown"), reason: z.string() });
export const Cancel = z.object({ type: z.literal("cancel"), task_id: z.string() });

export const ToWorker = z.discriminatedUnion("type", [
  z.discriminatedUnion("kind", [ProbeTask, TrainTask]),
  OrchestratorHeartbeat,
  Shutdown,
  Cancel,
]);

// ---------------------------------------------------------------- worker → orchestrator

export const Hello = z.object({
  type: z.literal("hello"),
  protocol_version: z.number().int(),
  worker_id: z.string(),
  pid: z.number().int(),
  python_version: z.string(),
  torch_version: z.string().nullable(),
  accelerate_version: z.string().nullable(),
  devices: z.array(z.string()),
  /** Ranks in this worker's process group (1 unless launched for multi-process runs). */
  world_size: z.number().int().positive(),
  /** The sweep's shared secret (required when workers connect over the network). */
  token: z.string().nullable(),
  /** Where the worker runs: its host name, its SLURM job (`<array job>_<index>`, null outside SLURM), its CUDA_VISIBLE_DEVICES. */
  host: z.string().nullable().optional(),
  slurm_job_id: z.string().nullable().optional(),
  cuda_visible_devices: z.string().nullable().optional(),
});

export const WorkerHeartbeat = z.object({ type: z.literal("heartbeat"), task_id: z.string().nullable() });

export const Progress = z.object({
  type: z.literal("progress"),
  task_id: z.string(),
  experiment_id: z.string(),
  attempt: z.number().int(),
  step: z.number().int(),
  total_steps: z.number().int(),
  tokens: z.number(),
  total_tokens: z.number(),
  train_loss: z.number().nullable(),
  tokens_per_s: z.number().nullable(),
});

export const ProbeSize = z.object({
  size_value: z.number(),
  n_params: z.number().int(),
  n_params_embedding: z.number().int(),
  n_params_non_embedding: z.number().int(),
  /** Forward+backward FLOPs per training token, counted by torch (null unless measured). */
  flops_per_token: z.number().nullable(),
  /** Why the size's one real training step failed (set only when the probe ran one); the plan stops on it. */
  flops_error: z.string().nullable(),
});

/** A candidate size whose model did not build (e.g. heads that do not divide the width). */
export const UnbuildableSize = z.object({ size_value: z.number(), error: z.string() });

export const ProbeResult = z.object({
  type: z.literal("result"),
  kind: z.literal("probe"),
  task_id: z.string(),
  sizes: z.array(ProbeSize),
  /** Tokens in one sample of the data plugin (sequence length; 1 for images unless patches). */
  tokens_per_sample: z.number().int().positive(),
  /** Tokens in one pass over the data's training split (its `train_tokens`), null when it does not say. */
  train_tokens: z.number().positive().nullable().default(null),
  /** Sizes left out because the model did not build there, with the error. */
  unbuildable: z.array(UnbuildableSize).default([]),
});

export const RunStatus = z.enum(["completed", "failed", "diverged", "oom", "cancelled"]);

/** How a run was executed by the worker's Accelerate engine. */
export const TrainEngine = z.object({
  /** "no" (fp32), "bf16" or "fp16". */
  mixed_precision: z.string(),
  compiled: z.boolean(),
  /** Samples per forward pass per rank, and micro-batches per optimiser step. */
  micro_batch_size: z.number().int().positive(),
  grad_accum_steps: z.number().int().positive(),
  /** "none" (one process), "ddp" or "fsdp". */
  distributed: z.string(),
});

export const CurvePoint = z.object({ step: z.number().int(), tokens: z.number(), train_loss: z.number().nullable() });

export const TrainResult = z.object({
  type: z.literal("result"),
  kind: z.literal("train"),
  task_id: z.string(),
  experiment_id: z.string(),
  attempt: z.number().int().positive(),
  status: RunStatus,
  // Counts are whole numbers, but not checked as such: results.jsonl records are this
  // schema too, and a results file written elsewhere may hold N as a float.
  n_params: z.number(),
  n_params_embedding: z.number(),
  n_params_non_embedding: z.number(),
  /** Tokens actually trained on. */
  n_tokens: z.number(),
  steps: z.number(),
  /** Tokens per optimiser step: the task's training.batch_size (samples) × the data's tokens per sample. */
  tokens_per_step: z.number(),
  lr: z.number(),
  /** Held-out loss at the end of training (null unless completed). */
  loss: z.number().nullable(),
  /** Mean training loss over the last 5% of steps. */
  train_loss: z.number().nullable(),
  flops_6nd: z.number(),
  flops_measured: z.number().nullable(),
  tokens_per_s: z.number().nullable(),
  wall_s: z.number(),
  curve: z.array(CurvePoint),
  device: z.string(),
  world_size: z.number().int().positive(),
  resumed_from_step: z.number().nullable(),
  /** Null when the run failed before its engine was set up. */
  engine: TrainEngine.nullable().optional(),
  error: z.string().nullable(),
  /** Passes over the training data: n_tokens / the data's train_tokens (null when the data does not say). */
  epochs: z.number().nullable(),
  /** Trackers that could not log this run (a missing library, an unreachable W&B); the run itself is unaffected. */
  tracking_warnings: z.array(z.string()).optional(),
  /**
   * Checkpoints this attempt found damaged (unreadable run.json, truncated weights, a load
   * that failed) and moved aside, each "PATH: why; moved aside to PATH.discarded": the run
   * started from the previous good checkpoint or from scratch instead.
   */
  discarded_checkpoints: z.array(z.string()).optional(),
  /** The data's model_hints() of a trained run (vocab_size, seq_len, ...: what the model was built for); absent under --mock. */
  data_hints: z.record(z.string(), z.unknown()).optional(),
});

/** Why a task could not run at all (a run that fails inside training is a TrainResult with a status). */
export const TaskErrorCode = z.enum([
  /** A target (model, data, loss) that does not import. */
  "import_error",
  /** A target that imports but is not what it must be (not callable, not an nn.Module, malformed). */
  "bad_target",
  /** The pre-flight check: the data's targets do not line up with the model's outputs under the loss. */
  "misaligned_targets",
  /** The data target imported but could not load its data (an empty folder, a missing file): the data's fault, not the model's. */
  "data_error",
  /** Anything else the task raised (retried: it may be the machine, not the config). */
  "exception",
]);

export const TaskError = z.object({
  type: z.literal("task_error"),
  task_id: z.string(),
  experiment_id: z.string().nullable(),
  attempt: z.number().int().nullable(),
  code: TaskErrorCode,
  message: z.string(),
  traceback: z.string().nullable(),
});

export const Goodbye = z.object({ type: z.literal("goodbye"), reason: z.string() });

export const FromWorker = z.discriminatedUnion("type", [
  Hello,
  WorkerHeartbeat,
  Progress,
  z.discriminatedUnion("kind", [ProbeResult, TrainResult]),
  TaskError,
  Goodbye,
]);

export type ModelSpec = z.infer<typeof ModelSpec>;
export type DataSpec = z.infer<typeof DataSpec>;
export type LossSpec = z.infer<typeof LossSpec>;
export type ProbeTask = z.infer<typeof ProbeTask>;
export type TrainTask = z.infer<typeof TrainTask>;
export type TrainingHyper = z.infer<typeof TrainingHyper>;
export type TrackingSettings = z.infer<typeof TrackingSettings>;
export type WandbSettings = z.infer<typeof WandbSettings>;
export type WsdTask = z.infer<typeof WsdTask>;
export type TrainEngine = z.infer<typeof TrainEngine>;
export type MockSurface = z.infer<typeof MockSurface>;
export type ToWorker = z.infer<typeof ToWorker>;
export type FromWorker = z.infer<typeof FromWorker>;
export type Hello = z.infer<typeof Hello>;
export type Progress = z.infer<typeof Progress>;
export type ProbeResult = z.infer<typeof ProbeResult>;
export type ProbeSize = z.infer<typeof ProbeSize>;
export type UnbuildableSize = z.infer<typeof UnbuildableSize>;
export type TrainResult = z.infer<typeof TrainResult>;
export type TaskError = z.infer<typeof TaskError>;
export type TaskErrorCode = z.infer<typeof TaskErrorCode>;
export type RunStatus = z.infer<typeof RunStatus>;
