/**
 * Reads a sweep config from YAML, validates it with zod, and reports every problem with
 * its file:line:column and field path (exit code 2 through UserError).
 */
import { readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LineCounter, isMap, isNode, parseDocument, visit, type Document } from "yaml";
import { z } from "zod";
import { UserError } from "../errors/user-error.js";
import { SweepConfig } from "./schema.js";
import { formatPath, locateIssues, type Locate, type LocatedIssue, type PathSegment } from "./zod-issues.js";

/** The project root (holds configs/, plugins/, py_runtime/). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const QUICKSTART_CONFIG = join(PROJECT_ROOT, "configs", "quickstart.yaml");

export interface LoadedConfig {
  config: SweepConfig;
  /** Absolute path of the YAML file. */
  file: string;
  /** Folder of the YAML file: relative paths in the config resolve against it. */
  baseDir: string;
  /** YAML line:column of a field path, for errors found after schema validation. */
  locate?: Locate;
}

export class ConfigError extends UserError {
  constructor(readonly file: string, readonly issues: LocatedIssue[]) {
    const lines = issues.map((issue) => {
      const where = issue.line !== undefined ? `${file}:${issue.line}:${issue.column}` : file;
      return `  ${where}  ${issue.field}: ${issue.message}`;
    });
    super(`invalid config (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`, "invalid_config", {
      file,
      line: issues[0]?.line,
      column: issues[0]?.column,
      field: issues[0]?.field,
    });
  }
}

/** Keys a strict object accepts at `path` (walking through defaults/optionals/pipes). */
function knownKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let current: z.core.$ZodType | undefined = schema;
  const unwrap = (type: z.core.$ZodType | undefined): z.core.$ZodType | undefined => {
    let t = type;
    for (let i = 0; i < 10 && t; i++) {
      const def = t._zod.def as unknown as { innerType?: z.core.$ZodType; in?: z.core.$ZodType; options?: z.core.$ZodType[] };
      if (def.innerType) t = def.innerType;
      else if (def.in) t = def.in;
      else if (def.options) t = def.options.find((o) => (o._zod.def as { shape?: unknown }).shape) ?? def.options[0];
      else break;
    }
    return t;
  };
  for (const segment of path) {
    current = unwrap(current);
    const shape = (current?._zod.def as { shape?: Record<string, z.core.$ZodType> } | undefined)?.shape;
    current = shape && typeof segment === "string" ? shape[segment] : undefined;
  }
  const shape = (unwrap(current)?._zod.def as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

function parseYaml(text: string, file: string): { value: unknown; document: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const issues = document.errors.map((error) => {
      const pos = lines.linePos(error.pos[0]);
      return { field: "(yaml)", message: error.message.split("\n")[0] ?? "YAML syntax error", line: pos.line, column: pos.col };
    });
    throw new ConfigError(file, issues);
  }
  let value: unknown;
  try {
    value = document.toJS();
  } catch (error) {
    // yaml refuses aliases that expand beyond a limit (a "billion laughs" document).
    let first: number | undefined;
    visit(document, { Alias: (_key, node) => { first ??= node.range?.[0]; return first === undefined ? undefined : visit.BREAK; } });
    const pos = lines.linePos(first ?? 0);
    const reason = /alias/i.test((error as Error).message) ? "aliases expand to too many nodes (an alias bomb?); write the values out instead" : (error as Error).message;
    throw new ConfigError(file, [{ field: "(yaml)", message: reason, line: pos.line, column: pos.col }]);
  }
  return { value: value ?? {}, document, lines };
}

/** Maps a field path to the line:column of its key (or nearest existing parent) in the YAML. */
export function yamlLocator(document: Document, lines: LineCounter): Locate {
  return (path: readonly PathSegment[]) => {
    // Walk up the path until a node exists (a missing key is reported at its parent).
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) {
        // For a map entry, point at the key rather than the value.
        let offset = node.range[0];
        if (depth > 0) {
          const parent = depth === 1 ? document.contents : document.getIn(path.slice(0, depth - 1) as unknown[], true);
          if (isMap(parent)) {
            const pair = parent.items.find((item) => isNode(item.key) && (item.key as { value?: unknown }).value === path[depth - 1]);
            if (pair && isNode(pair.key) && pair.key.range && depth === path.length) offset = pair.key.range[0];
          }
        }
        const pos = lines.linePos(offset);
        return { line: pos.line, column: pos.col };
      }
    }
    return undefined;
  };
}

/** Validates an already-parsed value, locating issues in `document` when given. */
export function validateConfig(value: unknown, file: string, document?: Document, lines?: LineCounter): SweepConfig {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(file, [{ field: "(top level)", message: "a config must be a YAML mapping of keys to values", line: 1, column: 1 }]);
  }
  const result = SweepConfig.safeParse(value);
  if (result.success) return result.data;
  const locate = document && lines ? yamlLocator(document, lines) : () => undefined;
  const valueAt = (path: readonly PathSegment[]): unknown => {
    let current: unknown = value;
    for (const segment of path) current = current && typeof current === "object" ? (current as Record<PropertyKey, unknown>)[segment] : undefined;
    return current;
  };
  throw new ConfigError(file, locateIssues(result.error.issues, locate, (path) => knownKeysAt(SweepConfig, path), valueAt));
}

export function loadConfig(path?: string): LoadedConfig {
  const file = resolve(path ?? QUICKSTART_CONFIG);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new UserError(`cannot read config ${file}: ${reason}`, "config_not_found", { file });
  }
  const { value, document, lines } = parseYaml(text, file);
  const config = validateConfig(value, file, document, lines);
  config.name ??= basename(file).replace(/\.ya?ml$/i, "");
  // Like every path in a config, a relative `python:` path is the config's folder's, not the
  // installation's; a bare command (python3) is looked up on PATH.
  if (config.python && /[/\\]/.test(config.python) && !isAbsolute(config.python)) config.python = resolve(dirname(file), config.python);
  return { config, file, baseDir: dirname(file), locate: yamlLocator(document, lines) };
}

export { formatPath };
