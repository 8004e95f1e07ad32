/**
 * Workers as SLURM pilot jobs (docs/slurm.md). Each launch is one `sbatch` job array whose
 * elements run the persistent worker as their batch shell; the worker connects back to the
 * orchestrator over tcp with CURVE and the sweep's token, and pulls runs until told to stop.
 *
 * Secrets (CURVE client key pair, server key, token) are never on a command line: they are
 * in a 0600 file in a 0700 folder of the run directory, which the job sources. The pilots'
 * states come from polling squeue (by the sweep's unique job name); a pilot that leaves the
 * queue has ended, and the pool replaces it. close() cancels whatever is still queued or
 * running and waits until squeue shows nothing of the sweep; a process exit does the same.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, openSync, closeSync, readSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import type { SlurmConfig } from "../../config/schema.js";
import { PROJECT_ROOT } from "../../config/load.js";
import type { LaunchRequest, WorkerEnd, WorkerHandle, WorkerLauncher } from "../launcher.js";
import { workerPythonPath } from "../python.js";
import { sbatchArguments } from "./sbatch-args.js";
import { ACTIVE_STATES, EXTERNAL_ENDS, sbatch, scancel, scancelByName, scancelByNameNow, squeueByName, WAITING_STATES } from "./slurm-commands.js";

export interface PilotLaunchOptions {
  slurm: SlurmConfig;
  python: string;
  /** RUN_DIR/pilots: batch scripts and the credentials file (must be visible to the compute nodes). */
  dir: string;
  logDir: string;
  heartbeatIntervalS: number;
  heartbeatTimeoutS: number;
  /** Seconds between squeue polls. */
  pollS?: number;
  /** Called when sbatch or squeue fails (the message says which). */
  onError?: (message: string) => void;
}

const shellQuote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

class Pilot implements WorkerHandle {
  jobId?: string;
  state = "SUBMITTING";
  seen = false;
  private finish!: (end: WorkerEnd) => void;
  readonly ended = new Promise<WorkerEnd>((resolve) => (this.finish = resolve));
  private done = false;
  cancelledByUs = false;
  logFile: string;

  constructor(readonly slot: number, private readonly launcher: PilotLauncher) {
    this.logFile = join(launcher.options.logDir, `pilot-${slot}.log`);
  }

  describe(): string {
    return this.jobId ? `SLURM job ${this.jobId}` : "SLURM job (submitting)";
  }

  waiting(): boolean {
    return this.state === "SUBMITTING" || WAITING_STATES.has(this.state);
  }

  kill(): void {
    this.cancelledByUs = true;
    if (this.jobId) void scancel([this.jobId]);
  }

  end(how: string, killedFromOutside: boolean): void {
    if (this.done) return;
    this.done = true;
    this.finish({ how, killedFromOutside });
  }

  get hasEnded(): boolean {
    return this.done;
  }

  logTail(bytes = 2000): string {
    try {
      const size = statSync(this.logFile).size;
      const start = Math.max(0, size - bytes);
      const buffer = Buffer.alloc(size - start);
      const fd = openSync(this.logFile, "r");
      readSync(fd, buffer, 0, buffer.length, start);
      closeSync(fd);
      return buffer.toString("utf8").trim();
    } catch {
      return "";
    }
  }
}

export class PilotLauncher implements WorkerLauncher {
  /** Unique per sweep, so squeue/scancel by name touch only this sweep's pilots. */
  readonly jobName = `flops-fit-${randomBytes(4).toString("hex")}`;
  private readonly pilots: Pilot[] = [];
  private readonly envFiles: string[] = [];
  private submissions = 0;
  private timer?: NodeJS.Timeout;
  private polling = false;
  private closed = false;
  private readonly onProcessExit = () => scancelByNameNow(this.jobName);

  constructor(readonly options: PilotLaunchOptions) {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    chmodSync(options.dir, 0o700);
    process.on("exit", this.onProcessExit);
  }

  /** Every SLURM job id submitted so far (array elements), for tests and diagnostics. */
  get jobIds(): string[] {
    return this.pilots.flatMap((p) => (p.jobId ? [p.jobId] : []));
  }

