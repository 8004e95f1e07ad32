/**
 * The sweep's worker pool, started on first use: a resumed sweep with nothing left to probe
 * or run starts no worker. Stopping (a signal, a journal that cannot record) shuts down a
 * pool that is running or still starting; close() waits for that shutdown to complete.
 */
import type { WorkerPool } from "../scheduler/pool.js";

export class LazyPool {
  private pool: WorkerPool | null = null;
  private starting: Promise<WorkerPool> | null = null;
  private stopped = false;

  /** `onStarted` hears about the pool once it exists (progress displays, environment.json). */
  constructor(private readonly start: () => Promise<WorkerPool>, private readonly onStarted: (pool: WorkerPool) => void = () => undefined) {}

  get(): Promise<WorkerPool> {
    this.starting ??= this.start().then((pool) => {
      this.pool = pool;
      this.onStarted(pool);
      if (this.stopped) void pool.shutdown();
      return pool;
    });
    return this.starting;
  }

  /** Cancels running tasks and shuts the workers down (now, or as soon as the pool exists). */
  stop(): void {
    this.stopped = true;
    void this.pool?.shutdown();
  }

  /** Shuts down whatever was started and waits for it. */
  async close(): Promise<void> {
    const pool = this.pool ?? (this.starting ? await this.starting.catch(() => null) : null);
    await pool?.shutdown();
  }
}
