/** The SLURM client commands flops-fit uses: sbatch, squeue, scancel (each a short child process). */
import { execFile, execFileSync } from "node:child_process";

export interface QueuedJob {
  /** `<array job>_<index>` for array elements. */
  id: string;
  state: string;
}

function run(command: string, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.slice(0, 3).join(" ")}…: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** Submits a batch script; the job id (`sbatch --parsable` prints `id` or `id;cluster`). */
export async function sbatch(args: string[]): Promise<string> {
  const out = await run("sbatch", args);
  return out.trim().split(";")[0]!;
}

/** The sweep's jobs in the queue (every state SLURM still shows), one line per array element. */
export async function squeueByName(jobName: string): Promise<QueuedJob[]> {
  const out = await run("squeue", ["--noheader", "--array", "--states=all", `--name=${jobName}`, "--format=%i|%T"]);
  return out.split("\n").filter((line) => line.includes("|")).map((line) => {
    const [id, state] = line.trim().split("|");
    return { id: id!, state: state! };
  });
}

export function scancel(jobIds: string[]): Promise<void> {
  return jobIds.length === 0 ? Promise.resolve() : run("scancel", jobIds).then(() => undefined, () => undefined);
}

export function scancelByName(jobName: string): Promise<void> {
  return run("scancel", [`--name=${jobName}`]).then(() => undefined, () => undefined);
}

/** For process exit, when nothing asynchronous runs any more. */
export function scancelByNameNow(jobName: string): void {
  try {
    execFileSync("scancel", [`--name=${jobName}`], { stdio: "ignore", timeout: 10_000 });
  } catch {
    // nothing to cancel, or no SLURM: either way nothing of ours is left to stop
  }
}

/** States in which a job still holds (or waits for) resources. */
export const ACTIVE_STATES = new Set(["PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD", "SPECIAL_EXIT"]);
/** States in which the pilot has not started yet. */
export const WAITING_STATES = new Set(["PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD"]);
/** Ends someone else chose: not a pilot that cannot start. */
export const EXTERNAL_ENDS = new Set(["CANCELLED", "PREEMPTED", "TIMEOUT", "NODE_FAIL", "DEADLINE", "BOOT_FAIL"]);
