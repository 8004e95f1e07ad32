/**
 * `plugins init`: the text of a typed plugin manifest (plugin.ts) and of an example sweep
 * config (sweep.yaml) for an existing model factory, from its signature. Pure: a signature
 * in, text out; the command writes the files.
 */
import type { SignatureParam, SizeProposal } from "./inspect-target.js";

/** Data target of a scaffold: the GPT plugin's byte corpus runs anywhere (no download), but the user replaces it. */
export const PLACEHOLDER_DATA_TARGET = "plugins.gpt.data:ByteCorpus";
export const DEFAULT_LOSS_TARGET = "flops_fit_worker.losses:cross_entropy";

export interface ScaffoldInput {
  name: string;
  target: string;
  sizeParam: string;
  signature: SignatureParam[];
  /** How the user reaches sweep.yaml from where they ran init (shown in comments only). */
  configPath: string;
  /** A folder the workers must get on PYTHONPATH to import the target's module; null when they find it anyway. */
  pythonPath: string | null;
  /** The data target (default: the placeholder byte corpus). */
  dataTarget?: string;
  /** Size step and range found by building the model (and training a step on the data), and where the data's hints go. */
  proposal?: SizeProposal | null;
}

/** A plugin name from a target: `net:Net` → `net`, `pkg.models:TinyGPT` → `tinygpt`. */
export function defaultPluginName(target: string): string {
  const attr = target.split(":").pop()!.split(".").pop()!;
  const name = attr.toLowerCase().replace(/[^\w-]/g, "").replace(/^[^a-z]+/, "");
  return name || "model";
}

const SIMPLE_TYPES: Record<string, string> = { int: "z.number().int()", float: "z.number()", bool: "z.boolean()", str: "z.string()" };

/** The zod type an annotation names when it is a plain int/float/bool/str (optionally `| None`). */
function fromAnnotation(annotation: string | null): string | null {
  if (!annotation) return null;
  const inner = annotation.replace(/^(typing\.)?Optional\[(.*)\]$/, "$2");
  const parts = inner.split("|").map((s) => s.trim()).filter((s) => s !== "None" && s !== "NoneType");
  return parts.length === 1 ? (SIMPLE_TYPES[parts[0]!] ?? null) : null;
}

/**
 * One zod field for a constructor parameter, typed by its default (else its annotation). A
 * parameter with a default becomes optional *without* that default: an option the config
 * leaves unset is not passed at all, so the library's own default applies, and so do the
 * data's hints (num_classes, img_size, ...) that an explicit default would override.
 */
export function zodField(p: SignatureParam): { expression: string; note?: string } {
  const annotated = fromAnnotation(p.annotation);
  if (p.default_type === null) return { expression: annotated ?? "z.unknown()", note: `required: ${p.name} has no default in Python` };
  const byDefault: Record<string, string> = { bool: "z.boolean()", int: "z.number().int()", str: "z.string()" };
  let type = byDefault[p.default_type] ?? (p.default_type === "float" && typeof p.default === "number" ? "z.number()" : null) ?? annotated ?? "z.unknown()";
  if (p.default_type === "float" && typeof p.default !== "number") type = annotated ?? "z.unknown()";
  const shown = p.default_type === "NoneType" ? "None" : p.default_type === "str" ? JSON.stringify(p.default) : String(p.default);
  return { expression: `${type}.optional()`, note: `unset: Python's default ${shown}` };
}

const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

/** Parameters that become options: all but the size parameter, *args and **kwargs. */
function optionParams(input: ScaffoldInput): SignatureParam[] {
  return input.signature.filter((p) => p.name !== input.sizeParam && p.kind !== "VAR_POSITIONAL" && p.kind !== "VAR_KEYWORD");
}

export function manifestText(input: ScaffoldInput): string {
  const { name, target, sizeParam } = input;
  const attr = target.split(":")[1]!;
  const fields = optionParams(input).map((p) => {
    if (p.kind === "POSITIONAL_ONLY") return `      // ${p.name}: positional-only, so it cannot be set (workers pass keyword arguments)`;
    const { expression, note } = zodField(p);
    return `      ${key(p.name)}: ${expression},${note ? ` // ${note}` : ""}`;
  });
  const loose = input.signature.some((p) => p.kind === "VAR_KEYWORD") ? ".loose()" : "";
  const options = fields.length > 0 ? `z.object({\n${fields.join("\n")}\n    })${loose}` : `z.object({})${loose}`;
  return `// ${name}: a flops-fit plugin for ${target}, written by \`flops-fit plugins init\`.
// The model is used unchanged: each run calls ${attr}(${sizeParam}=<size>, **options) and flops-fit
// counts the parameters itself. Check it with: flops-fit plan ${input.configPath}
import { definePlugin, z } from "flops-fit";

export default definePlugin({
  name: ${JSON.stringify(name)},
  description: ${JSON.stringify(`${attr} from ${target.split(":")[0]}, sized by ${sizeParam}`)},
  model: {
    target: ${JSON.stringify(target)},
    sizeParam: ${JSON.stringify(sizeParam)},
    // One field per other constructor argument: a config's model.options are checked against
    // these before any Python runs. Options left unset are not passed (the library's default applies).
    options: ${options},
  },
${dataComment(input)}  data: {
    target: ${JSON.stringify(input.dataTarget ?? PLACEHOLDER_DATA_TARGET)},
    options: z.object({}).loose(),
  },
  // loss(outputs, targets); remove it if the model returns its own .loss.
  loss: { target: ${JSON.stringify(DEFAULT_LOSS_TARGET)} },
  flops: "measured",
});
`;
}

