/**
 * The sweep configuration: the zod schema *is* the type. Every field but planning.budgets
 * (which a `compare_to` baseline can supply) has a default, so a config that only lists
 * budgets sweeps the built-in GPT on the byte corpus.
 * Only the TypeScript side reads YAML; workers receive the validated, resolved JSON.
 */
import { z } from "zod";
import { seedBudgets, SEED_BUDGETS } from "../planning/adaptive-design.js";
import { PYTHON_TARGET } from "../util/python-target.js";

/** A positive FLOP count; YAML `1e15` is a number, `"1e15"` (quoted) is accepted too. */
export const Flops = z
  .union([z.number(), z.string().regex(/^\s*[0-9.]+(e[+-]?[0-9]+)?\s*$/i, "expected a number such as 1e15").transform(Number)])
  .pipe(z.number().positive("must be a positive number of FLOPs").finite());

/** A python `module.path:Attribute` reference. */
export const PythonTarget = z.string().regex(PYTHON_TARGET, "expected a python target such as \"package.module:Class\"");

/** Most UTF-8 bytes in a run name: file systems allow 255 per folder name, and `-mock` may be appended. */
export const MAX_RUN_NAME_BYTES = 200;

/** Why `name` cannot name a run directory (runs/<name>), or null when it can: one plain folder name. */
export function runNameProblem(name: string): string | null {
  if (name.trim() === "") return "a run name cannot be empty";
  if (name === "." || name === "..") return `a run name cannot be "${name}"`;
  if (/[/\\]/.test(name)) return "a run name is one folder name, without / or \\ (use --out to choose a directory)";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return "a run name cannot contain control characters";
  // Bidirectional controls make a name display as something other than what it is (Trojan Source, CVE-2021-42574).
  if (/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(name)) return "a run name cannot contain bidirectional control characters (they make it display differently from what it is)";
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > MAX_RUN_NAME_BYTES) return `a run name is at most ${MAX_RUN_NAME_BYTES} bytes (this one has ${bytes}): it names a folder, and file systems allow 255`;
  return null;
}

/** The sweep's name: reports show it, and the default run directory is runs/<name> (the error shows the value once, as every config error does). */
export const RunName = z.string().superRefine((name, context) => {
  const problem = runNameProblem(name);
  if (problem) context.addIssue({ code: "custom", message: problem });
});

const Options = z.record(z.string(), z.unknown()).default({});

export const ModelConfig = z.strictObject({
  /** Python callable `module:Attr` taking the size argument and returning an nn.Module (overrides the plugin's). */
  target: PythonTarget.optional(),
  /** Name of the constructor argument that sets the model size (e.g. `d_model`, `width`). */
  size_param: z.string().min(1).optional(),
  /** Extra constructor arguments, validated against the plugin manifest's schema. */
  options: Options,
});

export const DataConfig = z.strictObject({
  target: PythonTarget.optional(),
  options: Options,
});

export const LossConfig = z.strictObject({ target: PythonTarget.optional() });

/**
 * Most candidate sizes probed: each one is built (and counted) before anything is planned, so
 * an unbounded count would hang the probe; 256 is ten times the default grid.
 */
export const MAX_SIZE_VALUES = 256;

/** Candidate size values the planner probes (parameter counts are measured, never assumed). */
export const SizeValues = z.union([
  z.array(z.number().positive()).min(2, "give at least 2 size values").max(MAX_SIZE_VALUES, `give at most ${MAX_SIZE_VALUES} size values`),
  z.strictObject({
    min: z.number().positive(),
    max: z.number().positive(),
    count: z.number().int().min(2).max(MAX_SIZE_VALUES, `count must be at most ${MAX_SIZE_VALUES} (every candidate size is built and counted before planning)`).default(16),
    /** Round each value to a multiple of this (e.g. 8 for d_model divisible by the head count). */
    multiple_of: z.number().int().positive().default(1),
  }).superRefine((range, context) => {
    if (range.min > range.max) context.addIssue({ code: "custom", path: ["min"], message: `min (${range.min}) must not exceed max (${range.max})` });
  }),
]);

