/**
 * A pool of persistent Python workers behind one ROUTER socket.
 *
 * `run(task)` hands a task to an idle worker (queueing when all are busy) and resolves
 * with what became of it: a result, a task error, or "lost" when the worker died, went
 * silent (no heartbeats: stopped, or a loop holding the GIL) or stopped reporting progress.
 * A lost worker is killed and replaced; the caller decides whether to retry. Results are
 * matched by task id, so a late answer from a replaced worker is dropped.
 *
 * Where workers run is the launcher's business (launcher.ts): local child processes on a
 * private ipc:// socket by default, or SLURM pilot jobs connecting back over tcp with CURVE
 * (slurm/pilot-launcher.ts). A worker that stops a run by itself (a pilot warned of its time
 * limit checkpoints it and stops taking runs) has lost that run: the caller retries it
 * elsewhere, from the checkpoint.
 */
import { EventEmitter } from "node:events";
import { RuntimeFailure } from "../errors/user-error.js";
import { PROTOCOL_VERSION, type FromWorker, type Hello, type Progress } from "../protocol/messages.js";
import type { AccelerateSetup } from "./accelerate-launch.js";
import { ipcEndpoint, isLoopbackOrIpc, type Endpoint } from "./endpoint.js";
import { generateCredentials, workerEnvironment, ZapAuthenticator, type CurveCredentials } from "./security.js";
import { Wire } from "./wire.js";
import type { Backend, Executor, Outcome, Placement, PoolTask, WorkerSnapshot } from "./executor.js";
import { LocalLauncher, type WorkerHandle, type WorkerLauncher } from "./launcher.js";

export interface PoolOptions {
  python: string;
  workers: number;
  processes: number;
  /** How a group of `processes` ranks is launched (its Accelerate config file, DDP or FSDP). */
  accelerate?: AccelerateSetup;
  logDir: string;
  heartbeatIntervalS: number;
  heartbeatTimeoutS: number;
  progressTimeoutS: number;
  startupTimeoutS: number;
  /** Environment for every worker (e.g. OMP_NUM_THREADS). */
  env?: Record<string, string>;
  /** Extra environment per slot (e.g. CUDA_VISIBLE_DEVICES). */
  envForSlot?: (slot: number) => Record<string, string>;
  endpoint?: Endpoint;
  /** Consecutive failed starts of one slot before the pool gives up. */
  maxStartFailures?: number;
  /** CURVE keys and token; required (generated when absent) for a non-loopback endpoint. */
  credentials?: CurveCredentials;
  /** Where workers are started (default: local child processes). */
  launcher?: WorkerLauncher;
  /** The endpoint workers are given, when it differs from the bound one (tcp://0.0.0.0 → this host's name). */
  advertise?: (bound: string) => string;
  /** Workers that may be started to replace ones that ended (default: no limit). */
  maxReplacements?: number;
  /** Which backend the launcher is (reported by `sweep --json`); default local. */
  backend?: Backend;
}

interface Job {
  task: PoolTask;
  resolve: (outcome: Outcome) => void;
  onProgress?: (progress: Progress) => void;
  onStart?: (workerId: string) => void;
}

export interface WorkerState {
  id: string;
  slot: number;
  process: WorkerHandle;
  hello?: Hello;
  /** draining: takes no more runs (retired, or stopping on its own before a time limit). */
  status: WorkerSnapshot["status"];
  job?: Job;
  spawnedAt: number;
  lastHeardAt: number;
  lastProgressAt: number;
  lastProgress?: Progress;
  /** Why the pool killed this worker (reported instead of "killed by SIGKILL"). */
  lostReason?: string;
  /** Retired: finishes its run, then shuts down and is not replaced. */
  retiring?: boolean;
}