/** Where the data's hints go (its own names mapped to the model's), and the placeholder's TODO. */
function dataComment(input: ScaffoldInput): string {
  const lines: string[] = [];
  if ((input.dataTarget ?? PLACEHOLDER_DATA_TARGET) === PLACEHOLDER_DATA_TARGET) {
    lines.push(
      "  // TODO: the data cannot be guessed from the model. This placeholder, the GPT plugin's byte",
      "  // corpus (offline), yields (inputs, targets) as int64 (batch, seq_len) with 256 classes; point",
      "  // the target at your own \"module:Class\" whose batches your model accepts (docs/plugins.md).",
    );
  }
  const hints = Object.entries(input.proposal?.hints ?? {});
  if (hints.length > 0) {
    lines.push(`  // The data's hints reach the model as: ${hints.map(([hint, arg]) => `${hint} -> ${arg ?? "(none: the model takes no such argument)"}`).join(", ")}.`);
  }
  return lines.map((l) => `${l}\n`).join("");
}

/**
 * package.json of a scaffolded plugin folder. `"type": "module"` makes plugin.ts load as an ES
 * module wherever the folder lives: outside an ESM package tsx would compile it to CommonJS,
 * whose `require("flops-fit")` the manifest loader's resolve hook does not see.
 */
export function packageJsonText(name: string): string {
  return JSON.stringify({ name: `flops-fit-plugin-${name}`, private: true, type: "module" }, null, 2) + "\n";
}

/**
 * Candidate sizes for the planner: 24 log-spaced values from 1/8 to 8× the size parameter's
 * default (8 … 512 without one). Fewer, coarser values leave budgets with < 3 sizes near N*.
 */
export function exampleSizeValues(signature: SignatureParam[], sizeParam: string): { min: number; max: number; count: number } {
  const value = signature.find((p) => p.name === sizeParam)?.default;
  if (typeof value !== "number" || value <= 0) return { min: 8, max: 512, count: 24 };
  return { min: Math.max(1, Math.round(value / 8)), max: value * 8, count: 24 };
}

export function sweepConfigText(input: ScaffoldInput): string {
  const env = input.pythonPath ? `PYTHONPATH=${input.pythonPath} ` : "";
  const required = optionParams(input).filter((p) => p.required && p.kind !== "POSITIONAL_ONLY");
  const p = input.proposal;
  const found = p?.multiple_of !== undefined && p.min !== undefined && p.max !== undefined;
  const sizes = found ? `{ min: ${p.min}, max: ${p.max}, count: ${p.count ?? 24}, multiple_of: ${p.multiple_of} }` : (() => {
    const s = exampleSizeValues(input.signature, input.sizeParam);
    return `{ min: ${s.min}, max: ${s.max}, count: ${s.count} }`;
  })();
  const tried = p?.tried ? `all ${p.tried} values tried: ` : "";
  const how = found ? `${tried}${p.checked === "step" ? "each took a training step on the data" : "each built"}` : "not checked";
  const lines = [
    `# Example sweep for the ${input.name} plugin (written by \`flops-fit plugins init\`); paths are relative to this file.`,
    `#   ${env}flops-fit plan ${input.configPath}     # probe the sizes, show the plan`,
    `#   ${env}flops-fit sweep ${input.configPath}    # train every run, fit the scaling laws`,
    `# Only the options you must set are here: every other one keeps ${input.target}'s own default.`,
    `name: ${input.name}`,
    `plugin: .                       # this folder (plugin.ts)`,
    `param_convention: total         # N counts every parameter; non_embedding leaves out embeddings (Kaplan et al. 2020)`,
    ...(required.length > 0 ? ["model:", "  options:", ...required.map((q) => `    ${q.name}: null   # TODO: required by ${input.target} (no default)`)] : []),
    `planning:`,
    `  budgets: [1e11, 3e11, 1e12]   # FLOPs per IsoFLOP curve`,
    `  size_values: ${sizes}   # candidate ${input.sizeParam} values (${how})`,
    // The constraint that set multiple_of, so a user who changes it knows what breaks.
    ...(found && p.constraint ? [`  # multiple_of ${p.multiple_of}: ${p.constraint.split("\n")[0]}`] : []),
  ];
  return lines.join("\n") + "\n";
}

/** Problems with the scaffold the user should hear about. */
export function scaffoldWarnings(input: ScaffoldInput): string[] {
  const warnings: string[] = [];
  const size = input.signature.find((p) => p.name === input.sizeParam);
  if (size?.kind === "POSITIONAL_ONLY") warnings.push(`the size parameter ${input.sizeParam} is positional-only: workers pass it by name, so wrap ${input.target} in a function that takes it by keyword`);
  if (input.pythonPath) warnings.push(`workers import ${input.target.split(":")[0]} from ${input.pythonPath}: run sweeps with PYTHONPATH=${input.pythonPath}, or move the module into the plugin folder`);
  if ((input.dataTarget ?? PLACEHOLDER_DATA_TARGET) === PLACEHOLDER_DATA_TARGET) warnings.push(`the data target is a placeholder (${PLACEHOLDER_DATA_TARGET}): edit it in plugin.ts, or pass --data`);
  const placeholder = (input.dataTarget ?? PLACEHOLDER_DATA_TARGET) === PLACEHOLDER_DATA_TARGET;
  for (const [hint, arg] of placeholder ? [] : Object.entries(input.proposal?.hints ?? {})) {
    if (arg === null) warnings.push(`the data's hint ${hint} matches no argument of ${input.target}: set the model's own option for it`);
  }
  if (input.proposal?.error) warnings.push(`no size step found by building the model: ${input.proposal.error}`);
  for (const note of input.proposal?.notes ?? []) warnings.push(note);
  return warnings;
}
