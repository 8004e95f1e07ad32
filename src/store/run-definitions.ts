/**
 * The sweep definitions of a run directory. config.json names the current one
 * (`fingerprint`, `definition`); definitions.json keeps every definition ever recorded
 * there, so a refusal or a left-out note can say what differs. Records written before
 * records carried a fingerprint belong to the `unmarked` definition: the one config.json
 * described when a sweep first met them.
 */
import { UserError } from "../errors/user-error.js";
import type { ResultRecord } from "./record.js";
import { canonicalJson } from "./experiment-id.js";
import { UNMARKED, selectRecords, type RecordSelection } from "./record-selection.js";
import type { RunConfigFile } from "./run-dir-entries.js";
import type { RunDir } from "./run-dir.js";
import { definitionDifferences, definitionFingerprint, differingParts, sweepDefinition, type SweepDefinition } from "./sweep-definition.js";

export interface RunDefinitions {
  /** The directory's current definition (config.json), when known. */
  current: { fingerprint: string; definition: SweepDefinition | null } | null;
  /** Every definition recorded here, by fingerprint. */
  known: Map<string, SweepDefinition>;
  /** The definition of records that carry no fingerprint. */
  unmarked: string | null;
}

/** The definition a config.json written before definitions were recorded describes, if it can be rebuilt. */
function legacyDefinition(config: RunConfigFile): SweepDefinition | null {
  const plugin = config.resolved_plugin;
  const training = config.training;
  if (!plugin || typeof plugin.name !== "string" || !plugin.model || !plugin.data || !training) return null;
  const mock = config.mock_enabled === true ? (config.mock as never) : null;
  const flops = mock ? "6nd" : config.flops === "6nd" ? "6nd" : "measured";
  return sweepDefinition({ config: { training: training as never }, plugin: plugin as never, mock, flops });
}

export function readRunDefinitions(runDir: RunDir): RunDefinitions {
  const config = runDir.read("config");
  const file = runDir.read("definitions");
  const known = new Map<string, SweepDefinition>();
  for (const [fingerprint, entry] of Object.entries(file?.definitions ?? {})) known.set(fingerprint, entry.definition);
  let current: RunDefinitions["current"] = null;
  let unmarked = file?.unmarked ?? null;
  if (config && typeof config.fingerprint === "string") {
    const definition = config.definition ?? known.get(config.fingerprint) ?? null;
    current = { fingerprint: config.fingerprint, definition };
  } else if (config) {
    // Written before definitions were recorded: its records are config.json's definition.
    const definition = legacyDefinition(config);
    if (definition) {
      const fingerprint = definitionFingerprint(definition);
      current = { fingerprint, definition };
      unmarked ??= fingerprint;
    }
  }
  if (current?.definition) known.set(current.fingerprint, current.definition);
  return { current, known, unmarked };
}

export function fingerprintOf(definitions: RunDefinitions): (record: ResultRecord) => string {
  return (record) => record.fingerprint ?? definitions.unmarked ?? UNMARKED;
}

/** "differs in mock, training" (or nothing when either definition is unknown). */
function describeAgainst(definitions: RunDefinitions): (fingerprint: string) => string {
  return (fingerprint) => {
    const other = definitions.known.get(fingerprint);
    const mine = definitions.current?.definition;
    if (!other || !mine) return fingerprint === UNMARKED ? "recorded before definitions were tracked" : "";
    return `differs in ${differingParts(mine, other).join(", ")}`;
  };
}

/** The records a reader of this run directory fits and draws: its current definition's. */
export function selectRunRecords(runDir: RunDir, records: readonly ResultRecord[]): RecordSelection {
  const definitions = readRunDefinitions(runDir);
  const fingerprint = fingerprintOf(definitions);
  const current = definitions.current?.fingerprint ?? (records.length > 0 ? fingerprint(records[records.length - 1]!) : null);
  return selectRecords(records, { current, fingerprintOf: fingerprint, describe: describeAgainst(definitions) });
}

export interface DefinitionCheck {
  /** What the sweep should say (extending a directory). */
  notes: string[];
  definitions: RunDefinitions;
}

/**
 * Refuses (UserError, exit 2) a sweep whose definition differs from the one the run
 * directory's records belong to, saying what differs and how to proceed, unless `extend`.
 */
export function checkDefinition(runDir: RunDir, records: readonly ResultRecord[], definition: SweepDefinition, extend: boolean): DefinitionCheck {
  const definitions = readRunDefinitions(runDir);
  const fingerprint = definitionFingerprint(definition);
  const of = fingerprintOf(definitions);
  const recorded = new Set(records.map(of));
  // Nothing recorded under another definition, or this directory already moved to this one.
  if ([...recorded].every((f) => f === fingerprint) || definitions.current?.fingerprint === fingerprint) return { notes: [], definitions };
  const current = definitions.current?.fingerprint;
  const theirs = current && recorded.has(current) ? current : of([...records].reverse().find((r) => of(r) !== fingerprint)!);
  const count = records.filter((r) => of(r) === theirs).length;
  const previous = definitions.known.get(theirs) ?? null;
  const differences = previous ? definitionDifferences(previous, definition) : [];
  if (extend) {
    return {
      definitions,
      notes: [`--extend: ${runDir.root} now holds a second sweep definition (${fingerprint}); its ${count} earlier record${count === 1 ? "" : "s"} (${theirs}) stay, and fit and report leave them out`],
    };
  }
  const what = differences.length > 0
    ? `; this config differs in:\n${differences.slice(0, 12).map((d) => `  ${d}`).join("\n")}${differences.length > 12 ? `\n  … and ${differences.length - 12} more` : ""}`
    : " (its definition was not recorded)";
  throw new UserError(
    `${runDir.root} holds ${count} record${count === 1 ? "" : "s"} of another sweep definition (fingerprint ${theirs}; this config's is ${fingerprint})${what}\n` +
      `Fitting both together would mix incomparable runs. Give this sweep its own directory (--out DIR), ` +
      `or pass --extend to add it here (fit and report then use this definition and list the earlier runs as left out).`,
    "definition_mismatch",
    { file: runDir.root },
  );
}

/** Records the definition in definitions.json (config.json is written by the sweep). */
export function recordDefinition(runDir: RunDir, definitions: RunDefinitions, definition: SweepDefinition): void {
  const before = runDir.read("definitions");
  const entries = { ...before?.definitions };
  for (const [fingerprint, known] of definitions.known) entries[fingerprint] ??= { definition: known, first_recorded_at: null };
  entries[definitionFingerprint(definition)] ??= { definition, first_recorded_at: new Date().toISOString() };
  const after = { definitions: entries, ...(definitions.unmarked ? { unmarked: definitions.unmarked } : {}) };
  if (canonicalJson(after) !== canonicalJson(before)) runDir.write("definitions", after);
}
