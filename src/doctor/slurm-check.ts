/** `doctor`'s SLURM line: are sbatch and squeue here, and does squeue reach a controller? (Optional: only backend: slurm needs them.) */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface SlurmCheck {
  /** `sbatch --version`, or null when sbatch is not on PATH. */
  sbatch: string | null;
  squeue: boolean;
  /** squeue answered: a controller is reachable from here. */
  reachable: boolean;
  detail: string;
}

async function firstLine(command: string, args: string[]): Promise<string | null> {
  try {
    const { stdout } = await run(command, args, { timeout: 10_000 });
    return stdout.trim().split("\n")[0] ?? "";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    throw error;
  }
}

export async function checkSlurm(): Promise<SlurmCheck> {
  const sbatch = await firstLine("sbatch", ["--version"]).catch(() => null);
  let squeue: boolean;
  let reachable = false;
  let detail = "";
  try {
    squeue = (await firstLine("squeue", ["--noheader", "--format=%i", "--states=RUNNING"])) !== null;
    reachable = squeue;
    if (!squeue) detail = "squeue not found";
  } catch (error) {
    // squeue is there but reaches no controller: its own words say why.
    squeue = true;
    detail = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split("\n")[0] ?? "";
  }
  if (!sbatch) detail = "sbatch not found (only scheduler.backend: slurm needs it)";
  return { sbatch, squeue, reachable, detail };
}

export function formatSlurmCheck(check: SlurmCheck): string {
  if (check.sbatch && check.reachable) return `slurm: ${check.sbatch}, squeue reaches the controller (backend: slurm available)`;
  return `slurm: not available here (${check.detail}); backend: slurm needs sbatch and squeue that reach a controller`;
}