/** Most budgets one sweep plans. */
export const MAX_BUDGETS = 64;

/** Most runs one sweep plans (budgets × sizes_per_budget × seeds): far beyond any IsoFLOP sweep, short of what hangs. */
export const MAX_PLANNED_RUNS = 10_000;

export const PlanningConfig = z.strictObject({
  /** IsoFLOP budgets C in FLOPs; with `compare_to` and none given, the baseline's (checked in SweepConfig). */
  budgets: z.array(Flops).max(MAX_BUDGETS, `give at most ${MAX_BUDGETS} budgets`).default([]),
  /** Experiments (model sizes) per budget. */
  sizes_per_budget: z.number().int().min(3, "an IsoFLOP parabola needs at least 3 sizes").max(64, "sizes_per_budget must be at most 64").default(5),
  /** Prior for the compute-optimal ratio D/N (tokens per parameter) that centres each budget's grid (Chinchilla: ~20). */
  tokens_per_param: z.number().positive().default(20),
  /** Each budget's sizes span N_opt/span .. N_opt·span around the predicted N*(C) (docs/methods.md §5.1). */
  span: z.number().gt(1, "span must exceed 1").default(3),
  /**
   * Rounds of grid refinement: after the sweep, a budget whose lowest loss sits at its
   * smallest or largest size gets 2 more sizes on that side (docs/methods.md §5.1). 0 = off.
   */
  refine_rounds: z.number().int().min(0).max(5).default(1),
  /** Candidate size values to probe; default: the plugin's, else 16..512. */
  size_values: SizeValues.optional(),
  /**
   * Runs per planned point, each with its own seed (seed, seed+1, …) and experiment id: the
   * fit uses every one, and the report shows their spread (the noise floor) next to the residuals.
   */
  seeds: z.number().int("seeds must be a whole number").min(1, "seeds must be at least 1").max(100, "seeds must be at most 100 (each seed repeats every planned run)").default(1),
  /**
   * `grid`: every budget × sizes_per_budget sizes (and refinements). `adaptive`: a seed design of
   * the 3 smallest budgets × 3 sizes, then one run at a time, the one expected to shrink the
   * interval of N*(target_budget) the most per FLOP, until target_width or max_flops (docs/adaptive.md).
   */
  strategy: z.enum(["grid", "adaptive"]).default("grid"),
  /** adaptive: the budget (FLOPs) whose N*, D*, L* the sweep pins down. */
  target_budget: Flops.optional(),
  /** adaptive: stop once N*(target_budget)'s 95% interval is within ±target_width in ln N (0.25: about ±25%) and approach 3 is determined. */
  target_width: z.number().positive("target_width must be positive (the half-width of the interval in ln N, e.g. 0.25)").max(10).optional(),
  /** adaptive: stop before the sweep's training FLOPs (the seed design's included) would pass this. */
  max_flops: Flops.optional(),
}).superRefine((planning, context) => {
  const runs = planning.budgets.length * planning.sizes_per_budget * planning.seeds;
  if (runs > MAX_PLANNED_RUNS) {
    context.addIssue({
      code: "custom", path: ["seeds"],
      message: `budgets × sizes_per_budget × seeds = ${planning.budgets.length} × ${planning.sizes_per_budget} × ${planning.seeds} = ${runs} runs; a sweep plans at most ${MAX_PLANNED_RUNS}`,
    });
  }
  for (const issue of adaptiveProblems(planning)) context.addIssue({ code: "custom", ...issue });
});

