/** One line of results.jsonl: a finished attempt of one experiment (DESIGN.md, CLI contract). */
import { z } from "zod";
import { CurvePoint, RunStatus, TrainEngine } from "../protocol/messages.js";

export const ResultRecord = z.object({
  experiment_id: z.string(),
  attempt: z.number().int().positive(),
  status: RunStatus,
  budget_flops: z.number(),
  size_value: z.number(),
  /** The run's seed (planning.seeds repeats a point with seed, seed+1, …); absent in older records. */
  seed: z.number().optional(),
  /** Total parameters (the convention for N in the fit is a setting). */
  n_params: z.number().nullable(),
  n_params_embedding: z.number().nullable(),
  n_params_non_embedding: z.number().nullable(),
  /** Tokens actually trained on. */
  n_tokens: z.number().nullable(),
  n_tokens_planned: z.number(),
  flops_6nd: z.number().nullable(),
  flops_measured: z.number().nullable(),
  /** Held-out loss at the end of training. */
  loss: z.number().nullable(),
  train_loss: z.number().nullable(),
  wall_s: z.number().nullable(),
  tokens_per_s: z.number().nullable().optional(),
  steps: z.number().nullable().optional(),
  batch_size: z.number().nullable().optional(),
  lr: z.number().nullable().optional(),
  worker: z.string().nullable().optional(),
  device: z.string().nullable().optional(),
  world_size: z.number().nullable().optional(),
  mock: z.boolean().optional(),
  /** Step this attempt resumed from (a checkpoint left by an earlier attempt), else null. */
  resumed_from_step: z.number().nullable().optional(),
  /** How the worker ran it: precision, compile, micro-batches, DDP/FSDP (null for --mock). */
  engine: TrainEngine.nullable().optional(),
  error: z.string().nullable(),
  /** Passes over the training data (n_tokens / the data's train_tokens); null when the data does not say. */
  epochs: z.number().nullable().optional(),
  finished_at: z.string(),
  curve: z.array(CurvePoint).optional(),
  /** The sweep definition the run belongs to (store/sweep-definition.ts); absent in records written before it was recorded. */
  fingerprint: z.string().optional(),
}).loose();

export type ResultRecord = z.infer<typeof ResultRecord>;
