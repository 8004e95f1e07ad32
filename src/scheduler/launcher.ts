/**
 * How a pool gets its workers: local child processes, or SLURM pilot jobs that connect back
 * (slurm/pilot-launcher.ts). The pool decides when a worker is needed and what it is called;
 * the launcher starts it somewhere and says when it has ended, and how.
 */
import { join } from "node:path";
import type { AccelerateSetup } from "./accelerate-launch.js";
import { describeExit, WorkerProcess } from "./worker-process.js";

export interface LaunchRequest {
  slot: number;
  workerId: string;
  /** Environment the worker needs (threads, CURVE keys and token, CUDA_VISIBLE_DEVICES). */
  env: Record<string, string>;
}

export interface WorkerEnd {
  /** "killed by SIGKILL", "exited with code 3", "SLURM job 12_0 ended: CANCELLED", … */
  how: string;
  /** Someone stopped it (an operator, SLURM): not a worker that cannot start. */
  killedFromOutside: boolean;
}

export interface WorkerHandle {
  /** A local process id, when there is one here. */
  readonly pid?: number;
  readonly ended: Promise<WorkerEnd>;
  /** "pid 123" or "SLURM job 45_1". */
  describe(): string;
  /** True while the worker waits for resources (a pending SLURM job): no start-up clock runs yet. */
  waiting(): boolean;
  kill(): void;
  /** The end of the worker's log, for error messages. */
  logTail(): string;
  readonly logFile: string;
}

export interface WorkerLauncher {
  /** Starts these workers (a SLURM launcher submits them as one job array). */
  launch(requests: LaunchRequest[], endpoint: string): WorkerHandle[];
  /** Called once the pool has shut its workers down: nothing of it may be left running. */
  close(): Promise<void>;
}

export interface LocalLaunchOptions {
  python: string;
  logDir: string;
  heartbeatIntervalS: number;
  heartbeatTimeoutS: number;
  processes: number;
  accelerate?: AccelerateSetup;
}

/** Signals that mean someone stopped the process, rather than it failing by itself. */
const EXTERNAL_KILLS = new Set<string>(["SIGKILL", "SIGTERM", "SIGINT", "SIGHUP"]);

/** Workers as child processes of this one (they exit when it does: stdin closes). */
export class LocalLauncher implements WorkerLauncher {
  constructor(private readonly options: LocalLaunchOptions) {}

  launch(requests: LaunchRequest[], endpoint: string): WorkerHandle[] {
    return requests.map((request) => {
      const process = new WorkerProcess({
        python: this.options.python,
        workerId: request.workerId,
        endpoint,
        logFile: join(this.options.logDir, `worker-${request.slot}.log`),
        heartbeatIntervalS: this.options.heartbeatIntervalS,
        heartbeatTimeoutS: this.options.heartbeatTimeoutS,
        processes: this.options.processes,
        accelerate: this.options.accelerate,
        env: request.env,
      });
      return {
        pid: process.pid,
        ended: process.exited.then((exit) => ({ how: describeExit(exit), killedFromOutside: EXTERNAL_KILLS.has(exit.signal ?? "") })),
        describe: () => `pid ${process.pid}`,
        waiting: () => false,
        kill: () => process.kill("SIGKILL"),
        logTail: () => process.logTail(),
        logFile: process.launch.logFile,
      };
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
