import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../../src/protocol/messages.js";
import { PROJECT_ROOT } from "../../src/config/load.js";
import type { WorkerPool } from "../../src/scheduler/pool.js";
import { isAlive, mockTrainTask, probeTask, startPool } from "./helpers.js";

let pool: WorkerPool | undefined;
afterEach(async () => {
  await pool?.shutdown(1000);
  pool = undefined;
});

describe("WorkerPool", () => {
  it("runs probe and train tasks on persistent workers, streaming progress", async () => {
    pool = await startPool();
    await pool.ready();
    const probe = await pool.run(probeTask());
    expect(probe).toMatchObject({ kind: "result", message: { kind: "probe", sizes: [{ size_value: 4, n_params: 56 }, { size_value: 8 }, { size_value: 16 }] } });
    const steps: number[] = [];
    const outcome = await pool.run(mockTrainTask({ delayS: 0.3 }), (p) => steps.push(p.step));
    expect(outcome).toMatchObject({ kind: "result", message: { kind: "train", status: "completed", n_params: 108 } });
    expect(steps.length).toBeGreaterThan(3);
    const pidsBefore = pool.pids();
    await pool.run(mockTrainTask());
    expect(pool.pids()).toEqual(pidsBefore); // the same processes took every task
  });

  it("returns a missing target as a task error and keeps the worker", async () => {
    pool = await startPool({ workers: 1 });
    const outcome = await pool.run(probeTask("no.such.module:Thing"));
    expect(outcome).toMatchObject({ kind: "task_error", message: { code: "import_error" } });
    if (outcome.kind === "task_error") expect(outcome.message.message).toContain('"no.such.module"');
    expect(await pool.run(probeTask())).toMatchObject({ kind: "result" });
  });

  it("detects a worker killed mid-task, reports it lost, and replaces it", async () => {
    pool = await startPool({ workers: 1 });
    await pool.ready();
    const [pid] = pool.pids();
    const running = pool.run(mockTrainTask({ delayS: 5 }));
    setTimeout(() => process.kill(pid!, "SIGKILL"), 500);
    const outcome = await running;
    expect(outcome.kind).toBe("lost");
    if (outcome.kind === "lost") expect(outcome.reason).toMatch(/killed by SIGKILL/);
    expect(await pool.run(mockTrainTask())).toMatchObject({ kind: "result", message: { status: "completed" } });
    expect(pool.pids()).not.toContain(pid);
  });

  it("detects a stopped worker (SIGSTOP) by its missing heartbeats", async () => {
    pool = await startPool({ workers: 1, heartbeatTimeoutS: 2 });
    await pool.ready();
    const [pid] = pool.pids();
    const running = pool.run(mockTrainTask({ delayS: 20 }));
    setTimeout(() => process.kill(pid!, "SIGSTOP"), 300);
    const outcome = await running;
    expect(outcome.kind).toBe("lost");
    if (outcome.kind === "lost") expect(outcome.reason).toMatch(/no heartbeat for 2s/);
    expect(isAlive(pid!)).toBe(false);
  });

  it("detects a loop that holds the GIL by its missing heartbeats", async () => {
    pool = await startPool({ workers: 1, heartbeatTimeoutS: 2 });
    const outcome = await pool.run(mockTrainTask({ target: "tiny:gil_holding_model" }));
    expect(outcome.kind).toBe("lost");
    if (outcome.kind === "lost") expect(outcome.reason).toMatch(/no heartbeat/);
  });

  it("detects a run that stops reporting progress while heartbeats continue", async () => {
    pool = await startPool({ workers: 1, progressTimeoutS: 2 });
    const outcome = await pool.run(mockTrainTask({ target: "tiny:sleeping_model" }));
    expect(outcome.kind).toBe("lost");
    if (outcome.kind === "lost") expect(outcome.reason).toMatch(/reported no progress for 2s \(stuck\)/);
  });

  it("refuses a worker that speaks another protocol version, naming both", async () => {
    pool = await startPool({ workers: 1, env: { PYTHONPATH: join(PROJECT_ROOT, "test/fixtures/old_worker") } });
    await expect(pool.ready()).rejects.toThrow(new RegExp(`worker .* speaks version 99, this flops-fit speaks version ${PROTOCOL_VERSION}`));
  });

  it("leaves no worker process behind after shutdown", async () => {
    pool = await startPool();
    await pool.ready();
    await new Promise((r) => setTimeout(r, 500));
    const pids = pool.pids();
    expect(pids.length).toBe(2);
    await pool.shutdown();
    pool = undefined;
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });
});
