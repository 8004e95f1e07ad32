/** How many workers, on which devices, with how many torch threads each. */
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";

/** GPUs visible through nvidia-smi (0 when there is none or no driver). */
export function detectGpuCount(): number {
  try {
    const out = execFileSync("nvidia-smi", ["-L"], { stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).toString();
    return out.split("\n").filter((line) => line.startsWith("GPU ")).length;
  } catch {
    return 0;
  }
}

export interface Resources {
  workers: number;
  /** "cuda" or "cpu". */
  device: "cuda" | "cpu";
  threadsPerWorker: number;
  cores: number;
  gpus: number;
}

/**
 * `auto` workers: one per GPU; on CPU one per core up to 8 (small models train faster as
 * several single-threaded runs than as one multi-threaded run), threads = cores / workers.
 */
export function planResources(requested: number | "auto", device: "auto" | "cpu" | "cuda", processes: number): Resources {
  const cores = availableParallelism();
  const gpus = device === "cpu" ? 0 : detectGpuCount();
  const useCuda = device === "cuda" || (device === "auto" && gpus > 0);
  const slots = useCuda ? Math.max(1, Math.floor(gpus / processes)) : Math.max(1, Math.min(8, Math.floor(cores / processes)));
  const workers = requested === "auto" ? slots : requested;
  const threadsPerWorker = Math.max(1, Math.floor(cores / (workers * processes)));
  return { workers, device: useCuda ? "cuda" : "cpu", threadsPerWorker, cores, gpus };
}

/** CUDA_VISIBLE_DEVICES of worker slot `slot` when each worker has `processes` ranks: its own block of GPUs. */
export function gpusOfSlot(slot: number, processes: number): string {
  return Array.from({ length: processes }, (_, rank) => slot * processes + rank).join(",");
}