export class WorkerPool extends EventEmitter implements Executor {
  readonly workers = new Map<string, WorkerState>();
  private readonly queue: Job[] = [];
  private readonly wire: Wire;
  private readonly endpoint: Endpoint;
  private boundEndpoint = "";
  private timer?: NodeJS.Timeout;
  private lastBeatAt = 0;
  private stopping = false;
  private stopped?: Promise<void>;
  private fatal?: RuntimeFailure;
  private readonly startFailures = new Map<number, number>();
  private readonly launcher: WorkerLauncher;
  private replacements = 0;
  private readonly generations = new Map<number, number>();
  private readyWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private receiving?: Promise<void>;
  private readonly credentials?: CurveCredentials;
  private unregisterZap?: () => void;
  /** Workers refused (wrong key or token), with the reason, as reported. */
  readonly refusals: Array<{ who: string; reason: string }> = [];

  constructor(private readonly options: PoolOptions) {
    super();
    this.endpoint = options.endpoint ?? ipcEndpoint();
    // Anything not on this machine must authenticate: CURVE keys plus a token.
    this.credentials = options.credentials ?? (isLoopbackOrIpc(this.endpoint.bind) ? undefined : generateCredentials());
    this.launcher = options.launcher ?? new LocalLauncher(options);
    this.wire = new Wire({
      endpoint: this.endpoint.bind,
      curveSecretKey: this.credentials?.serverSecret,
      onHandshakeError: (address, reason) => this.refuse(address, reason),
      onInvalid: (id, problem) => this.emit("invalid", id, problem),
    });
  }

  /** True once shutdown has begun (workers ending then are expected). */
  get shuttingDown(): boolean {
    return this.stopping;
  }

  get backend(): Backend {
    return this.options.backend ?? "local";
  }

  /** The endpoint workers connect to (tcp port resolved). */
  get address(): string {
    return this.boundEndpoint;
  }

  /** What a worker started elsewhere needs in its environment to be admitted. */
  workerEnvironment(): Record<string, string> {
    return this.credentials ? workerEnvironment(this.credentials) : {};
  }

  private refuse(who: string, reason: string): void {
    this.refusals.push({ who, reason });
    this.emit("refused", who, reason);
  }

  static async start(options: PoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    if (pool.credentials) {
      const zap = await ZapAuthenticator.shared();
      pool.unregisterZap = zap.register(pool.credentials.clientPublic, (address, reason) => pool.refuse(address, reason));
    }
    const bound = await pool.wire.bind();
    pool.boundEndpoint = options.advertise ? options.advertise(bound) : bound;
    pool.receiving = pool.receiveLoop();
    pool.spawn(Array.from({ length: options.workers }, (_, slot) => slot));
    pool.timer = setInterval(() => pool.watch(), 250);
    return pool;
  }

  /** Resolves once at least one worker has said hello; rejects when workers cannot start. */
  ready(): Promise<void> {
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.stopping) return Promise.reject(new RuntimeFailure("the sweep was stopped before a worker started", "stopped"));
    if ([...this.workers.values()].some((w) => w.status === "idle" || w.status === "busy")) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /**
   * Queues `task`; `onStart` is called when a worker takes it (not when it is queued), and
   * `onProgress` with each progress message of that worker for this task.
   */
  run(task: PoolTask, onProgress?: (progress: Progress) => void, onStart?: (workerId: string) => void): Promise<Outcome> {
    if (this.stopping) return Promise.resolve({ kind: "cancelled", reason: "the pool is shutting down" });
    if (this.fatal) return Promise.resolve({ kind: "cancelled", reason: this.fatal.message });
    return new Promise((resolve) => {
      this.queue.push({ task, resolve, onProgress, onStart });
      this.assign();
    });
  }

  /** Stops giving `workerId` runs; it finishes the one it holds, then is shut down (and not replaced). */
  retire(workerId: string): void {
    const worker = this.workers.get(workerId);
    if (!worker || worker.status === "dead") return;
    worker.retiring = true;
    if (worker.status === "idle" || worker.status === "starting") {
      worker.status = "draining";
      void this.wire.send(worker.id, { type: "shutdown", reason: "retired" });
    }
  }

  /** Where `workerId` runs, from its hello. */
  placement(workerId: string): Placement {
    const hello = this.workers.get(workerId)?.hello ?? this.departed.get(workerId);
    return { host: hello?.host ?? null, slurm_job_id: hello?.slurm_job_id ?? null, cuda_visible_devices: hello?.cuda_visible_devices ?? null };
  }

