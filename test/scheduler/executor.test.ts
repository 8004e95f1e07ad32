/** The executor interface on local workers: retire, a run a worker stops by itself, the replacement limit. */
import { afterEach, describe, expect, it } from "vitest";
import type { WorkerPool } from "../../src/scheduler/pool.js";
import { isAlive, mockTrainTask, startPool } from "./helpers.js";
import { waitFor } from "../integration/processes.js";

let pool: WorkerPool | undefined;
afterEach(async () => {
  await pool?.shutdown(1000);
  pool = undefined;
});

const pidOf = (p: WorkerPool, workerId: string) => p.snapshot().find((w) => w.id === workerId)!.pid!;

describe("the executor interface", () => {
  it("a retired worker finishes its run, leaves and is not replaced; the other worker takes what is queued", async () => {
    pool = await startPool({ workers: 2 });
    await waitFor(() => pool!.hellos.length === 2, 60_000);
    let first = "";
    const running = pool.run(mockTrainTask({ delayS: 0.5 }), undefined, (id) => (first = id));
    await waitFor(() => first !== "", 10_000);
    const pid = pidOf(pool, first);
    pool.retire(first);
    expect(await running).toMatchObject({ kind: "result", message: { status: "completed" } });
    const next = await Promise.all([pool.run(mockTrainTask()), pool.run(mockTrainTask())]);
    for (const outcome of next) expect(outcome).toMatchObject({ kind: "result", workerId: expect.not.stringMatching(new RegExp(`^${first}$`)) });
    expect(await waitFor(() => !isAlive(pid), 10_000)).toBe(true);
    expect(pool.snapshot().map((w) => w.id)).not.toContain(`${first}.1`);
  });

  it("a worker told its time is nearly up (SIGUSR1) stops its run and hands it back as lost, naming the step; it takes no more runs and is replaced", async () => {
    pool = await startPool({ workers: 1 });
    await pool.ready();
    let worker = "";
    const steps: number[] = [];
    const running = pool.run(mockTrainTask({ delayS: 20 }), (p) => steps.push(p.step), (id) => (worker = id));
    await waitFor(() => steps.length >= 2, 30_000);
    const pid = pidOf(pool, worker);
    process.kill(pid, "SIGUSR1");
    const outcome = await running;
    expect(outcome).toMatchObject({ kind: "lost", workerId: worker, handedBack: true, reason: expect.stringMatching(/stopped the run at step \d+/) });
    expect(await waitFor(() => !isAlive(pid), 10_000)).toBe(true);
    // The replacement takes the retry.
    expect(await pool.run(mockTrainTask())).toMatchObject({ kind: "result", workerId: `${worker}.1` });
  });

  it("with the replacement limit reached and no worker left, runs are refused with the limit named", async () => {
    pool = await startPool({ workers: 1, maxReplacements: 0 });
    await pool.ready();
    const pid = pool.pids()[0]!;
    let fatal = "";
    pool.on("fatal", (error: Error) => (fatal = error.message));
    process.kill(pid, "SIGKILL");
    expect(await waitFor(() => fatal !== "", 10_000)).toBe(true);
    expect(fatal).toMatch(/replacement limit \(0\)/);
    expect(await pool.run(mockTrainTask())).toMatchObject({ kind: "cancelled", reason: expect.stringMatching(/replacement limit/) });
  });
});
