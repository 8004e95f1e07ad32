/**
 * Every JSON file of a run directory, each with its schema (the schema is the type): what a
 * sweep writes and what `fit`, `report` and a resumed sweep read back through
 * `RunDir.read/write` (run-dir.ts). A file written by an older flops-fit must still read, so
 * fields added later are optional and keys a schema does not declare are dropped on reading
 * (config.json's are kept: the report shows the resolved config as it was written).
 *
 *   config.json       the resolved config, with the sweep definition and its fingerprint
 *   plan.json         the IsoFLOP plan, its experiments and the grid refinements
 *   calibration.json  the learning-rate rule of `training.lr: calibrate` (calibration-record.ts)
 *   environment.json  where the runs ran: versions, devices, workers
 *   probe.json        what the probe measured per size (probe-cache.ts)
 *   definitions.json  every sweep definition the directory has held (run-definitions.ts)
 *   fit.json          the fit and the request that made it (fit-json.ts)
 *   adaptive.json     an adaptive sweep's fits, decisions and stop (adaptive-record.ts)
 *
 * The journals (results.jsonl, trunks.jsonl, calibration.jsonl) are records (record.ts),
 * appended by journal.ts.
 */
import { z } from "zod";
import { DataSpec, Hello, LossSpec, ModelSpec, UnbuildableSize } from "../protocol/messages.js";
import { AdaptiveFileSchema } from "./adaptive-record.js";
import { CalibrationRecordSchema } from "./calibration-record.js";
import { FitJsonSchema } from "./fit-json.js";

const JsonObject = z.record(z.string(), z.unknown());

/** A sweep definition (sweep-definition.ts): what decides whether two runs can be fitted together. */
export const SweepDefinitionSchema = z.object({
  plugin: z.string(),
  model: ModelSpec,
  data: DataSpec,
  loss: LossSpec,
  training: JsonObject,
  flops: z.enum(["measured", "6nd"]),
  mock: JsonObject.nullable(),
});

/**
 * config.json: the resolved config (config/schema.ts, validated when the sweep loaded it) as
 * the sweep used it, with what identifies the sweep. The fields a reader of a run directory
 * uses are declared; the rest of the config is kept as written, for the report's "Resolved
 * config". `training` is kept whole: a config.json written before definitions were recorded
 * has its definition rebuilt from it (run-definitions.ts), and its fingerprint must not change.
 */
export const RunConfigSchema = z.object({
  name: z.string().optional(),
  /** The sweep definition and its fingerprint; absent in config.json written before definitions were recorded. */
  fingerprint: z.string().optional(),
  definition: SweepDefinitionSchema.optional(),
  /** Whether the sweep ran --mock, and the config file it was loaded from. */
  mock_enabled: z.boolean().optional(),
  config_file: z.string().optional(),
  flops: z.enum(["measured", "6nd"]).optional(),
  param_convention: z.enum(["total", "non_embedding"]).optional(),
  training: JsonObject.optional(),
  scheduler: JsonObject.optional(),
  mock: JsonObject.nullable().optional(),
  /** The plugin as resolved (registry.ts); its name, model, data and loss identify a legacy definition. */
  resolved_plugin: z.object({ name: z.string().optional(), model: JsonObject.optional(), data: JsonObject.optional(), loss: JsonObject.nullable().optional() })
    .catchall(z.unknown()).optional(),
}).catchall(z.unknown());

/** One experiment of plan.json (sweep/experiments.ts Experiment; the report needs these fields for its pending rows). */
const PlannedExperimentSchema = z.object({
  experiment_id: z.string(),
  budget_flops: z.number(),
  size_value: z.number().optional(),
  n_params: z.number().optional(),
  n_params_total: z.number().optional(),
  n_tokens: z.number(),
});

/** A grid refinement (sweep/refine-sweep.ts): the budget, the side it grew on, why, and its experiments. */
export const RefinementSchema = z.object({ budget_flops: z.number(), side: z.string(), note: z.string(), experiment_ids: z.array(z.string()) });

/** plan.json: the plan's budgets and warnings, every planned experiment, and the refinements made so far. */
export const PlanFileSchema = z.object({
  budgets: z.array(z.unknown()),
  warnings: z.array(z.string()),
  experiments: z.array(PlannedExperimentSchema),
  refinements: z.array(RefinementSchema).optional(),
});