  /** Every worker's hello so far, in the order they said it (placement checks, environment.json). */
  readonly hellos: Hello[] = [];
  private readonly departed = new Map<string, Hello>();

  /** Live view for progress displays. */
  snapshot(): WorkerSnapshot[] {
    return [...this.workers.values()].map((w) => ({ id: w.id, status: w.status, task: w.job?.task, progress: w.lastProgress, pid: w.process.pid }));
  }

  /** Worker pids (including ones starting), for tests and diagnostics. */
  pids(): number[] {
    return [...this.workers.values()].map((w) => w.process.pid).filter((pid): pid is number => pid !== undefined);
  }

  get helloInfo(): Hello | undefined {
    return [...this.workers.values()].find((w) => w.hello)?.hello;
  }

  onRefused(listener: (who: string, reason: string) => void): void {
    this.on("refused", listener);
  }

  // ------------------------------------------------------------------ lifecycle

  private spawn(slots: number[]): void {
    const requests = slots.map((slot) => {
      const generation = (this.generations.get(slot) ?? -1) + 1;
      this.generations.set(slot, generation);
      const workerId = generation === 0 ? `w${slot}` : `w${slot}.${generation}`;
      return { slot, workerId, env: { ...this.options.env, ...this.workerEnvironment(), ...this.options.envForSlot?.(slot) } };
    });
    const handles = this.launcher.launch(requests, this.boundEndpoint);
    requests.forEach(({ slot, workerId: id }, i) => {
      const process = handles[i]!;
      const now = Date.now();
      const state: WorkerState = { id, slot, process, status: "starting", spawnedAt: now, lastHeardAt: now, lastProgressAt: now };
      this.workers.set(id, state);
      void process.ended.then((end) => this.onExit(state, end.how, end.killedFromOutside));
      this.emit("spawn", id, process.pid);
    });
  }

  /** `killedFromOutside`: a signal someone sent (an operator, a scheduler), not a failure to start. */
  private onExit(worker: WorkerState, how: string, killedFromOutside: boolean): void {
    if (worker.status === "dead") return;
    const wasStarting = worker.status === "starting";
    worker.status = "dead";
    this.workers.delete(worker.id);
    const tail = worker.process.logTail();
    if (worker.hello) this.departed.set(worker.id, worker.hello);
    if (worker.job) {
      const reason = worker.lostReason ?? `worker ${worker.id} (${worker.process.describe()}) ${how}`;
      worker.job.resolve({ kind: "lost", workerId: worker.id, reason, logTail: tail, where: this.placement(worker.id) });
      worker.job = undefined;
    }
    this.emit("exit", worker.id, how);
    if (this.stopping || this.fatal || worker.retiring) return;
    // A worker that cannot start (bad interpreter, import error, crash on import) would fail
    // forever: after a few tries in a row the pool gives up. Being killed is not that.
    if (wasStarting && !(killedFromOutside && !worker.lostReason)) {
      const failures = (this.startFailures.get(worker.slot) ?? 0) + 1;
      this.startFailures.set(worker.slot, failures);
      if (failures >= (this.options.maxStartFailures ?? 3)) {
        const why = worker.lostReason ?? how;
        this.fail(new RuntimeFailure(`workers cannot start (${this.options.python}): ${why}\n--- worker log (${worker.process.logFile}) ---\n${tail}`, "worker_start_failed"));
        return;
      }
    }
    if (this.options.maxReplacements !== undefined && this.replacements >= this.options.maxReplacements) {
      this.emit("exhausted", worker.id, this.replacements);
      if (![...this.workers.values()].some((w) => w.status !== "dead" && w.status !== "draining")) {
        this.fail(new RuntimeFailure(`every worker has ended and the replacement limit (${this.options.maxReplacements}) is reached; the last one ${how}`, "workers_exhausted"));
      }
      return;
    }
    this.replacements += 1;
    this.spawn([worker.slot]);
  }

  /** Workers started to replace ones that ended. */
  get replaced(): number {
    return this.replacements;
  }