  launch(requests: LaunchRequest[], endpoint: string): WorkerHandle[] {
    const pilots = requests.map((r) => new Pilot(r.slot, this));
    this.pilots.push(...pilots);
    void this.submit(requests, pilots, endpoint);
    this.timer ??= setInterval(() => void this.poll(), (this.options.pollS ?? 1) * 1000);
    return pilots;
  }

  private async submit(requests: LaunchRequest[], pilots: Pilot[], endpoint: string): Promise<void> {
    const n = this.submissions++;
    const o = this.options;
    // Secrets and environment: a private file, sourced by the job, never on a command line.
    const envFile = join(o.dir, `pilot-${n}.env`);
    this.envFiles.push(envFile);
    const env = requests[0]?.env ?? {};
    writeFileSync(envFile, Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}\n`).join(""), { mode: 0o600 });
    chmodSync(envFile, 0o600);
    const ids = requests.map((r) => `  ${r.slot}) id=${shellQuote(r.workerId)} ;;`).join("\n");
    const script = join(o.dir, `pilot-${n}.sh`);
    writeFileSync(script, [
      "#!/bin/bash",
      "# A flops-fit pilot: one persistent worker that connects back and pulls runs (docs/slurm.md).",
      `. ${shellQuote(envFile)}`,
      `case "$SLURM_ARRAY_TASK_ID" in\n${ids}\n  *) echo "flops-fit pilot: unexpected array index $SLURM_ARRAY_TASK_ID" >&2; exit 2 ;;\nesac`,
      `export PYTHONPATH=${shellQuote(workerPythonPath())} PYTHONUNBUFFERED=1`,
      `export OMP_NUM_THREADS="\${SLURM_CPUS_PER_TASK:-1}" MKL_NUM_THREADS="\${SLURM_CPUS_PER_TASK:-1}"`,
      `cd ${shellQuote(PROJECT_ROOT)}`,
      `exec ${shellQuote(o.python)} -m flops_fit_worker --endpoint ${shellQuote(endpoint)} --worker-id "$id" ` +
        `--heartbeat-interval ${o.heartbeatIntervalS} --heartbeat-timeout ${o.heartbeatTimeoutS} --no-watch-stdin`,
      "",
    ].join("\n"), { mode: 0o700 });
    const args = sbatchArguments(o.slurm, { jobName: this.jobName, indices: requests.map((r) => r.slot), outputPattern: join(o.logDir, "pilot-%a.log"), script });
    try {
      const arrayId = await sbatch(args);
      for (const pilot of pilots) {
        pilot.jobId = `${arrayId}_${pilot.slot}`;
        pilot.state = "PENDING";
        if (this.closed) pilot.kill();
      }
    } catch (error) {
      const message = `sbatch failed: ${(error as Error).message}`;
      o.onError?.(message);
      for (const pilot of pilots) pilot.end(message, false);
    }
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const jobs = new Map((await squeueByName(this.jobName)).map((j) => [j.id, j.state]));
      for (const pilot of this.pilots) {
        if (!pilot.jobId || pilot.hasEnded) continue;
        const state = jobs.get(pilot.jobId);
        if (state !== undefined) {
          pilot.seen = true;
          pilot.state = state;
          if (!ACTIVE_STATES.has(state)) pilot.end(`${pilot.describe()} ended: ${state}`, pilot.cancelledByUs || EXTERNAL_ENDS.has(state));
        } else if (pilot.seen) {
          pilot.end(`${pilot.describe()} left the queue`, pilot.cancelledByUs);
        }
      }
    } catch (error) {
      this.options.onError?.(`squeue failed: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  /** Cancels every pilot still queued or running and waits (up to `timeoutMs`) until squeue shows none. */
  async close(timeoutMs = 20_000): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + timeoutMs;
    await scancelByName(this.jobName);
    while (Date.now() < deadline) {
      const active = await squeueByName(this.jobName).then((jobs) => jobs.filter((j) => ACTIVE_STATES.has(j.state)), () => []);
      if (active.length === 0) break;
      await scancel(active.map((j) => j.id));
      await new Promise((r) => setTimeout(r, 250));
    }
    if (this.timer) clearInterval(this.timer);
    for (const pilot of this.pilots) pilot.end(`${pilot.describe()} cancelled (sweep over)`, true);
    // The sweep's credentials die with it: no copy stays on disk.
    for (const file of this.envFiles) rmSync(file, { force: true });
    process.off("exit", this.onProcessExit);
  }
}
