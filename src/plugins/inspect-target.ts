/**
 * Introspects a model factory `module:Attr` through pythonia (JSPyBridge): its signature,
 * read with inspect.signature on the live object, and its parameter counts (total,
 * embedding, non-embedding) at chosen sizes, counted by the workers' own
 * flops_fit_worker.params.count_parameters. Used by `plugins inspect` and `plugins init`
 * only; training never touches the bridge (workers speak ZeroMQ).
 *
 * Bridge rules: pythonia is imported lazily, because importing it spawns Python;
 * PYTHON_BIN and PYTHONPATH are set just for that spawn; the bridged Python's side is
 * flops_fit_worker/introspect.py, whose quiet_stdout() points stdout at stderr before any
 * user code is imported; python.exit() always.
 */
import type { ChildProcess } from "node:child_process";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { loadConfig, PROJECT_ROOT } from "../config/load.js";
import { RuntimeFailure, UserError } from "../errors/user-error.js";
import { choosePython, pythonIsInstalled, workerPythonPath } from "../scheduler/python.js";
import { PYTHON_TARGET } from "../util/python-target.js";
import { closest } from "../util/suggest.js";
import { loadManifest } from "./load-manifest.js";
import { BUILTIN_PLUGIN_DIR, manifestPath, resolvePlugin } from "./registry.js";

/** Argument names that usually set a model's size, most likely first. */
export const SIZE_PARAM_NAMES = ["width", "d_model", "hidden_size", "dim", "n_embd", "size", "hidden_dim", "embed_dim"];

/** One constructor parameter as Python reports it. */
export const SignatureParam = z.object({
  name: z.string(),
  /** inspect.Parameter.kind: POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD, VAR_POSITIONAL, KEYWORD_ONLY, VAR_KEYWORD. */
  kind: z.string(),
  /** The default as JSON (repr() when not a plain value); null also when there is none (see `required`). */
  default: z.unknown(),
  /** Python type name of the default (`int`, `float`, `bool`, `str`, `NoneType`, ...); null without a default. */
  default_type: z.string().nullable(),
  required: z.boolean(),
  annotation: z.string().nullable(),
});
export type SignatureParam = z.infer<typeof SignatureParam>;

const Description = z.union([
  z.object({ error: z.string() }),
  z.object({
    text: z.string(),
    kind: z.string(),
    params: z.array(SignatureParam),
    module_file: z.string().nullable(),
    /** The sys.path folder the target's top-level package was imported from. */
    module_root: z.string().nullable(),
  }),
]);

/** What `propose` found: the size step and range a sweep should probe, and where each data hint goes. */
export const SizeProposal = z.object({
  error: z.string().optional(),
  multiple_of: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  count: z.number().optional(),
  /** "step": sizes took a training step on the data; "build": they only built. */
  checked: z.enum(["step", "build"]).optional(),
  /** What set the step, found by building (head divisibility, even head dimension, ...); null when every size worked. */
  constraint: z.string().nullable().optional(),
  /** How many proposed values were tried (every one of the grid). */
  tried: z.number().optional(),
  notes: z.array(z.string()),
  /** Data hint → the model's argument that receives it, or null when it takes none of the hint's names. */
  hints: z.record(z.string(), z.string().nullable()),
});
export type SizeProposal = z.infer<typeof SizeProposal>;

/** The data (and loss) whose batches a size must train on to count as accepted. */
export interface ProposalData {
  data: { target: string; options: Record<string, unknown> };
  loss: { target: string } | null;
}

/** Models above this many parameters are never built by inspect/init (counted on the meta device only). */
export const DEFAULT_MAX_PARAMS = 2e8;

export interface ParamCountRow {
  size: number;
  n_params: number;
  n_params_embedding: number;
  n_params_non_embedding: number;
}

/** A data hint the model was built with: its value, and the model's argument that took it (null: none did). */
export interface BuiltHint {
  value: unknown;
  argument: string | null;
}

export interface TargetReport {
  target: string;
  /** What was inspected: a python target, a plugin's model, or a sweep config's model. */
  source: "target" | "plugin" | "config";
  /** The data whose hints the model was built with, as a sweep builds it (null: a bare target, built at its own defaults). */
  data: string | null;
  /** The data's hints and where each went (as models.build_model maps them). */
  hints: Record<string, BuiltHint>;
  /** `class`, `function`, ... */
  kind: string;
  /** e.g. `Net(width: int, depth: int = 2)`. */
  text: string;
  module_file: string | null;
  module_root: string | null;
  signature: SignatureParam[];
  size_param: string | null;
  size_param_source: "flag" | "manifest" | "guess" | null;
  /** Options the model was built with (a plugin's defaults, then --option). */
  options: Record<string, unknown>;
  counts: ParamCountRow[];
  /** Sizes not built: their model has more than max_params parameters (counted on the meta device). */
  skipped: number[];
  max_params: number;
  /** Size step and range the model accepts, found by building it (and training a step on the data, when given). */
  proposal: SizeProposal | null;
}

