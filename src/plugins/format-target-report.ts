/** `plugins inspect`'s human output: the signature, the counts and how the model was built for them, the sizes it accepts. */
import { renderTable } from "../util/table.js";
import { SIZE_PARAM_NAMES, type SignatureParam, type TargetReport } from "./inspect-target.js";

const count = (n: number) => n.toLocaleString("en-US");

/** A default as Python would write it (`None`, `True`, `'relu'`, `1.0`); other objects show their repr. */
function pythonLiteral(p: SignatureParam): string {
  const value = p.default;
  if (value === null) return p.default_type === "NoneType" ? "None" : "";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (p.default_type === "str") return JSON.stringify(value);
  if (p.default_type === "float" && Number.isInteger(value)) return `${value}.0`;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** How the counts were built: as a sweep builds the model (the data's hints, the options), or at the factory's own defaults. */
export function builtAs(report: Pick<TargetReport, "source" | "data" | "hints" | "options">): string {
  const options = Object.keys(report.options).length > 0 ? `options ${JSON.stringify(report.options)}` : "no options";
  if (report.data === null) {
    return `counted at the factory's own defaults with ${options}: no data given (inspect a plugin or a sweep config to count the model a sweep trains, with its data's hints)`;
  }
  const hints = Object.entries(report.hints).map(([hint, { value, argument }]) => argument ? `${hint}=${JSON.stringify(value)} → ${argument}` : `${hint}=${JSON.stringify(value)} (not taken)`);
  const from = { config: "this config", plugin: "this plugin", target: "the given data" }[report.source];
  return `counted as a sweep of ${from} builds it: data ${report.data}${hints.length > 0 ? ` gives ${hints.join(", ")}` : " (no hints)"}; ${options}`;
}

/** Human output of `plugins inspect`. */
export function formatTargetReport(report: TargetReport): string {
  const rows = report.signature.map((p) => [
    p.name === report.size_param ? `${p.name} (size)` : p.name,
    p.kind.toLowerCase(),
    p.required ? "required" : pythonLiteral(p),
    p.annotation ?? "",
  ]);
  const lines = [`${report.target}  ${report.kind}${report.module_file ? `  ${report.module_file}` : ""}`, `  ${report.text}`, "", renderTable(["parameter", "kind", "default", "annotation"], rows), ""];
  if (report.size_param === null) {
    lines.push(`no size parameter found (looked for ${SIZE_PARAM_NAMES.join(", ")}): pass --size-param NAME to count parameters`);
  } else {
    const how = { flag: "from --size-param", manifest: "from the plugin manifest", guess: "guessed; choose another with --size-param" }[report.size_param_source ?? "guess"];
    lines.push(`size parameter: ${report.size_param} (${how})`);
    if (report.counts.length > 0) {
      lines.push("", renderTable([report.size_param, "n_params", "embedding", "non_embedding"], report.counts.map((r) => [String(r.size), count(r.n_params), count(r.n_params_embedding), count(r.n_params_non_embedding)])));
      lines.push(builtAs(report));
    }
    if (report.skipped.length > 0) lines.push(`not built (over --max-params ${report.max_params.toExponential(1)}): ${report.size_param} = ${report.skipped.join(", ")}`);
    const p = report.proposal;
    if (p?.multiple_of !== undefined) {
      lines.push(`sizes it accepts: multiples of ${p.multiple_of} (${p.tried ?? "each"} proposed value${p.tried === 1 ? "" : "s"} tried: ${p.checked === "step" ? "each took a training step on the data" : "each built"}); suggested size_values: { min: ${p.min}, max: ${p.max}, count: ${p.count}, multiple_of: ${p.multiple_of} }`);
      if (p.constraint) lines.push(`constraint found by building: ${p.constraint}`);
    }
    else if (p?.error) lines.push(`no size step found: ${p.error}`);
    for (const note of p?.notes ?? []) lines.push(`note: ${note}`);
  }
  return lines.join("\n");
}
