import { describe, expect, it } from "vitest";
import { runCli } from "./cli.js";
import { slurmAvailable } from "./slurm.js";

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
});
