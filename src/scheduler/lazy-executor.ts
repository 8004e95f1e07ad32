/**
 * An executor started on first use: a resumed sweep with nothing left to probe or run starts
 * no worker. Shutting down stops one that is running or still starting (it is shut down as
 * soon as it exists) and waits for that; nothing starts afterwards.
 */
import { RuntimeFailure } from "../errors/user-error.js";
import type { Hello, Progress } from "../protocol/messages.js";
import type { Backend, Executor, Outcome, PoolTask, WorkerSnapshot } from "./executor.js";

export class LazyExecutor implements Executor {
  private started: Executor | null = null;
  private starting: Promise<Executor> | null = null;
  private stopped = false;
  private readonly refusalListeners: Array<(who: string, reason: string) => void> = [];

  /** `onStarted` hears about the executor once it exists (environment.json, say). */
  constructor(readonly backend: Backend, private readonly start: () => Promise<Executor>, private readonly onStarted: (executor: Executor) => void = () => undefined) {}

  private get(): Promise<Executor> {
    this.starting ??= this.start().then((executor) => {
      this.started = executor;
      for (const listener of this.refusalListeners) executor.onRefused(listener);
      this.onStarted(executor);
      if (this.stopped) void executor.shutdown();
      return executor;
    });
    return this.starting;
  }

  async ready(): Promise<void> {
    if (this.stopped && !this.starting) throw new RuntimeFailure("the sweep was stopped before a worker started", "stopped");
    await (await this.get()).ready();
  }

  async run(task: PoolTask, onProgress?: (progress: Progress) => void, onStart?: (workerId: string) => void): Promise<Outcome> {
    if (this.stopped && !this.starting) return { kind: "cancelled", reason: "the sweep was stopped before a worker started" };
    return (await this.get()).run(task, onProgress, onStart);
  }

  retire(workerId: string): void {
    this.started?.retire(workerId);
  }

  /** Stops the executor (now, or as soon as it has started) and waits for its shutdown. */
  async shutdown(graceMs?: number): Promise<void> {
    this.stopped = true;
    const executor = this.started ?? (this.starting ? await this.starting.catch(() => null) : null);
    await executor?.shutdown(graceMs);
  }

  get helloInfo(): Hello | undefined {
    return this.started?.helloInfo;
  }

  get hellos(): readonly Hello[] {
    return this.started?.hellos ?? [];
  }

  snapshot(): WorkerSnapshot[] {
    return this.started?.snapshot() ?? [];
  }

  onRefused(listener: (who: string, reason: string) => void): void {
    this.refusalListeners.push(listener);
    this.started?.onRefused(listener);
  }
}