/** What makes an adaptive sweep's planning settings unusable (or adaptive settings given to a grid), each at its field. */
function adaptiveProblems(planning: { strategy: string; budgets: number[]; target_budget?: number | undefined; target_width?: number | undefined; max_flops?: number | undefined }): Array<{ path: string[]; message: string }> {
  const given = (["target_budget", "target_width", "max_flops"] as const).filter((key) => planning[key] !== undefined);
  if (planning.strategy !== "adaptive") {
    return given.map((key) => ({ path: [key], message: `${key} is read by an adaptive sweep only: add planning.strategy: adaptive, or remove it` }));
  }
  const problems: Array<{ path: string[]; message: string }> = [];
  if (planning.target_budget === undefined) {
    problems.push({ path: ["strategy"], message: "an adaptive sweep needs planning.target_budget: the budget (FLOPs) whose N* it pins down" });
  }
  if (planning.target_width === undefined && planning.max_flops === undefined) {
    problems.push({ path: ["strategy"], message: "an adaptive sweep needs a stopping rule: planning.target_width (stop once N*(target_budget) is known within ±width in ln N), planning.max_flops (stop before spending more), or both" });
  }
  // With compare_to and no budgets, the baseline's budgets are checked when the sweep plans.
  if (planning.budgets.length > 0 && planning.budgets.length < SEED_BUDGETS) {
    problems.push({ path: ["budgets"], message: `an adaptive sweep seeds from the ${SEED_BUDGETS} smallest budgets (approach 2 fits no fewer than ${SEED_BUDGETS} IsoFLOP parabolas): give at least ${SEED_BUDGETS}` });
  }
  const seed = seedBudgets(planning.budgets);
  const largest = seed[seed.length - 1];
  if (planning.target_budget !== undefined && largest !== undefined && planning.target_budget < largest) {
    problems.push({
      path: ["target_budget"],
      message: `target_budget ${planning.target_budget.toExponential(2)} is below the seed design's budgets (${seed.map((b) => b.toExponential(2)).join(", ")}, the ${SEED_BUDGETS} smallest of planning.budgets): ` +
        `an adaptive sweep pins down N* at or beyond the largest budget it seeds from; raise target_budget or lower planning.budgets`,
    });
  }
  return problems;
}

/**
 * The learning-rate calibration stage of `training.lr: calibrate` (docs/training.md): `lrs`
 * learning rates × `sizes` model sizes at the smallest budget, then η*(N) = c·N^−k.
 */
export const LrCalibrationConfig = z.strictObject({
  /** Model sizes calibrated, spread over the calibration budget's grid (its smallest to its largest). */
  sizes: z.number().int().min(2, "fitting η*(N) = c·N^-k needs at least 2 sizes").max(8).default(3),
  /** Learning rates per size, a geometric grid centred on the built-in rule (lr_reference, lr_exponent). */
  lrs: z.number().int().min(3, "locating a best learning rate needs at least 3 learning rates").max(12).default(5),
  /** Ratio between neighbouring learning rates of the grid. */
  lr_step: z.number().gt(1, "lr_step must exceed 1").max(10).default(2),
  /** Times a size's grid grows by one learning rate past an end where its loss is lowest. */
  extend_rounds: z.number().int().min(0).max(6).default(3),
  /** Budget of every calibration run (its sizes: the nearest planned budget's); default: the sweep's smallest budget. */
  budget: Flops.optional(),
});

