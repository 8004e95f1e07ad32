/**
 * What `flops-fit doctor` checks: Node, the worker's Python and its modules (required ones,
 * and the optional extras with what needs them), devices, SLURM, and — given a config —
 * everything that config needs: that it is valid, that its model, data and loss targets
 * import, and that its data loads. Each problem comes with its fix.
 */
import { execFile } from "node:child_process";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { loadConfig, PROJECT_ROOT } from "../config/load.js";
import { UserError } from "../errors/user-error.js";
import { resolvePlugin } from "../plugins/registry.js";
import { choosePython, workerPythonPath } from "../scheduler/python.js";
import { MODULE_CHECKS } from "./module-checks.js";
import { checkSlurm, formatSlurmCheck, type SlurmCheck } from "./slurm-check.js";

const run = promisify(execFile);

export interface Check {
  name: string;
  ok: boolean;
  version: string | null;
  /** An optional extra: missing is reported with its fix but does not fail the installation. */
  optional?: string;
  detail?: string;
  fix?: string;
}

export interface Diagnosis {
  ok: boolean;
  python: { executable: string; source: string };
  checks: Check[];
  devices: string[];
  /** sbatch/squeue for backend: slurm (optional: never makes `ok` false). */
  slurm: SlurmCheck;
  /** What the config given needs (null without one). */
  config: { file: string; checks: Check[] } | null;
}

interface ProbeAnswer {
  python: string;
  modules: Record<string, string | null>;
  devices: string[];
  config?: Array<{ name: string; ok: boolean; detail: string }>;
}

/** The fix for a config check that failed, from what failed. */
function configFix(name: string, detail: string, file: string, install: string): string {
  if (/no module named "(transformers|timm)"/.test(detail)) return `${install}[models]"  (the models extra)`;
  const missing = /no module named "([^"]+)"/.exec(detail)?.[1];
  if (missing) return `install ${missing} into ${choosePython().executable}, or put its module in the config's folder (${dirname(file)}) or the plugin folder`;
  if (name === "data") return `fix data.options in ${file}: the data target's own message above says what it could not load`;
  return `check the ${name} in ${file}`;
}

/** The config's checks: valid and resolvable here (TS), then its targets and data (the worker's Python). */
async function configSpec(file: string): Promise<{ checks: Check[]; spec: unknown; python?: string }> {
  try {
    const loaded = loadConfig(file);
    const plugin = await resolvePlugin(loaded);
    return {
      checks: [{ name: "config", ok: true, version: null, detail: `valid: plugin ${plugin.name}, model ${plugin.model.target}` }],
      spec: { sys_path: plugin.sysPath, model: plugin.model, data: plugin.data, loss: plugin.loss },
      python: loaded.config.python,
    };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { checks: [{ name: "config", ok: false, version: null, detail: error.message, fix: `fix ${file} as the message says` }], spec: null };
  }
}

export async function diagnose(configFile?: string): Promise<Diagnosis> {
  const config = configFile ? await configSpec(configFile) : null;
  const python = choosePython(config?.python);
  const install = `${python.executable} -m pip install -e "${PROJECT_ROOT}`;
  const fixEnv = python.source === "venv" ? "npm run setup:python -- --force" : `${install}"`;
  const checks: Check[] = [{ name: "node", ok: Number(process.versions.node.split(".")[0]) >= 20, version: process.versions.node, fix: "install Node.js 20.19 or newer" }];
  let devices: string[] = [];
  const configChecks = config?.checks ?? [];
  try {
    // Required modules are imported, as a worker imports them; optional extras are looked up (importing transformers takes seconds).
    const modules = { import: MODULE_CHECKS.filter((m) => m.required).map((m) => m.module), find: MODULE_CHECKS.filter((m) => !m.required).map((m) => m.module) };
    const args = ["-m", "flops_fit_worker.doctor", JSON.stringify(modules), ...(config?.spec ? [JSON.stringify(config.spec)] : [])];
    const { stdout } = await run(python.executable, args, { env: { ...process.env, PYTHONPATH: workerPythonPath() }, timeout: 120_000 });
    const found = JSON.parse(stdout) as ProbeAnswer;
    checks.push({ name: "python", ok: true, version: found.python });
    for (const m of MODULE_CHECKS) {
      const version = found.modules[m.module] ?? null;
      const optional = m.extra ? `optional: ${m.extra.neededFor}` : undefined;
      checks.push({ name: m.label, ok: version !== null, version, ...(optional ? { optional } : {}), ...(version === null ? { fix: m.extra ? `${install}[${m.extra.name}]"` : fixEnv } : {}) });
    }
    devices = found.devices;
    for (const c of found.config ?? []) {
      configChecks.push({ name: c.name, ok: c.ok, version: null, detail: c.detail, ...(c.ok ? {} : { fix: configFix(c.name, c.detail, configFile!, install) }) });
    }
  } catch (error) {
    checks.push({ name: "python", ok: false, version: null, fix: `${fixEnv}  (${python.executable}: ${(error as Error).message.split("\n")[0]})` });
  }
  const slurm = await checkSlurm();
  const ok = checks.every((c) => c.ok || c.optional) && configChecks.every((c) => c.ok);
  return { ok, python: { executable: python.executable, source: python.source }, checks, devices, slurm, config: configFile ? { file: configFile, checks: configChecks } : null };
}

function checkLine(check: Check, failed = "MISSING"): string {
  const state = check.ok ? "ok     " : check.optional ? "absent " : failed;
  const note = check.optional ? `   (${check.optional})` : "";
  const text = check.detail ?? check.version ?? "";
  return `  ${state} ${check.name.padEnd(18)} ${text}${note}${check.ok || !check.fix ? "" : `\n          fix: ${check.fix}`}`;
}

export function formatDiagnosis(report: Diagnosis): string {
  const lines = [`worker python: ${report.python.executable} (from ${report.python.source})`, ...report.checks.map((c) => checkLine(c))];
  lines.push(`devices: ${report.devices.join(", ") || "(unknown)"}`);
  lines.push(formatSlurmCheck(report.slurm));
  if (report.config) lines.push(`config ${report.config.file}:`, ...report.config.checks.map((c) => checkLine(c, "FAILED ")));
  const absent = report.checks.filter((c) => c.optional && !c.ok).map((c) => c.name);
  const extras = absent.length > 0 ? `; optional, not installed: ${absent.join(", ")}` : "";
  if (!report.ok) lines.push("some pieces are missing: run the fix shown");
  else if (report.config) lines.push(`everything ${report.config.file} needs is installed and loads${extras}`);
  else lines.push(`everything needed is installed${extras}; pass a config (flops-fit doctor CONFIG) to check what it needs`);
  return lines.join("\n");
}
