/**
 * How a worker is started: `python -m flops_fit_worker` for one process, Accelerate's
 * launcher for a group of K ranks (`scheduler.processes`).
 *
 * `accelerate launch --multi_gpu --num_processes K` starts K processes through torch's
 * elastic launcher on any machine; on a CPU-only one they form a gloo group (Accelerate's
 * MULTI_CPU). `--cpu` does not: with accelerate 1.15 it starts a single process unless MPI
 * is set up (measured; docs/training.md). The backend is the Accelerate config file's
 * (`scheduler.accelerate_config`): its `distributed_type: FSDP` becomes `--use_fsdp`, since
 * an explicit `--multi_gpu` would override the file's choice. Precision and compile are the
 * sweep's `training` settings, which the worker passes to its Accelerator itself.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import type { LoadedConfig } from "../config/load.js";
import { UserError } from "../errors/user-error.js";

export type RankBackend = "ddp" | "fsdp";

export interface AccelerateSetup {
  /** Absolute path of the user's Accelerate config file, if any. */
  configFile?: string;
  backend: RankBackend;
}

/** Accelerate's `distributed_type` values the training loop runs under. */
const BACKENDS: Record<string, RankBackend> = { NO: "ddp", MULTI_CPU: "ddp", MULTI_GPU: "ddp", FSDP: "fsdp" };

/** The Python arguments that start one worker (one process, or a group of `processes` ranks). */
export function workerCommand(processes: number, workerArgs: string[], setup: AccelerateSetup = { backend: "ddp" }): string[] {
  if (processes <= 1) return ["-m", "flops_fit_worker", ...workerArgs];
  return [
    "-m", "accelerate.commands.launch",
    ...(setup.configFile ? ["--config_file", setup.configFile] : []),
    setup.backend === "fsdp" ? "--use_fsdp" : "--multi_gpu",
    "--num_processes", String(processes), "--num_machines", "1",
    // A free port per group: several groups on one machine must not meet at 29500.
    "--main_process_port", "0",
    // Set by the worker from `training` (part of a run's identity), not by the launcher.
    "--mixed_precision", "no", "--dynamo_backend", "no",
    "--module", "flops_fit_worker.distributed", ...workerArgs,
  ];
}

/**
 * Reads and checks `scheduler.accelerate_config` (YAML or JSON, as Accelerate reads it):
 * present, a mapping, a backend the loop supports, FSDP only on GPUs. Bad input is a
 * UserError (exit 2) at the config line that names the file.
 */
export function accelerateSetup(loaded: LoadedConfig, device: "cuda" | "cpu"): AccelerateSetup {
  const { scheduler } = loaded.config;
  if (scheduler.accelerate_config === undefined) return { backend: "ddp" };
  const where = { file: loaded.file, field: "scheduler.accelerate_config", ...loaded.locate?.(["scheduler", "accelerate_config"]) };
  const fail = (message: string): never => {
    throw new UserError(`scheduler.accelerate_config: ${message}`, "invalid_accelerate_config", where);
  };
  if (scheduler.processes < 2) {
    fail("applies to multi-process runs; set scheduler.processes to 2 or more (a single process takes precision and compile from training)");
  }
  const file = resolve(loaded.baseDir, scheduler.accelerate_config);
  if (!existsSync(file)) fail(`${file} does not exist (write one with \`accelerate config --config_file ${scheduler.accelerate_config}\`)`);
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(file, "utf8"));
  } catch (error) {
    fail(`${file} is not YAML/JSON: ${(error as Error).message.split("\n")[0]}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) fail(`${file} must be a mapping of Accelerate settings`);
  const distributedType = String((parsed as Record<string, unknown>).distributed_type ?? "MULTI_GPU");
  const backend = BACKENDS[distributedType];
  if (backend === undefined) {
    fail(`distributed_type ${distributedType} in ${file} is not supported by the training loop (use MULTI_GPU for DDP or FSDP)`);
  }
  if (backend === "fsdp" && device === "cpu") {
    fail(`${file} asks for FSDP, which Accelerate runs on GPUs only (on CPU it fails with "no available devices" or falls back to DDP; docs/training.md); use distributed_type: MULTI_GPU here`);
  }
  return { configFile: file, backend: backend! };
}