export const TrainingConfig = z.strictObject({
  /** Sequences (or samples) per optimiser step; `auto` scales with model size. */
  batch_size: z.union([z.number().int().positive().max(1_048_576), z.literal("auto")]).default("auto"),
  /**
   * Peak learning rate; `auto` = lr_reference · (n_params / 1e5)^-lr_exponent, clipped;
   * `calibrate` = c · n_params^-k fitted by a calibration stage before the sweep (lr_calibration).
   */
  lr: z.union([z.number().positive(), z.literal("auto"), z.literal("calibrate")]).default("auto"),
  /** Settings of the calibration stage of `lr: calibrate` (defaults when absent). */
  lr_calibration: LrCalibrationConfig.optional(),
  lr_reference: z.number().positive().default(3e-3),
  /** Measured on the built-in GPT at 3e11 FLOPs: best LR ≥1.6e-2 at N=16k, ~5e-3 at 45k, ~2.5e-3 at 140k. */
  lr_exponent: z.number().min(0).default(0.75),
  warmup_fraction: z.number().min(0).max(0.5).default(0.05),
  /** Cosine decay to this fraction of the peak LR at the run's own token horizon. */
  min_lr_fraction: z.number().min(0).max(1).default(0.1),
  weight_decay: z.number().min(0).default(0.1),
  beta1: z.number().min(0).lt(1).default(0.9),
  /** AdamW β2; `auto` raises it for long runs (Porian et al. 2024). */
  beta2: z.union([z.number().min(0).lt(1), z.literal("auto")]).default("auto"),
  grad_clip: z.number().positive().default(1.0),
  /** Held-out tokens evaluated at the end of every run (fixed across runs). */
  eval_tokens: z.number().int().positive().max(1e10, "eval_tokens must be at most 1e10").default(65536),
  /** A long run saves a checkpoint this often; a retried run resumes from it, not from step 0. */
  checkpoint_interval_s: z.number().positive().default(300),
  /** Torch intra-op threads per worker; `auto` = cores / workers. */
  threads: z.union([z.number().int().positive().max(1024), z.literal("auto")]).default("auto"),
  /** Accelerate's mixed precision: `auto` = bf16 on a GPU that has it, fp32 on CPU (docs/training.md). */
  mixed_precision: z.enum(["auto", "no", "bf16", "fp16"]).default("auto"),
  /**
   * Most samples per forward pass per rank: a larger batch is split into equal micro-batches
   * whose gradients are accumulated (same batch, same tokens). `auto` = the whole batch,
   * halved on out-of-memory before a single-process run's first update.
   */
  micro_batch_size: z.union([z.number().int().positive().max(1_048_576), z.literal("auto")]).default("auto"),
  /** torch.compile the model (through Accelerate; meant for GPU runs, recorded per run). */
  compile: z.boolean().default(false),
  /**
   * `cosine`: every point is its own run, its LR decaying to its own horizon. `wsd`:
   * warmup–stable–decay: points sharing a model share one constant-LR trunk, and each point
   * is a cooldown branching off it (docs/training.md, "WSD").
   */
  schedule: z.enum(["cosine", "wsd"]).default("cosine"),
  /** wsd: each point's cooldown, as a fraction of its steps; (1 − sqrt) shape. */
  cooldown_fraction: z.number().gt(0, "cooldown_fraction must be above 0").max(0.5, "cooldown_fraction must be at most 0.5").default(0.2),
});

/** The noiseless-plus-noise Chinchilla surface that `--mock` evaluates instead of training. */
export const MockConfig = z.strictObject({
  // A loss is positive: negative terms would give "completed" runs with a negative loss.
  E: z.number().min(0, "E (the irreducible loss) cannot be negative").default(1.69),
  A: z.number().min(0, "A cannot be negative").default(406.4),
  B: z.number().min(0, "B cannot be negative").default(410.7),
  alpha: z.number().positive().default(0.34),
  beta: z.number().positive().default(0.28),
  /** Multiplicative log-normal noise (σ of ln loss), seeded per experiment. */
  noise: z.number().min(0).default(0.001),
  /** Simulated seconds per run (0 = instant), to exercise the scheduler. */
  delay_s: z.number().min(0).max(86_400).default(0),
  /**
   * A known best learning rate η*(N) = c·N^−k (N: total parameters): the loss is
   * multiplied by 1 + weight · ln(lr/η*)², so `training.lr: calibrate` has a truth to
   * recover. Absent: the learning rate does not matter.
   */
  lr_optimum: z.strictObject({
    c: z.number().positive(),
    k: z.number(),
    /** Relative loss per (ln of the LR ratio)²: 0.05 costs 2.4% of the loss at 2× or ½× the optimum. */
    weight: z.number().positive().default(0.05),
  }).optional(),
}).refine((surface) => surface.E + surface.A + surface.B > 0, { message: "E, A and B cannot all be 0 (the loss would be 0)", path: ["E"] });

