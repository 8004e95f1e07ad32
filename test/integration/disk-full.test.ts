/**
 * A disk that fills up during a sweep (real workers, a real tmpfs): the sweep stops with
 * exit 1 naming results.jsonl and ENOSPC, every record it reported `completed` is on disk,
 * the journal reads back whole, no temp file is left, and a resume after freeing space
 * completes the sweep without recording any experiment twice. Needs root (mount); skipped
 * where mounting a tmpfs is not permitted.
 */
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "./cli.js";
import { alive, waitFor, workerPids } from "./processes.js";

const EXPERIMENTS = 12;

/** Mounts a 4 MiB tmpfs on a fresh folder, or says why not. */
function mountSmallDisk(): { dir: string } | { skip: string } {
  if (process.getuid?.() !== 0) return { skip: "not root" };
  const dir = mkdtempSync(join(tmpdir(), "ff-diskfull-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", dir], { stdio: "pipe" });
    return { dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `mount refused: ${(error as Error).message.split("\n")[0]}` };
  }
}

/** Writes until the disk is full: big chunks, then smaller ones down to a byte. */
function fillDisk(file: string): void {
  const fd = openSync(file, "w");
  try {
    for (const size of [1 << 20, 1 << 16, 4096, 512, 64, 1]) {
      const chunk = Buffer.alloc(size, 0x78);
      for (;;) {
        try {
          if (writeSync(fd, chunk) < size) break;
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).map((name) => join(dir, name));
}

const disk = mountSmallDisk();
afterAll(() => {
  if ("dir" in disk) {
    execFileSync("umount", [disk.dir]);
    rmSync(disk.dir, { recursive: true, force: true });
  }
});

describe.skipIf("skip" in disk)(`a full disk during a sweep${"skip" in disk ? ` (skipped: ${disk.skip})` : ""}`, () => {
  it("stops cleanly, loses and corrupts nothing, leaves no temp file, and a resume after freeing space completes the sweep", async () => {
    const dir = (disk as { dir: string }).dir;
    const config = join(dir, "sweep.yaml");
    writeFileSync(config, [
      "name: diskfull", "plugin: gpt", "flops: 6nd",
      "planning:", "  budgets: [1e11, 3e11, 1e12]", "  sizes_per_budget: 4", "  refine_rounds: 0",
      "mock:", "  delay_s: 0.5", "",
    ].join("\n"));
    const out = join(dir, "run");
    const results = join(out, "results.jsonl");
    const filler = join(dir, "filler");
    const completedCount = () => (existsSync(results) ? readJournal(results).records.filter((r) => r.status === "completed").length : 0);

    let cliPid = 0;
    const workers = new Set<number>();
    const running = runCli(["sweep", config, "--mock", "--out", out, "--workers", "2", "--bootstrap", "0"], { onSpawn: (pid) => (cliPid = pid) });
    expect(await waitFor(() => {
      for (const pid of cliPid ? workerPids(cliPid) : []) workers.add(pid);
      return completedCount() >= 3;
    }, 120_000)).toBe(true);
    fillDisk(filler);
    const run = await running;

    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(`flops-fit: cannot write ${results}: no space left on device (ENOSPC)`);
    const journal = readJournal(results);
    expect(journal.tornTail).toBe(false);
    expect(statSync(results).size).toBe(journal.intactBytes);
    // Everything the sweep said completed is on disk.
    const said = [...run.stderr.matchAll(/^completed +([0-9a-f]{12}) /gm)].map((m) => m[1]);
    const recorded = new Set(journal.records.filter((r) => r.status === "completed").map((r) => r.experiment_id));
    expect(said.length).toBeGreaterThanOrEqual(3);
    for (const id of said) expect(recorded.has(id!)).toBe(true);
    expect(recorded.size).toBeLessThan(EXPERIMENTS);
    expect(filesUnder(dir).filter((f) => /\.tmp-\d+$/.test(f))).toEqual([]);
    expect(existsSync(join(out, "sweep.lock"))).toBe(false);
    // No worker outlives the sweep (one whose log write fails must still exit).
    expect(workers.size).toBeGreaterThanOrEqual(2);
    expect(await waitFor(() => [...workers].every((pid) => !alive(pid)), 15_000)).toBe(true);

    rmSync(filler);
    const resumed = await runCli(["sweep", config, "--mock", "--json", "--out", out, "--workers", "2", "--bootstrap", "0"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ skipped: recorded.size, completed: EXPERIMENTS - recorded.size, failed: 0 });
    const completed = readJournal(results).records.filter((r) => r.status === "completed").map((r) => r.experiment_id);
    expect(completed.length).toBe(EXPERIMENTS);
    expect(new Set(completed).size).toBe(EXPERIMENTS);
  }, 300_000);
});
