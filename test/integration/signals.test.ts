/**
 * Signals that stop a sweep (real workers): SIGHUP (the terminal went away) is handled
 * like Ctrl-C and SIGTERM, and a sweep stopped while it is still probing model sizes
 * exits 130 like one stopped mid-run, leaving no process, socket folder or lock behind.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/load.js";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "./cli.js";
import { alive, descendants, waitFor, workerPids } from "./processes.js";
import { sweepDir } from "./sweep-dir.js";

/** The ipc socket folder a worker was told to connect to (from its command line). */
function socketFolder(workerPid: number): string | null {
  const args = readFileSync(`/proc/${workerPid}/cmdline`, "utf8").split("\0");
  const endpoint = args[args.indexOf("--endpoint") + 1] ?? "";
  return endpoint.startsWith("ipc://") ? dirname(endpoint.slice("ipc://".length)) : null;
}

describe("SIGHUP during a sweep", () => {
  it("is handled like SIGTERM: running runs recorded cancelled, exit 130, no worker, socket folder or lock left", async () => {
    const { config, out } = sweepDir("hup", [
      "name: hup", "plugin: gpt", "flops: 6nd",
      "planning:", "  budgets: [1e11, 3e11, 1e12]", "  sizes_per_budget: 3", "  refine_rounds: 0",
      "mock:", "  delay_s: 30",
    ]);
    let cliPid = 0;
    let workers: number[] = [];
    const running = runCli(["sweep", config, "--mock", "--out", out, "--workers", "2", "--bootstrap", "0"], { onSpawn: (pid) => (cliPid = pid) });
    const started = await waitFor(() => {
      workers = cliPid ? workerPids(cliPid) : [];
      return workers.length >= 2 && existsSync(join(out, "plan.json"));
    }, 120_000);
    expect(started).toBe(true);
    const socket = socketFolder(workers[0]!);
    expect(socket && existsSync(socket)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500)); // both workers are inside a 30 s run
    process.kill(cliPid, "SIGHUP");
    const run = await running;
    expect(run.code, run.stderr).toBe(130);
    const records = readJournal(join(out, "results.jsonl")).records;
    expect(records.filter((r) => r.status === "cancelled").length).toBe(2);
    expect(records.filter((r) => r.status === "completed").length).toBe(0);
    expect(await waitFor(() => workers.every((pid) => !alive(pid)), 10_000)).toBe(true);
    expect(existsSync(socket!)).toBe(false);
    expect(existsSync(join(out, "sweep.lock"))).toBe(false);
  }, 180_000);
});

/** A folder with a config whose model blocks while the probe builds it, after touching `marker`. */
function probeBlockingProject(prefix: string, configName: string): { dir: string; marker: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  copyFileSync(join(PROJECT_ROOT, "test/fixtures/tiny_plugin/tiny.py"), join(dir, "tiny.py"));
  const marker = join(dir, "probing");
  writeFileSync(join(dir, configName), [
    "model:", '  target: "tiny:probe_blocking_model"', "  size_param: width", `  options: { marker: ${JSON.stringify(marker)} }`,
    "data:", '  target: "tiny:Regression"', "loss:", '  target: "tiny:mse"',
    "planning:", "  budgets: [1e7, 1e8]", "  size_values: [8, 16, 32]", "",
  ].join("\n"));
  return { dir, marker };
}

describe("SIGTERM while the sizes are still being probed", () => {
  it("exits 130 with nothing recorded, and leaves no process or lock behind", async () => {
    const { dir, marker } = probeBlockingProject("ff-probe-term-", "sweep.yaml");
    const out = join(dir, "run");
    let cliPid = 0;
    const running = runCli(["sweep", join(dir, "sweep.yaml"), "--json", "--out", out, "--workers", "1", "--bootstrap", "0"], { cwd: dir, onSpawn: (pid) => (cliPid = pid) });
    expect(await waitFor(() => existsSync(marker), 120_000)).toBe(true);
    const processes = descendants(cliPid);
    process.kill(cliPid, "SIGTERM");
    const run = await running;
    expect(run.code, run.stderr).toBe(130);
    expect(JSON.parse(run.stdout)).toMatchObject({ interrupted: true, completed: 0, failed: 0 });
    expect(existsSync(join(out, "plan.json"))).toBe(false);
    expect(readJournal(join(out, "results.jsonl")).records).toEqual([]);
    expect(await waitFor(() => processes.every((pid) => !alive(pid)), 15_000)).toBe(true);
    expect(existsSync(join(out, "sweep.lock"))).toBe(false);
  }, 180_000);
});

describe("a signal during plan", () => {
  it("SIGHUP while the sizes are probed: exit 130 like sweep, no worker, log folder or socket folder left", async () => {
    const { dir, marker } = probeBlockingProject("ff-plan-hup-", "plan.yaml");
    const temp = mkdtempSync(join(tmpdir(), "ff-plan-tmp-")); // the command's TMPDIR: whatever it creates there must go
    let cliPid = 0;
    const running = runCli(["plan", join(dir, "plan.yaml")], { cwd: dir, env: { TMPDIR: temp }, onSpawn: (pid) => (cliPid = pid) });
    expect(await waitFor(() => existsSync(marker), 120_000)).toBe(true);
    const processes = descendants(cliPid);
    expect(readdirSync(temp).length).toBeGreaterThan(0);
    process.kill(cliPid, "SIGHUP");
    const run = await running;
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toMatch(/stopping \(SIGHUP\): stopping the workers/);
    expect(await waitFor(() => processes.every((pid) => !alive(pid)), 15_000)).toBe(true);
    expect(readdirSync(temp).filter((name) => !name.startsWith("torchinductor"))).toEqual([]); // torch's own cache stays
  }, 180_000);
});
