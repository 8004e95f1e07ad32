import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors/user-error.js";
import { LOCK_FILE, RunLock } from "../../src/store/run-lock.js";

const fresh = () => mkdtempSync(join(tmpdir(), "ff-lock-"));

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

describe("RunLock", () => {
  it("records the holder's pid and host, and removes the lock on release", () => {
    const root = fresh();
    const lock = RunLock.acquire(root);
    expect(JSON.parse(readFileSync(join(root, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid, host: hostname() });
    lock.release();
    expect(existsSync(join(root, LOCK_FILE))).toBe(false);
  });

  it("refuses a second sweep with exit 2, naming the holder", () => {
    const root = fresh();
    const lock = RunLock.acquire(root);
    try {
      let error: unknown;
      try {
        RunLock.acquire(root);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UserError);
      expect(error).toMatchObject({ code: "run_dir_locked", exitCode: 2 });
      expect((error as Error).message).toMatch(new RegExp(`in use by another sweep \\(pid ${process.pid} on ${hostname()}`));
    } finally {
      lock.release();
    }
  });

  it("takes over a stale lock whose process is gone, and says so", () => {
    const root = fresh();
    const pid = deadPid();
    writeFileSync(join(root, LOCK_FILE), JSON.stringify({ pid, host: hostname(), started_at: "2026-01-01T00:00:00Z", command: "sweep" }));
    const notes: string[] = [];
    const lock = RunLock.acquire(root, (note) => notes.push(note));
    expect(notes.join("\n")).toMatch(new RegExp(`stale lock .*pid ${pid}.*that process is gone`));
    expect(JSON.parse(readFileSync(join(root, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("does not guess about a lock held on another host: refused, with how to clear it", () => {
    const root = fresh();
    writeFileSync(join(root, LOCK_FILE), JSON.stringify({ pid: 1, host: "some-other-node", started_at: "2026-01-01T00:00:00Z", command: "sweep" }));
    expect(() => RunLock.acquire(root)).toThrow(/pid 1 on some-other-node.*if that sweep is no longer running, delete .*sweep\.lock/);
  });

  it("release leaves a lock that is no longer its own", () => {
    const root = fresh();
    const lock = RunLock.acquire(root);
    writeFileSync(join(root, LOCK_FILE), JSON.stringify({ pid: 42, host: "elsewhere", started_at: "x", command: "" }));
    lock.release();
    expect(existsSync(join(root, LOCK_FILE))).toBe(true);
  });
});