/** What a TARGET argument names: a python target, a plugin (built-in name or folder) or a sweep config, whose model it means. */
export interface InspectTarget {
  target: string;
  source: TargetReport["source"];
  sizeParam?: string;
  /** Constructor options (a plugin's option defaults, a config's options) passed along with the size. */
  options: Record<string, unknown>;
  /** The data (and loss) a sweep would build the model with: its hints reach the model as in a sweep. Null for a bare target. */
  data: ProposalData | null;
  /** Folders to import from: --path folders, a user plugin's folder, the config's folder, the current folder. */
  paths: string[];
}

/** A schema's defaults: what a config that sets no option gets. */
function defaultsOf(schema: z.ZodType | undefined): Record<string, unknown> {
  const parsed = schema?.safeParse({});
  return Object.fromEntries(Object.entries(parsed?.success ? (parsed.data as Record<string, unknown>) : {}).filter(([, v]) => v !== undefined));
}

export async function resolveInspectTarget(reference: string, cwd: string, pathFlags: string[]): Promise<InspectTarget> {
  const paths = [...pathFlags.map((p) => resolve(cwd, p)), cwd];
  if (/\.ya?ml$/i.test(reference)) {
    // A sweep config: its model, options, data and loss exactly as the sweep resolves them.
    const plugin = await resolvePlugin(loadConfig(resolve(cwd, reference)));
    return {
      target: plugin.model.target, source: "config", sizeParam: plugin.model.size_param, options: plugin.model.options,
      data: { data: plugin.data, loss: plugin.loss }, paths: [...new Set([...plugin.sysPath, ...paths])],
    };
  }
  if (reference.includes(":") && !isAbsolute(reference)) {
    if (!PYTHON_TARGET.test(reference)) throw new UserError(`invalid target "${reference}": expected a python "package.module:Attribute"`, "bad_target");
    return { target: reference, source: "target", options: {}, data: null, paths };
  }
  const file = manifestPath(reference, cwd);
  const manifest = await loadManifest(file);
  const pluginDir = dirname(file);
  return {
    target: manifest.model.target, source: "plugin", sizeParam: manifest.model.sizeParam, options: defaultsOf(manifest.model.options),
    // The plugin's data with its default options, as a config that sets none would sweep it.
    data: { data: { target: manifest.data.target, options: defaultsOf(manifest.data.options) }, loss: manifest.loss?.target ? { target: manifest.loss.target } : null },
    paths: dirname(pluginDir) === BUILTIN_PLUGIN_DIR ? paths : [pluginDir, ...paths],
  };
}

/** `--option depth=2 --option act=gelu` → { depth: 2, act: "gelu" }: a value is JSON when it parses, else a string. */
export function parseOptions(items: string[]): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const item of items) {
    const at = item.indexOf("=");
    if (at <= 0) throw new UserError(`invalid --option "${item}": expected NAME=VALUE, e.g. depth=2`, "bad_option", { field: "option" });
    const text = item.slice(at + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // a plain string
    }
    options[item.slice(0, at)] = value;
  }
  return options;
}

/** `--sizes 32,64` → [32, 64]. */
export function parseSizes(text: string): number[] {
  const sizes = text.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  if (sizes.length === 0 || sizes.some((s) => !Number.isFinite(s) || s <= 0)) {
    throw new UserError(`invalid --sizes "${text}": expected positive numbers separated by commas, e.g. 32,64`, "bad_sizes");
  }
  return sizes;
}

/** The size parameter: the one asked for (checked against the signature), else a guess among SIZE_PARAM_NAMES. */
export function chooseSizeParam(signature: SignatureParam[], asked: string | undefined, target: string): string | null {
  const names = signature.filter((p) => p.kind !== "VAR_POSITIONAL" && p.kind !== "VAR_KEYWORD").map((p) => p.name);
  if (asked === undefined) return SIZE_PARAM_NAMES.find((name) => names.includes(name)) ?? null;
  if (names.includes(asked) || signature.some((p) => p.kind === "VAR_KEYWORD")) return asked;
  const guess = closest(asked, names);
  throw new UserError(
    `size parameter "${asked}" is not an argument of ${target}` + (guess ? ` (did you mean "${guess}"?)` : "") + `; its arguments: ${names.join(", ") || "none"}`,
    "bad_size_param", { field: "size_param" }, guess ? [guess] : [],
  );
}

/** Default sizes to count at: the two multiples of the model's size step nearest 64 and 128 (never its huge defaults). */
export function defaultSizes(step = 1): number[] {
  return [step * Math.max(1, Math.round(64 / step)), step * Math.max(2, Math.round(128 / step))];
}

