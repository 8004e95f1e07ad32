/**
 * One line of results.jsonl: a finished attempt of one experiment. It is the worker's
 * TrainResult (the wire schema, src/protocol/messages.ts) less the message envelope, with
 * what the orchestrator knows beside it: the planned budget and size, the worker, the
 * time, the sweep definition. An attempt that produced no result (the worker was lost, the
 * task raised) keeps the experiment's planned counts and null measurements, so every
 * measured field is nullable here; fields added to the wire after records were first
 * written are optional, so older results.jsonl files still read. A WSD sweep's records carry
 * their part of the schedule (WSD_PART): a branch names its trunk and branch point, a trunk's
 * attempt (trunks.jsonl) its branch steps. Keys a record holds beyond these (written by an
 * older or newer flops-fit) are dropped when it is read, never a reason to refuse the file.
 */
import { z } from "zod";
import { TrainResult } from "../protocol/messages.js";

/** Measurements every record has (null in the record of an attempt that produced no result). */
const RECORDED_SINCE_THE_START = {
  n_params: true,
  n_params_embedding: true,
  n_params_non_embedding: true,
  n_tokens: true,
  flops_6nd: true,
  flops_measured: true,
  loss: true,
  train_loss: true,
  wall_s: true,
} as const;

/** Measurements added to records later: missing from older results.jsonl files. */
const RECORDED_LATER = {
  tokens_per_s: true,
  steps: true,
  tokens_per_step: true,
  lr: true,
  device: true,
  world_size: true,
  resumed_from_step: true,
  engine: true,
  epochs: true,
} as const;

/**
 * The WSD part of a record (docs/training.md, "WSD"; sweep/run-trunks.ts): absent on a cosine
 * run's. A branch (a point) names its trunk, the trunk step it branched at and the tokens the
 * trunk had trained there; a trunk's attempt has `role: "trunk"` and the branch steps it saved.
 * Both record the FLOPs this attempt trained itself (null when it measured none).
 */
const WSD_PART = {
  schedule: z.literal("wsd").optional(),
  trunk_id: z.string().optional(),
  branch_step: z.number().optional(),
  branch_tokens: z.number().optional(),
  role: z.literal("trunk").optional(),
  branch_steps: z.array(z.number()).optional(),
  train_flops: z.number().nullable().optional(),
};

type Nullable<S extends Record<string, z.ZodType>> = { [K in keyof S]: z.ZodNullable<S[K]> };
const nullable = <S extends Record<string, z.ZodType>>(shape: S): Nullable<S> =>
  Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, schema.nullable()])) as Nullable<S>;

export const ResultRecord = z
  .object({
    ...TrainResult.pick({ experiment_id: true, attempt: true, status: true, error: true }).shape,
    ...nullable(TrainResult.pick({ ...RECORDED_SINCE_THE_START, ...RECORDED_LATER }).shape),
    curve: TrainResult.shape.curve.optional(),
    /** The experiment's budget C (FLOPs) and size, as planned. */
    budget_flops: z.number(),
    size_value: z.number(),
    /** The run's seed (planning.seeds repeats a point with seed, seed+1, …); absent in older records. */
    seed: z.number().optional(),
    /** The planned token budget D (the result's n_tokens is what was trained: ± one step). */
    n_tokens_planned: z.number(),
    /** The worker that ran the attempt. */
    worker: z.string().nullable().optional(),
    /** Where it ran: the worker's host, its SLURM job (null outside SLURM), its CUDA_VISIBLE_DEVICES; absent in older records. */
    host: z.string().nullable().optional(),
    slurm_job_id: z.string().nullable().optional(),
    cuda_visible_devices: z.string().nullable().optional(),
    mock: z.boolean().optional(),
    finished_at: z.string(),
    /** The sweep definition the run belongs to (store/sweep-definition.ts); absent in records written before it was recorded. */
    fingerprint: z.string().optional(),
    /** Trackers (W&B, TensorBoard) that could not log this run; absent when all did, or none was asked for. */
    tracking_warnings: TrainResult.shape.tracking_warnings,
    /** Damaged checkpoints the attempt moved aside before it (re)started; absent when none. */
    discarded_checkpoints: TrainResult.shape.discarded_checkpoints,
    /** The data's model_hints() (vocab_size, seq_len, ...) of a trained run; absent under --mock and in older records. */
    data_hints: TrainResult.shape.data_hints,
    ...WSD_PART,
  })
  .partial(RECORDED_LATER);

export type ResultRecord = z.infer<typeof ResultRecord>;

/** Whether a record is a WSD trunk's attempt (trunks.jsonl), not a point. */
export function isTrunkRecord(record: ResultRecord): boolean {
  return record.role === "trunk";
}