/** environment.json: what the report shows under "environment" (sweep/run-sweep.ts describeEnvironment). */
export const EnvironmentSchema = z.object({
  flops_fit_node: z.string(),
  platform: z.string(),
  python: z.string().nullable(),
  torch: z.string().nullable(),
  accelerate: z.string().nullable(),
  devices: Hello.shape.devices,
  backend: z.enum(["local", "slurm"]),
  hosts: z.array(z.string()),
  device: z.string(),
  workers: z.number(),
  processes_per_run: z.number(),
  threads_per_worker: z.number(),
  cpu_cores: z.number(),
  gpus: z.number(),
  recorded_at: z.string(),
}).partial();

/** One size of probe.json: what the probe measured, and whether FLOPs per token were measured (flops_per_token may still be null: the measurement failed). */
const CachedSizeSchema = z.object({
  size_value: z.number(),
  n_params: z.number(),
  n_params_embedding: z.number(),
  n_params_non_embedding: z.number(),
  flops_per_token: z.number().nullable(),
  flops_error: z.string().nullable().optional(),
  flops_measured: z.boolean(),
});

/** probe.json (probe-cache.ts), keyed by model, data and loss. */
export const ProbeFileSchema = z.object({
  key: z.string(),
  tokens_per_sample: z.number().nullable(),
  /** Tokens in one pass over the training data (null when the data does not say). */
  train_tokens: z.number().nullable().optional(),
  sizes: z.array(CachedSizeSchema),
  /** Sizes whose model did not build (they are not probed again either). */
  unbuildable: z.array(UnbuildableSize).optional(),
});

/** definitions.json: every definition recorded, by fingerprint; `unmarked` is that of records without one. */
export const DefinitionsFileSchema = z.object({
  definitions: z.record(z.string(), z.object({ definition: SweepDefinitionSchema, first_recorded_at: z.string().nullable().optional() })),
  unmarked: z.string().optional(),
});

interface Entry<S extends z.ZodType> {
  file: string;
  schema: S;
  /** What the file is, for the error when it is not one: "X: not <what> (field: why)". */
  what: string;
  /** What to do about a damaged file, when there is something to say. */
  remedy?: string;
  /** Written without indentation (a file only flops-fit reads). */
  compact?: boolean;
}

const entry = <S extends z.ZodType>(e: Entry<S>): Entry<S> => e;

export const RUN_DIR_ENTRIES = {
  config: entry({ file: "config.json", schema: RunConfigSchema, what: "a run directory's config.json" }),
  plan: entry({ file: "plan.json", schema: PlanFileSchema, what: "a plan of flops-fit's" }),
  calibration: entry({
    file: "calibration.json", schema: CalibrationRecordSchema, what: "a calibration record (expected JSON with fingerprint and rule {c, k})",
    remedy: "restore it, or sweep into a new --out directory",
  }),
  environment: entry({ file: "environment.json", schema: EnvironmentSchema, what: "an environment record of flops-fit's" }),
  probe: entry({ file: "probe.json", schema: ProbeFileSchema, what: "a probe cache of flops-fit's", compact: true }),
  definitions: entry({ file: "definitions.json", schema: DefinitionsFileSchema, what: "a definitions record of flops-fit's" }),
  fit: entry({ file: "fit.json", schema: FitJsonSchema, what: "a fit of this version" }),
  adaptive: entry({
    file: "adaptive.json", schema: AdaptiveFileSchema, what: "an adaptive sweep's decisions of flops-fit's",
    remedy: "restore it, or sweep into a new --out directory (its completed runs still count)",
  }),
};

export type EntryName = keyof typeof RUN_DIR_ENTRIES;
/** What reading an entry gives. */
export type EntryValue<K extends EntryName> = z.output<(typeof RUN_DIR_ENTRIES)[K]["schema"]>;
/** What may be written as an entry (more fields are kept as they are). */
export type EntryInput<K extends EntryName> = z.input<(typeof RUN_DIR_ENTRIES)[K]["schema"]>;

/** The journals of a run directory (append-only, one record per line: journal.ts). */
export const RUN_DIR_JOURNALS = {
  /** Every attempt of the sweep's points. */
  results: "results.jsonl",
  /** Attempts of WSD trunks (sweep/run-trunks.ts): not points, so kept out of results.jsonl. */
  trunks: "trunks.jsonl",
  /** Runs of the learning-rate calibration stage (sweep/calibration-stage.ts). */
  calibration_runs: "calibration.jsonl",
};

export type JournalName = keyof typeof RUN_DIR_JOURNALS;

export type RunConfigFile = z.infer<typeof RunConfigSchema>;
export type PlanFile = z.infer<typeof PlanFileSchema>;
export type Refinement = z.infer<typeof RefinementSchema>;
export type EnvironmentFile = z.infer<typeof EnvironmentSchema>;
export type ProbeFile = z.infer<typeof ProbeFileSchema>;
export type DefinitionsFile = z.infer<typeof DefinitionsFileSchema>;