  private fail(error: RuntimeFailure): void {
    if (this.fatal) return;
    this.fatal = error;
    for (const waiter of this.readyWaiters) waiter.reject(error);
    this.readyWaiters = [];
    for (const job of this.queue.splice(0)) job.resolve({ kind: "cancelled", reason: error.message });
    for (const worker of this.workers.values()) worker.process.kill();
    this.emit("fatal", error);
  }

  private lose(worker: WorkerState, reason: string): void {
    worker.lostReason = reason;
    worker.process.kill();
  }

  // ------------------------------------------------------------------ messages

  private async receiveLoop(): Promise<void> {
    for await (const { workerId, message } of this.wire.messages()) {
      const worker = this.workers.get(workerId);
      if (message.type === "hello" && this.credentials && message.token !== this.credentials.token) {
        this.refuse(`${workerId} (pid ${message.pid})`, "wrong token");
        void this.wire.send(workerId, { type: "shutdown", reason: "refused: wrong token" });
        continue;
      }
      if (!worker) {
        // A replaced worker's late words, or a stranger: strangers saying hello are refused.
        if (message.type === "hello") {
          this.refuse(`${workerId} (pid ${message.pid})`, "not a worker this orchestrator started");
          void this.wire.send(workerId, { type: "shutdown", reason: "refused: unknown worker" });
        }
        continue;
      }
      worker.lastHeardAt = Date.now();
      this.handle(worker, message);
    }
  }

  private handle(worker: WorkerState, message: FromWorker): void {
    switch (message.type) {
      case "hello":
        if (message.protocol_version !== PROTOCOL_VERSION) {
          void this.wire.send(worker.id, { type: "shutdown", reason: "protocol version mismatch" });
          this.fail(new RuntimeFailure(
            `protocol version mismatch: the worker (${this.options.python}) speaks version ${message.protocol_version}, ` +
              `this flops-fit speaks version ${PROTOCOL_VERSION}; reinstall the worker package (npm run setup:python -- --force)`,
            "protocol_mismatch"));
          return;
        }
        worker.hello = message;
        this.hellos.push(message);
        if (worker.retiring) {
          worker.status = "draining";
          void this.wire.send(worker.id, { type: "shutdown", reason: "retired" });
          return;
        }
        worker.status = "idle";
        this.startFailures.set(worker.slot, 0);
        for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
        this.emit("ready", worker.id, message);
        this.assign();
        return;
      case "heartbeat":
        return;
      case "goodbye":
        // It stops by itself (a pilot near its time limit): no more runs for it.
        if (worker.status === "idle") worker.status = "draining";
        return;
      case "progress":
        if (!this.owns(worker, message.task_id, message.experiment_id, message.attempt)) return;
        worker.lastProgressAt = Date.now();
        worker.lastProgress = message;
        worker.job?.onProgress?.(message);
        this.emit("progress", worker.id, message);
        return;
      case "result":
      case "task_error": {
        if (!this.owns(worker, message.task_id)) return;
        const job = worker.job!;
        worker.job = undefined;
        worker.lastProgress = undefined;
        const where = this.placement(worker.id);
        if (message.type === "result" && message.kind === "train" && message.status === "cancelled" && !this.stopping) {
          // Nobody asked: the worker stopped the run itself (SIGUSR1 before a SLURM time
          // limit, or SIGTERM), checkpointed it, and takes no more runs. Another worker resumes it.
          worker.status = "draining";
          job.resolve({ kind: "lost", workerId: worker.id, reason: `worker ${worker.id} (${worker.process.describe()}) stopped the run at step ${message.steps ?? "?"} (signalled: time limit near, preempted or cancelled); it resumes elsewhere from its checkpoint`, logTail: "", where, handedBack: true });
          this.assign();
          return;
        }
        worker.status = worker.retiring ? "draining" : "idle";
        if (worker.retiring) void this.wire.send(worker.id, { type: "shutdown", reason: "retired" });
        if (message.type === "result") job.resolve({ kind: "result", workerId: worker.id, message, where });
        else job.resolve({ kind: "task_error", workerId: worker.id, message, where });
        this.assign();
        return;
      }
    }
  }