// ---- the bridge ------------------------------------------------------------------------

/** An opaque proxy to a live Python object. */
type PyRef = { readonly __pyref: unique symbol };
/** flops_fit_worker.introspect, the bridged Python's side (tested by pytest). */
interface Helpers {
  quiet_stdout(): Promise<void>;
  problem(target: string): Promise<string | null>;
  lookup(target: string): Promise<PyRef>;
  describe(obj: PyRef): Promise<string>;
  count(obj: PyRef, sizeParam: string, size: number, optionsJson: string, maxParams: number, dataJson: string): Promise<string>;
  propose(obj: PyRef, sizeParam: string, optionsJson: string, dataJson: string, maxParams: number, defaultSize: number | null, train: boolean): Promise<string>;
}
interface Pythonia {
  python: ((module: string) => Promise<unknown>) & { exit(): void };
  com: { proc: ChildProcess | null; start(): void };
}

let pythonia: Pythonia | undefined;

function setEnv(values: Record<string, string | undefined>): Record<string, string | undefined> {
  const previous = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return previous;
}

/** Imports pythonia (which spawns Python) or restarts its Python after an earlier exit. */
async function spawnBridge(executable: string, pythonPath: string): Promise<Pythonia> {
  if (pythonia?.com.proc) throw new Error("a python bridge session is already open in this process");
  // DEBUG at import time makes pythonia log its traffic to stdout with console.log.
  const previous = setEnv({ PYTHON_BIN: executable, PYTHONPATH: pythonPath, DEBUG: undefined });
  try {
    if (pythonia) pythonia.com.start();
    else pythonia = ((await import("pythonia")) as unknown as { default: Pythonia }).default;
  } finally {
    setEnv(previous);
  }
  return pythonia;
}

/** One bridged Python process; close() always (it ends the process). */
export class PythonSession {
  private constructor(private readonly bridge: Pythonia, private readonly helpers: Helpers, private readonly exited: Promise<never>) {}

  static async open(paths: string[]): Promise<PythonSession> {
    const python = choosePython();
    if (!pythonIsInstalled(python)) {
      throw new RuntimeFailure(`the worker's Python is not installed: ${python.executable} (run \`npm run setup:python\`, or set FLOPS_FIT_PYTHON)`, "python_missing");
    }
    const bridge = await spawnBridge(python.executable, workerPythonPath(paths));
    const proc = bridge.com.proc!;
    const exited = new Promise<never>((_, reject) => {
      proc.once("error", (error) => reject(new RuntimeFailure(`cannot start ${python.executable}: ${error.message}`, "python_missing")));
      proc.once("exit", (code, signal) => reject(new RuntimeFailure(`the bridged Python (${python.executable}) exited (${signal ?? `code ${code}`}); see its messages above`, "python_exited")));
    });
    exited.catch(() => undefined);
    try {
      const helpers = (await Promise.race([bridge.python("flops_fit_worker.introspect"), exited])) as Helpers;
      await Promise.race([helpers.quiet_stdout(), exited]);
      return new PythonSession(bridge, helpers, exited);
    } catch (error) {
      bridge.python.exit();
      throw error;
    }
  }

  private guard<T>(call: Promise<T>): Promise<T> {
    return Promise.race([call, this.exited]);
  }

  /** The live object a target names; a target that does not import is a UserError (code import_error). */
  private async lookup(target: string, paths: string[]): Promise<PyRef> {
    const problem = await this.guard(this.helpers.problem(target));
    if (problem !== null) {
      const { code, message } = JSON.parse(problem) as { code: string; message: string };
      const hint = message.startsWith("cannot import") ? ` (searched ${paths.join(", ")} and the worker package; add --path DIR for the folder that holds the module)` : "";
      throw new UserError(message + hint, code, { field: "target" });
    }
    return this.guard(this.helpers.lookup(target));
  }

  async describe(target: string, paths: string[]): Promise<{ obj: PyRef; description: Extract<z.infer<typeof Description>, { text: string }> }> {
    const obj = await this.lookup(target, paths);
    const description = Description.parse(JSON.parse(await this.guard(this.helpers.describe(obj))));
    if ("error" in description) throw new UserError(`${target}: ${description.error}`, "bad_target", { field: "target" });
    return { obj, description };
  }

