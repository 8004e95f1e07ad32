/** What `flops-fit doctor` checks: versions and devices, with a fix for anything missing. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { choosePython, workerPythonPath } from "../scheduler/python.js";
import { PROJECT_ROOT } from "../config/load.js";
import { checkSlurm, formatSlurmCheck, type SlurmCheck } from "./slurm-check.js";
import { checkTextData, formatTextDataCheck, type TextDataCheck } from "./text-data-check.js";

const run = promisify(execFile);

export interface Check {
  name: string;
  ok: boolean;
  version: string | null;
  fix?: string;
}

export interface Diagnosis {
  ok: boolean;
  python: { executable: string; source: string };
  checks: Check[];
  devices: string[];
  /** sbatch/squeue for backend: slurm (optional: never makes `ok` false). */
  slurm: SlurmCheck;
  /** tokenizers/datasets for `flops-fit tokenize` (optional: never makes `ok` false). */
  text_data: TextDataCheck;
}

const PROBE = `
import json, platform, importlib
out = {"python": platform.python_version(), "modules": {}, "devices": ["cpu"]}
for name in ["torch", "accelerate", "zmq", "numpy", "jsonschema", "flops_fit_worker"]:
    try:
        module = importlib.import_module(name)
        out["modules"][name] = getattr(module, "__version__", None) or getattr(module, "pyzmq_version", lambda: "installed")()
    except Exception as exc:
        out["modules"][name] = None
try:
    import torch
    out["devices"] += [f"cuda:{i} {torch.cuda.get_device_name(i)}" for i in range(torch.cuda.device_count())]
except Exception:
    pass
print(json.dumps(out))
`;

export async function diagnose(): Promise<Diagnosis> {
  const python = choosePython();
  const fixEnv = python.source === "venv" ? "npm run setup:python -- --force" : `${python.executable} -m pip install -e ${PROJECT_ROOT}`;
  const checks: Check[] = [{ name: "node", ok: Number(process.versions.node.split(".")[0]) >= 20, version: process.versions.node, fix: "install Node.js 20.19 or newer" }];
  let devices: string[] = [];
  try {
    const { stdout } = await run(python.executable, ["-c", PROBE], { env: { ...process.env, PYTHONPATH: workerPythonPath() }, timeout: 60_000 });
    const found = JSON.parse(stdout) as { python: string; modules: Record<string, string | null>; devices: string[] };
    checks.push({ name: "python", ok: true, version: found.python });
    const labels: Record<string, string> = { zmq: "pyzmq", flops_fit_worker: "flops-fit worker" };
    for (const [module, version] of Object.entries(found.modules)) {
      checks.push({ name: labels[module] ?? module, ok: version !== null, version, fix: version === null ? fixEnv : undefined });
    }
    devices = found.devices;
  } catch (error) {
    checks.push({ name: "python", ok: false, version: null, fix: `${fixEnv}  (${python.executable}: ${(error as Error).message.split("\n")[0]})` });
  }
  const slurm = await checkSlurm();
  const textData = await checkTextData(python.executable);
  return { ok: checks.every((c) => c.ok), python: { executable: python.executable, source: python.source }, checks, devices, slurm, text_data: textData };
}

export function formatDiagnosis(report: Diagnosis): string {
  const lines = [`worker python: ${report.python.executable} (from ${report.python.source})`];
  for (const check of report.checks) {
    lines.push(`  ${check.ok ? "ok     " : "MISSING"} ${check.name.padEnd(18)} ${check.version ?? ""}${check.ok || !check.fix ? "" : `   fix: ${check.fix}`}`);
  }
  lines.push(`devices: ${report.devices.join(", ") || "(unknown)"}`);
  lines.push(formatSlurmCheck(report.slurm));
  lines.push(formatTextDataCheck(report.text_data));
  lines.push(report.ok ? "everything needed is installed" : "some pieces are missing: run the fix shown");
  return lines.join("\n");
}
