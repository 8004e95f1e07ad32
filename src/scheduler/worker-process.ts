/**
 * One Python worker process. Its stdout and stderr go to a log file (never to the CLI's
 * stdout); its stdin is a pipe we never write to, so the worker sees EOF and exits when
 * this process dies. `processes > 1` launches a group of ranks with Accelerate's launcher
 * (accelerate-launch.ts) whose rank 0 is the worker.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { PROJECT_ROOT } from "../config/load.js";
import { workerCommand, type AccelerateSetup } from "./accelerate-launch.js";
import { workerPythonPath } from "./python.js";

export interface WorkerLaunch {
  python: string;
  workerId: string;
  endpoint: string;
  logFile: string;
  heartbeatIntervalS: number;
  heartbeatTimeoutS: number;
  /** Ranks per worker group (Accelerate); 1 = a plain worker. */
  processes: number;
  /** The group's Accelerate config file and backend (processes > 1). */
  accelerate?: AccelerateSetup;
  /** Extra environment (torch threads, CURVE keys). */
  env?: Record<string, string>;
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class WorkerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<WorkerExit>;
  private exitInfo?: WorkerExit;

  constructor(readonly launch: WorkerLaunch) {
    const args = ["--endpoint", launch.endpoint, "--worker-id", launch.workerId,
      "--heartbeat-interval", String(launch.heartbeatIntervalS), "--heartbeat-timeout", String(launch.heartbeatTimeoutS)];
    const command = workerCommand(launch.processes, args, launch.accelerate);
    const log = openSync(launch.logFile, "a");
    this.child = spawn(launch.python, command, {
      cwd: PROJECT_ROOT,
      stdio: ["pipe", log, log],
      env: { ...process.env, PYTHONPATH: workerPythonPath(), PYTHONUNBUFFERED: "1", ...launch.env },
      // Own process group, so the launcher and all its ranks can be signalled together.
      detached: launch.processes > 1,
    });
    closeSync(log);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      this.child.once("error", () => {
        this.exitInfo = { code: 127, signal: null };
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** SIGKILL the worker (and its rank group). */
  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (this.hasExited || this.child.pid === undefined) return;
    try {
      if (this.launch.processes > 1) process.kill(-this.child.pid, signal);
      else this.child.kill(signal);
    } catch {
      // already gone
    }
  }

  /** The last `bytes` of the worker's log, for error messages. */
  logTail(bytes = 2000): string {
    try {
      const size = statSync(this.launch.logFile).size;
      const start = Math.max(0, size - bytes);
      const buffer = Buffer.alloc(size - start);
      const fd = openSync(this.launch.logFile, "r");
      readSync(fd, buffer, 0, buffer.length, start);
      closeSync(fd);
      return buffer.toString("utf8").trim();
    } catch {
      return "";
    }
  }
}

export function describeExit(exit: WorkerExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
}