  /**
   * Counts at one size (on the meta device), built as a sweep builds it when `data` is given
   * (its hints mapped to the model's arguments, the options over them); null when the model
   * has more than maxParams there.
   */
  async count(obj: PyRef, target: string, sizeParam: string, size: number, options: Record<string, unknown>, maxParams: number, data: ProposalData | null): Promise<{ row: ParamCountRow | null; hints: Record<string, BuiltHint> }> {
    const answer = JSON.parse(await this.guard(this.helpers.count(obj, sizeParam, size, JSON.stringify(options), maxParams, JSON.stringify(data)))) as
      { error?: string; data_error?: string; skipped?: boolean; n_params: number; n_params_embedding: number; n_params_non_embedding: number; hints?: Record<string, BuiltHint> };
    if (answer.data_error) throw new UserError(answer.data_error, "data_error", { field: "data" });
    if (answer.error) throw new UserError(`building ${target}(${sizeParam}=${size}) failed: ${answer.error}`, "model_build_failed", { field: "target" });
    const hints = answer.hints ?? {};
    if (answer.skipped) return { row: null, hints };
    return { row: { size, n_params: answer.n_params, n_params_embedding: answer.n_params_embedding, n_params_non_embedding: answer.n_params_non_embedding }, hints };
  }

  /** Size values the model accepts (sizing.py), and where the data's hints go; `train`: every proposed size takes a step on the data. */
  async propose(obj: PyRef, sizeParam: string, options: Record<string, unknown>, data: ProposalData | null, maxParams: number, defaultSize: number | null, train: boolean): Promise<SizeProposal> {
    return SizeProposal.parse(JSON.parse(await this.guard(this.helpers.propose(obj, sizeParam, JSON.stringify(options), JSON.stringify(data), maxParams, defaultSize, train))));
  }

  close(): void {
    if (this.bridge.com.proc) this.bridge.python.exit();
  }
}

export interface InspectRequest {
  reference: string;
  cwd: string;
  paths: string[];
  sizeParam?: string;
  sizes?: number[];
  /** Constructor options on top of a plugin's defaults (--option key=value). */
  options?: Record<string, unknown>;
  /** Build the model at each size and count its parameters (false: signature only). */
  count: boolean;
  /** Models above this many parameters are not built (default DEFAULT_MAX_PARAMS). */
  maxParams?: number;
  /** Find the size step and range; with data, every proposed size must also take a training step on it. */
  propose?: { data: ProposalData | null };
}

/** Signature, size proposal and parameter counts of what `reference` names; one bridged Python, always closed. */
export async function inspectTarget(request: InspectRequest): Promise<TargetReport> {
  const resolved = await resolveInspectTarget(request.reference, request.cwd, request.paths);
  const maxParams = request.maxParams ?? DEFAULT_MAX_PARAMS;
  const options = { ...resolved.options, ...(request.options ?? {}) };
  const session = await PythonSession.open(resolved.paths);
  try {
    const { obj, description } = await session.describe(resolved.target, resolved.paths);
    const asked = request.sizeParam ?? resolved.sizeParam;
    const sizeParam = chooseSizeParam(description.params, asked, resolved.target);
    const source = sizeParam === null ? null : request.sizeParam !== undefined ? "flag" : resolved.sizeParam !== undefined ? "manifest" : "guess";
    const counts: ParamCountRow[] = [];
    const skipped: number[] = [];
    let proposal: SizeProposal | null = null;
    // The data a sweep would build the model with: init's --data, else a plugin's or config's own.
    const data = request.propose?.data ?? resolved.data;
    if (sizeParam !== null && (request.propose || (request.count && !request.sizes))) {
      const fallback = description.params.find((p) => p.name === sizeParam)?.default;
      // inspect only needs the step (by building, fast); init proposes size_values, each of which must train.
      proposal = await session.propose(obj, sizeParam, options, data, maxParams, typeof fallback === "number" ? fallback : null, request.propose !== undefined);
    }
    let hints: Record<string, BuiltHint> = {};
    if (request.count && sizeParam !== null) {
      for (const size of request.sizes ?? defaultSizes(proposal?.multiple_of ?? 1)) {
        if (skipped.length > 0 && size > Math.min(...skipped)) {
          skipped.push(size); // larger than a size already over the limit: not even counted
          continue;
        }
        const counted = await session.count(obj, resolved.target, sizeParam, size, options, maxParams, data);
        hints = counted.hints;
        if (counted.row) counts.push(counted.row);
        else skipped.push(size);
      }
    }
    const { text, kind, params, module_file, module_root } = description;
    return {
      target: resolved.target, source: resolved.source, data: data?.data.target ?? null, hints, kind, text, module_file, module_root, signature: params,
      size_param: sizeParam, size_param_source: source, options, counts, skipped, max_params: maxParams, proposal,
    };
  } finally {
    session.close();
  }
}

/** Folders the workers import from (besides a plugin's own folder and its config's folder). */
export function workerImportRoots(): string[] {
  return [join(PROJECT_ROOT, "py_runtime"), PROJECT_ROOT, ...(process.env.PYTHONPATH?.split(":").filter(Boolean).map((p) => resolve(p)) ?? [])];
}