/** SLURM pilot jobs (docs/slurm.md): what each pilot asks SLURM for, and how many may be replaced. */
export const SlurmConfig = z.strictObject({
  /** The partition (`sbatch --partition`); the cluster's default when absent. */
  partition: z.string().min(1).optional(),
  /** Each pilot's time limit (`sbatch --time`, e.g. "04:00:00"); the partition's default when absent. */
  time: z.string().regex(/^(\d+-)?\d+(:\d{1,2}){0,2}$/, "a SLURM time such as 04:00:00, 30:00 or 1-12:00:00").optional(),
  /** GPUs per pilot (`--gres=gpu:N`); SLURM sets each pilot's CUDA_VISIBLE_DEVICES. */
  gpus_per_worker: z.number().int().min(0).max(64).default(0),
  /** CPU cores per pilot (`--cpus-per-task`; also its torch threads). */
  cpus_per_worker: z.number().int().positive().max(1024).default(1),
  account: z.string().min(1).optional(),
  qos: z.string().min(1).optional(),
  constraint: z.string().min(1).optional(),
  /** More sbatch arguments, each one word (e.g. ["--mem=16G"]). */
  extra_args: z.array(z.string().min(1)).max(64).default([]),
  /** Pilots that may be submitted to replace ones that ended (cancelled, preempted, timed out, crashed). */
  max_replacements: z.number().int().min(0).max(1000).default(4),
  /** Seconds before the time limit at which SLURM warns a pilot (SIGUSR1): it checkpoints its run and takes no more. */
  signal_before_s: z.number().int().positive().default(120),
  /** The address pilots connect back to (this machine as the compute nodes see it); default: this machine's host name. */
  address: z.string().min(1).optional(),
});

export const SchedulerConfig = z.strictObject({
  /** Where runs execute: `local` worker processes, or `slurm` pilot jobs that connect back (docs/slurm.md). */
  backend: z.enum(["local", "slurm"]).default("local"),
  slurm: SlurmConfig.default(() => SlurmConfig.parse({})),
  /** Number of worker processes; `auto` = one per GPU (per `processes` GPUs), else one per CPU core up to 8 (scheduler/resources.ts). */
  workers: z.union([z.number().int().positive().max(1024, "workers must be at most 1024"), z.literal("auto")]).default("auto"),
  /** Ranks per run (Accelerate); >1 runs each experiment as a gloo/NCCL process group. */
  processes: z.number().int().positive().max(1024).default(1),
  /** Attempts per experiment before it is recorded `failed`. */
  max_attempts: z.number().int().positive().max(100, "max_attempts must be at most 100").default(3),
  heartbeat_interval_s: z.number().positive().default(1),
  /** A worker silent for this long is presumed dead and replaced. */
  heartbeat_timeout_s: z.number().positive().default(30),
  /** A run that reports no progress for this long is stuck: the worker is replaced. */
  progress_timeout_s: z.number().positive().default(600),
  /** Seconds to wait for a worker to start (import torch) and say hello. */
  startup_timeout_s: z.number().positive().default(120),
  device: z.enum(["auto", "cpu", "cuda"]).default("auto"),
  /**
   * An Accelerate config file (`accelerate config` writes one) for runs of `processes` > 1:
   * it chooses the backend (DDP, or FSDP with `distributed_type: FSDP`, GPUs only) and its
   * settings. Relative to this config file. Precision and compile come from `training`.
   */
  accelerate_config: z.string().min(1).optional(),
}).superRefine((scheduler, context) => {
  // A worker is presumed dead after heartbeat_timeout_s of silence: shorter than two beats, a healthy one would be killed.
  if (scheduler.heartbeat_timeout_s < 2 * scheduler.heartbeat_interval_s) {
    context.addIssue({
      code: "custom", path: ["heartbeat_timeout_s"],
      message: `heartbeat_timeout_s (${scheduler.heartbeat_timeout_s}) must be at least twice heartbeat_interval_s (${scheduler.heartbeat_interval_s}), or healthy workers are killed between beats`,
    });
  }
});

/**
 * Weights & Biases logging of every run (docs/tracking.md). Credentials never go in a config:
 * W&B reads them from its own login (`wandb login`) or WANDB_API_KEY in the environment.
 */