  /** Whether `worker` is running this very task (ids and attempt match). */
  private owns(worker: WorkerState, taskId: string, experimentId?: string, attempt?: number): boolean {
    const task = worker.job?.task;
    if (!task || task.task_id !== taskId) return false;
    if (experimentId !== undefined && task.kind === "train" && (task.experiment_id !== experimentId || task.attempt !== attempt)) return false;
    return true;
  }

  private assign(): void {
    for (const worker of this.workers.values()) {
      if (this.queue.length === 0) return;
      if (worker.status !== "idle") continue;
      const job = this.queue.shift()!;
      worker.status = "busy";
      worker.job = job;
      worker.lastProgressAt = Date.now();
      worker.lastProgress = undefined;
      job.onStart?.(worker.id);
      void this.wire.send(worker.id, job.task).then((sent) => {
        if (!sent && worker.job === job) this.lose(worker, `worker ${worker.id} could not be reached`);
      });
    }
  }

  // ------------------------------------------------------------------ watchdog

  private watch(): void {
    const now = Date.now();
    const o = this.options;
    for (const worker of this.workers.values()) {
      // A pilot waiting in SLURM's queue has not started: its start-up clock runs from when it does.
      if (worker.status === "starting" && worker.process.waiting()) worker.spawnedAt = now;
      if (worker.status === "starting" && now - worker.spawnedAt > o.startupTimeoutS * 1000) {
        this.lose(worker, `worker ${worker.id} did not start within ${o.startupTimeoutS}s`);
      } else if ((worker.status === "idle" || worker.status === "busy") && now - worker.lastHeardAt > o.heartbeatTimeoutS * 1000) {
        this.lose(worker, `worker ${worker.id} (${worker.process.describe()}) sent no heartbeat for ${o.heartbeatTimeoutS}s (stopped, or blocked holding the GIL)`);
      } else if (worker.status === "busy" && worker.job?.task.kind === "train" && now - worker.lastProgressAt > o.progressTimeoutS * 1000) {
        this.lose(worker, `run ${worker.job.task.experiment_id} on worker ${worker.id} reported no progress for ${o.progressTimeoutS}s (stuck)`);
      }
    }
    if (now - this.lastBeatAt >= o.heartbeatIntervalS * 1000) {
      this.lastBeatAt = now;
      for (const worker of this.workers.values()) {
        if (worker.status === "idle" || worker.status === "busy") void this.wire.send(worker.id, { type: "heartbeat" });
      }
    }
  }

  // ------------------------------------------------------------------ shutdown

  /**
   * Stops everything: queued tasks resolve `cancelled`; running tasks are asked to cancel
   * and given `graceMs` to answer (a training run records itself `cancelled`); then every
   * worker is told to shut down and killed if it has not exited within `graceMs` more.
   */
  shutdown(graceMs = 5000): Promise<void> {
    // Every caller waits for the same, complete shutdown (the first one's).
    this.stopped ??= this.stop(graceMs);
    return this.stopped;
  }

  private async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    // Nobody waits for a worker that will never come.
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(new RuntimeFailure("the sweep was stopped before a worker started", "stopped"));
    for (const job of this.queue.splice(0)) job.resolve({ kind: "cancelled", reason: "sweep stopped before this run started" });
    const busy = [...this.workers.values()].filter((w) => w.job);
    for (const worker of busy) void this.wire.send(worker.id, { type: "cancel", task_id: worker.job!.task.task_id });
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && [...this.workers.values()].some((w) => w.job && w.status !== "dead")) {
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const worker of this.workers.values()) {
      if (worker.status !== "dead") void this.wire.send(worker.id, { type: "shutdown", reason: "sweep finished" });
    }
    const exits = [...this.workers.values()].map((w) => w.process.ended);
    const timeout = new Promise((r) => setTimeout(r, graceMs));
    await Promise.race([Promise.all(exits), timeout]);
    for (const worker of this.workers.values()) worker.process.kill();
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 2000))]);
    await this.launcher.close();
    if (this.timer) clearInterval(this.timer);
    this.wire.close();
    await this.receiving?.catch(() => undefined);
    this.unregisterZap?.();
    this.endpoint.cleanup();
  }
}
