/** Which Python runs the workers: config `python`, else env FLOPS_FIT_PYTHON, else the project's .venv. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../config/load.js";

export interface PythonChoice {
  executable: string;
  source: "config" | "env" | "venv";
}

export function choosePython(configured?: string): PythonChoice {
  if (configured) return { executable: configured, source: "config" };
  const fromEnv = process.env.FLOPS_FIT_PYTHON;
  if (fromEnv) return { executable: fromEnv, source: "env" };
  return { executable: join(PROJECT_ROOT, ".venv", "bin", "python"), source: "venv" };
}

export function pythonIsInstalled(choice: PythonChoice): boolean {
  return choice.source !== "venv" || existsSync(choice.executable);
}

/** PYTHONPATH entries every worker needs: the worker package and the project root (built-in plugins). */
export function workerPythonPath(extra: string[] = []): string {
  const parts = [join(PROJECT_ROOT, "py_runtime"), PROJECT_ROOT, ...extra];
  if (process.env.PYTHONPATH) parts.push(process.env.PYTHONPATH);
  return parts.join(":");
}
