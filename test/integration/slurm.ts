/** SLURM for the pilot tests: whether a cluster answers here, and the sweep's jobs in its queue. */
import { execFileSync } from "node:child_process";

/** True when sinfo reaches a controller with a node that can run jobs. */
export function slurmAvailable(): boolean {
  try {
    const states = execFileSync("sinfo", ["--noheader", "--format=%T"], { stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 }).toString();
    return /\b(idle|mixed|allocated|completing)\b/.test(states);
  } catch {
    return false;
  }
}

/** flops-fit pilot jobs still queued or running (job names start with flops-fit-), as `id state`. */
export function activePilotJobs(): string[] {
  const out = execFileSync("squeue", ["--noheader", "--array", "--format=%i %T %j"], { timeout: 10_000 }).toString();
  return out.split("\n").map((l) => l.trim()).filter((l) => / flops-fit-[0-9a-f]+$/.test(l));
}

export function scancel(jobId: string): void {
  execFileSync("scancel", [jobId], { timeout: 10_000 });
}

/** Sends `signal` to the batch shell of every running flops-fit pilot, as SLURM's --signal=B:SIG@T does before a time limit. */
export function signalRunningPilots(signal: string): string[] {
  const running = activePilotJobs().filter((line) => line.split(" ")[1] === "RUNNING").map((line) => line.split(" ")[0]!);
  for (const id of running) execFileSync("scancel", [`--signal=${signal}`, "--batch", id], { timeout: 10_000 });
  return running;
}