export const WandbConfig = z.strictObject({
  /** The W&B project the runs land in. */
  project: z.string().trim().min(1, "give the W&B project name"),
  /** The team or user owning the project (default: the login's default entity). */
  entity: z.string().trim().min(1, "entity cannot be empty").optional(),
  /** `online` logs to the server, `offline` writes run files to sync later (`wandb sync`), `disabled` logs nothing. */
  mode: z.enum(["online", "offline", "disabled"]).default("online"),
  /** The W&B group of the sweep's runs (default: the run directory's name). */
  group: z.string().trim().min(1, "group cannot be empty").optional(),
  /** Tags on every run of the sweep. */
  tags: z.array(z.string().min(1)).max(64).default([]),
  /** Seconds a run waits for W&B to start (an unreachable server) before it trains without it. */
  init_timeout_s: z.number().positive().default(60),
  /** Refused with the reason: an API key in a config ends up in config.json and in version control. */
  api_key: z.unknown().refine((value) => value === undefined,
    "W&B credentials never go in a config (config.json keeps the config): run `wandb login` or set WANDB_API_KEY in the environment").optional(),
});

/**
 * Trackers that every run logs to besides the run directory, which stays the source of
 * truth (docs/tracking.md). Not part of the sweep definition or of experiment ids: they
 * change where results are shown, not the results.
 */
export const TrackingConfig = z.strictObject({
  wandb: WandbConfig.optional(),
  /** TensorBoard event files under RUN_DIR/tensorboard/<experiment_id>/ (and the fit under tensorboard/fit/). */
  tensorboard: z.boolean().default(false),
});

export const SweepConfig = z.strictObject({
  /** Shown in reports and names the default run directory runs/<name>; defaults to the config file's name. */
  name: RunName.optional(),
  /** Built-in plugin name (`gpt`, `vit`) or a path to a plugin folder with plugin.ts. */
  plugin: z.string().default("gpt"),
  model: ModelConfig.default({ options: {} }),
  data: DataConfig.default({ options: {} }),
  loss: LossConfig.default({}),
  /** FLOPs per token: `measured` (torch FLOP counter on a real step) or `6nd` (6·N per token). */
  flops: z.enum(["measured", "6nd"]).default("measured"),
  /** Which parameter count is N in the fit (docs/methods.md §5.5). */
  param_convention: z.enum(["total", "non_embedding"]).default("total"),
  planning: PlanningConfig,
  training: TrainingConfig.default(() => TrainingConfig.parse({})),
  scheduler: SchedulerConfig.default(() => SchedulerConfig.parse({})),
  mock: MockConfig.default(() => MockConfig.parse({})),
  /** Weights & Biases and TensorBoard logging (docs/tracking.md). */
  tracking: TrackingConfig.default(() => TrackingConfig.parse({})),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  /** Python interpreter for the workers (else env FLOPS_FIT_PYTHON, else the project's .venv). */
  python: z.string().optional(),
  /**
   * A baseline to compare this sweep with (docs/compare.md): its run directory or results file,
   * relative to the current directory like --out. The sweep plans on its budgets when
   * planning.budgets is left out, and prints `flops-fit compare BASELINE RUN_DIR` at the end.
   */
  compare_to: z.string().min(1, "name the baseline's run directory or results file").optional(),
}).superRefine((config, context) => {
  if (config.planning.budgets.length === 0 && config.compare_to === undefined) {
    context.addIssue({ code: "custom", path: ["planning", "budgets"], message: "give at least one budget (or compare_to: a baseline sweep whose budgets to plan on)" });
  }
});

export type SweepConfig = z.infer<typeof SweepConfig>;
export type SweepConfigInput = z.input<typeof SweepConfig>;
export type MockConfig = z.infer<typeof MockConfig>;
export type SlurmConfig = z.infer<typeof SlurmConfig>;
export type TrainingConfig = z.infer<typeof TrainingConfig>;
export type PlanningConfig = z.infer<typeof PlanningConfig>;
export type TrackingConfig = z.infer<typeof TrackingConfig>;
export type LrCalibrationConfig = z.infer<typeof LrCalibrationConfig>;
