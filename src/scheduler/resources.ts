/** How many workers, on which devices, with how many torch threads each. */
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import type { SlurmConfig } from "../config/schema.js";
import { UserError } from "../errors/user-error.js";

/** GPUs visible through nvidia-smi (0 when there is none or no driver). */
export function detectGpuCount(): number {
  try {
    const out = execFileSync("nvidia-smi", ["-L"], { stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).toString();
    return out.split("\n").filter((line) => line.startsWith("GPU ")).length;
  } catch {
    return 0;
  }
}

/**
 * The GPUs this process may use, as CUDA_VISIBLE_DEVICES names them: its own
 * CUDA_VISIBLE_DEVICES when set (a SLURM allocation, a user's choice), else every GPU
 * nvidia-smi lists.
 */
export function visibleGpus(env: NodeJS.ProcessEnv = process.env, count: () => number = detectGpuCount): string[] {
  const listed = env.CUDA_VISIBLE_DEVICES;
  if (listed !== undefined) return listed.split(",").map((d) => d.trim()).filter((d) => d !== "" && d !== "-1" && d !== "NoDevFiles");
  return Array.from({ length: count() }, (_, i) => String(i));
}

export interface Resources {
  workers: number;
  /** "cuda" or "cpu". */
  device: "cuda" | "cpu";
  threadsPerWorker: number;
  cores: number;
  gpus: number;
  /** The visible GPUs (CUDA_VISIBLE_DEVICES names); each worker slot gets its own block of them. */
  gpuIds: string[];
}

/**
 * `auto` workers: one per GPU; on CPU one per core up to 8 (small models train faster as
 * several single-threaded runs than as one multi-threaded run), threads = cores / workers.
 * On GPUs no two workers share a device: more workers than GPUs (÷ processes) is refused.
 */
export function planResources(requested: number | "auto", device: "auto" | "cpu" | "cuda", processes: number, gpuIds: string[] = device === "cpu" ? [] : visibleGpus()): Resources {
  const cores = availableParallelism();
  const gpus = gpuIds.length;
  const useCuda = device === "cuda" || (device === "auto" && gpus > 0);
  const slots = useCuda ? Math.max(1, Math.floor(gpus / processes)) : Math.max(1, Math.min(8, Math.floor(cores / processes)));
  const workers = requested === "auto" ? slots : requested;
  if (useCuda && gpus > 0 && workers * processes > gpus) {
    throw new UserError(
      `scheduler.workers: ${workers} worker(s) × ${processes} process(es) need ${workers * processes} GPUs, ${gpus} visible (${gpuIds.join(",") || "none"}); ` +
        "workers never share a GPU: use workers: auto, fewer workers, or device: cpu",
      "too_many_workers_for_gpus", { field: "scheduler.workers" });
  }
  const threadsPerWorker = Math.max(1, Math.floor(cores / (workers * processes)));
  return { workers, device: useCuda ? "cuda" : "cpu", threadsPerWorker, cores, gpus, gpuIds };
}

/** Pilot jobs on SLURM: `workers` pilots, each with the GPUs and cores `scheduler.slurm` asks for. */
export function pilotResources(requested: number | "auto", slurm: SlurmConfig): Resources {
  if (requested === "auto") {
    throw new UserError("scheduler.workers: with backend: slurm, say how many pilot jobs to submit (a number, or --workers N)", "pilots_unsized", { field: "scheduler.workers" });
  }
  return {
    workers: requested, device: slurm.gpus_per_worker > 0 ? "cuda" : "cpu", threadsPerWorker: slurm.cpus_per_worker,
    cores: requested * slurm.cpus_per_worker, gpus: requested * slurm.gpus_per_worker, gpuIds: [],
  };
}

/** CUDA_VISIBLE_DEVICES of worker slot `slot` when each worker has `processes` ranks: its own block of the visible GPUs. */
export function gpusOfSlot(slot: number, processes: number, gpuIds?: string[]): string {
  return Array.from({ length: processes }, (_, rank) => {
    const index = slot * processes + rank;
    return gpuIds ? gpuIds[index]! : String(index);
  }).join(",");
}
