import { describe, expect, it } from "vitest";
import { runCli } from "./cli.js";
import { slurmAvailable } from "./slurm.js";
import { sweepDir } from "./sweep-dir.js";

interface DoctorJson {
  ok: boolean;
  slurm: { sbatch: string | null; squeue: boolean; reachable: boolean; detail: string };
}

describe("doctor and SLURM", () => {
  it.skipIf(!slurmAvailable())("reports sbatch's version and that squeue reaches the controller", async () => {
    const run = await runCli(["doctor", "--json"]);
    const report = JSON.parse(run.stdout) as DoctorJson;
    expect(report.slurm.sbatch).toMatch(/slurm/i);
    expect(report.slurm).toMatchObject({ squeue: true, reachable: true });
  });

  it("without sbatch on the PATH says SLURM is not available here, and that is not a failure of the installation", async () => {
    const run = await runCli(["doctor", "--json"], { env: { PATH: "/nonexistent" } });
    const report = JSON.parse(run.stdout) as DoctorJson;
    expect(report.slurm).toMatchObject({ sbatch: null, reachable: false });
    expect(report.slurm.detail).toMatch(/sbatch not found/);
    expect(report.ok).toBe(true);
    const text = await runCli(["doctor"], { env: { PATH: "/nonexistent" } });
    expect(text.stdout).toMatch(/^slurm: not available here \(sbatch not found/m);
  });

  it("sweep --backend slurm without sbatch exits 1 saying what is missing; --backend takes only local or slurm (exit 2)", async () => {
    const { config, out } = sweepDir("no-sbatch", ["name: no-sbatch", "planning:", "  budgets: [1e11]", "scheduler:", "  workers: 1"]);
    const run = await runCli(["sweep", config, "--mock", "--out", out, "--backend", "slurm"], { env: { PATH: "/nonexistent" } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/backend: slurm needs sbatch and squeue on the PATH/);
    const bad = await runCli(["sweep", config, "--mock", "--out", out, "--backend", "kubernetes"]);
    expect(bad.code).toBe(2);
  });
});
