/**
 * Before a sweep writes anything into `--out DIR`: the directory must be empty (or not yet
 * exist) or be a run directory of flops-fit's own. Anything else — a project folder, a
 * directory holding someone else's config.json — is refused (exit 2) and left untouched,
 * since a sweep writes config.json, plan.json, fit.json and report/ there.
 *
 * Creating it goes one folder at a time from the nearest existing parent: Node's recursive
 * mkdir spins for ever on paths such as /proc/self/x, where each attempt says ENOENT.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { UserError } from "../errors/user-error.js";
import { oneLine } from "../util/error-line.js";
import { RUN_DIR_ENTRIES, RUN_DIR_JOURNALS } from "./run-dir-entries.js";
import { WriteFailure } from "./write-failure.js";

/** What a sweep creates before it writes config.json: a directory holding only these is one killed that early. */
const WRITTEN_BEFORE_CONFIG = new Set(["logs", "sweep.lock", RUN_DIR_JOURNALS.results]);
const CONFIG_FILE = RUN_DIR_ENTRIES.config.file;

/** Whether `config` (config.json's content) is one flops-fit wrote: it names its sweep definition or (older) its resolved plugin. */
export function isRunConfig(config: unknown): boolean {
  if (!config || typeof config !== "object" || Array.isArray(config)) return false;
  const value = config as Record<string, unknown>;
  const plugin = value.resolved_plugin;
  return typeof value.fingerprint === "string" || (!!plugin && typeof plugin === "object" && typeof (plugin as { name?: unknown }).name === "string");
}

/** Why flops-fit may not write into `root` (an existing directory), or null when it may. */
export function foreignRunDirProblem(root: string): string | null {
  // Hidden entries (.gitkeep, .DS_Store, .git) are never a sweep's and never overwritten by one.
  const entries = readdirSync(root).filter((entry) => !entry.startsWith("."));
  if (entries.length === 0) return null;
  const configFile = join(root, CONFIG_FILE);
  if (entries.includes(CONFIG_FILE)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(configFile, "utf8"));
    } catch (error) {
      return `its config.json is not valid JSON (${oneLine((error as Error).message)}), so it is not a run directory flops-fit can recognise`;
    }
    return isRunConfig(parsed) ? null : "it holds a config.json that flops-fit did not write";
  }
  if (entries.every((entry) => WRITTEN_BEFORE_CONFIG.has(entry))) return null;
  const shown = entries.slice(0, 5).map((e) => JSON.stringify(e)).join(", ");
  return `it is not empty and holds no run of flops-fit's (it holds ${shown}${entries.length > 5 ? `, … ${entries.length - 5} more` : ""})`;
}

/** Creates `dir` and its missing parents one at a time, each error named (no endless retry). */
export function makeDirectories(dir: string): void {
  const missing: string[] = [];
  let current = dir;
  while (!existsSync(current)) {
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST" && statSync(folder).isDirectory()) continue;
      throw new WriteFailure(folder, error);
    }
  }
}

/**
 * Makes `root` a run directory this sweep may write: refuses (UserError, exit 2) a path that
 * is not a directory or a directory that is not empty and not flops-fit's, then creates the
 * missing folders and `logs`.
 */
export function claimRunDir(root: string, logs: string): void {
  if (existsSync(root) || isDanglingLink(root)) {
    if (!statSafe(root)?.isDirectory()) throw new UserError(`--out ${root} exists and is not a directory`, "bad_out_dir", { file: root });
    const problem = foreignRunDirProblem(root);
    if (problem) {
      throw new UserError(
        `--out ${root}: ${problem}; a sweep writes only into an empty directory or one of its own runs, and leaves this one untouched. ` +
          `Give it a new or empty directory (--out DIR).`,
        "foreign_out_dir", { file: root },
      );
    }
  }
  makeDirectories(logs);
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function statSafe(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
