import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SweepConfig } from "../../src/config/schema.js";
import { UserError } from "../../src/errors/user-error.js";
import { fitRows } from "../../src/fit/fit-rows.js";
import { readFitInput } from "../../src/fit/fit-input.js";
import { readJournal } from "../../src/store/journal.js";
import type { ResultRecord } from "../../src/store/record.js";
import { latestPerExperiment, selectRecords } from "../../src/store/record-selection.js";
import { checkDefinition, recordDefinition, readRunDefinitions, selectRunRecords } from "../../src/store/run-definitions.js";
import { RunDir } from "../../src/store/run-dir.js";
import { definitionDifferences, definitionFingerprint, sweepDefinition, type SweepDefinition } from "../../src/store/sweep-definition.js";

const config = SweepConfig.parse({ planning: { budgets: [1e11] } });
const plugin = {
  name: "gpt",
  model: { target: "plugins.gpt.model:GPT", size_param: "d_model", options: { n_layers: 2, n_heads: 4 } },
  data: { target: "plugins.gpt.data:ByteCorpus", options: { seq_len: 128 } },
  loss: { target: "flops_fit_worker.losses:next_token_cross_entropy" },
};
const surface = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28, noise: 0.001, delay_s: 0 };
const real = sweepDefinition({ config, plugin, mock: null, flops: "measured" });
const mock = sweepDefinition({ config, plugin, mock: surface, flops: "6nd" });

function record(id: string, fingerprint: string | undefined, extra: Partial<ResultRecord> = {}): ResultRecord {
  return {
    experiment_id: id, attempt: 1, status: "completed", budget_flops: 1e12, size_value: 64, n_params: 1e5, n_params_embedding: 1e4,
    n_params_non_embedding: 9e4, n_tokens: 1.6e6, n_tokens_planned: 1.6e6, flops_6nd: 9.6e11, flops_measured: 1e12, loss: 2.5,
    train_loss: 2.6, wall_s: 3, error: null, finished_at: "2026-01-01T00:00:00Z", ...(fingerprint ? { fingerprint } : {}), ...extra,
  };
}

/** A run directory whose config.json names `current` and whose journal holds `records`. */
function runDir(current: SweepDefinition | null, records: ResultRecord[], legacyConfig?: object): RunDir {
  const dir = new RunDir(mkdtempSync(join(tmpdir(), "ff-def-")));
  dir.create();
  if (legacyConfig) writeFileSync(dir.config, JSON.stringify(legacyConfig));
  else if (current) writeFileSync(dir.config, JSON.stringify({ ...config, fingerprint: definitionFingerprint(current), definition: current }));
  writeFileSync(dir.results, records.map((r) => JSON.stringify(r) + "\n").join(""));
  return dir;
}

describe("sweep definitions", () => {
  it("the fingerprint ignores key order and the settings that change speed only", () => {
    const reordered = sweepDefinition({ config, plugin: { ...plugin, model: { options: { n_heads: 4, n_layers: 2 }, size_param: "d_model", target: "plugins.gpt.model:GPT" } }, mock: null, flops: "measured" });
    expect(definitionFingerprint(reordered)).toBe(definitionFingerprint(real));
    const slower = SweepConfig.parse({ planning: { budgets: [1e11, 1e12] }, training: { threads: 1, checkpoint_interval_s: 5 }, seed: 3 });
    expect(definitionFingerprint(sweepDefinition({ config: slower, plugin, mock: null, flops: "measured" }))).toBe(definitionFingerprint(real));
    const delayed = sweepDefinition({ config, plugin, mock: { ...surface, delay_s: 2 }, flops: "6nd" });
    expect(definitionFingerprint(delayed)).toBe(definitionFingerprint(mock));
  });

  it("changes with the mock surface, the plugin's options or the training recipe, and says how", () => {
    expect(definitionFingerprint(mock)).not.toBe(definitionFingerprint(real));
    const otherLr = sweepDefinition({ config: SweepConfig.parse({ planning: { budgets: [1e11] }, training: { lr_reference: 1e-3 } }), plugin, mock: null, flops: "measured" });
    expect(definitionDifferences(real, otherLr)).toEqual(["training.lr_reference: 0.003 → 0.001"]);
    expect(definitionDifferences(mock, real)).toEqual([
      'flops: "6nd" → "measured"',
      'mock: {"A":406.4,"B":410.7,"E":1.69,"alpha":0.34,"beta":0.28,"noise":0.001} → none (real training)',
    ]);
    const deeper = sweepDefinition({ config, plugin: { ...plugin, model: { ...plugin.model, options: { n_layers: 8, n_heads: 4 } } }, mock: null, flops: "measured" });
    expect(definitionDifferences(real, deeper)).toEqual(["model.options.n_layers: 2 → 8"]);
  });
});

describe("checkDefinition", () => {
  const fp = (d: SweepDefinition) => definitionFingerprint(d);

  it("refuses a sweep into a directory holding another definition, with what differs and how to proceed", () => {
    const dir = runDir(mock, [record("a", fp(mock)), record("b", fp(mock))]);
    let error: unknown;
    try {
      checkDefinition(dir, readJournal(dir.results).records, real, false);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: "definition_mismatch", exitCode: 2 });
    const message = (error as Error).message;
    expect(message).toContain(`holds 2 records of another sweep definition (fingerprint ${fp(mock)}; this config's is ${fp(real)})`);
    expect(message).toContain("mock: {");
    expect(message).toMatch(/--out DIR.*--extend/s);
  });

  it("accepts the same definition, an empty directory, and another definition under --extend (with a note)", () => {
    expect(checkDefinition(runDir(real, [record("a", fp(real))]), [record("a", fp(real))], real, false).notes).toEqual([]);
    expect(checkDefinition(runDir(mock, []), [], real, false).notes).toEqual([]);
    const extended = checkDefinition(runDir(mock, []), [record("a", fp(mock))], real, true);
    expect(extended.notes.join()).toMatch(/--extend: .* now holds a second sweep definition/);
  });

  it("treats a directory written before definitions were recorded as config.json's definition", () => {
    const legacy = { ...config, resolved_plugin: plugin, mock_enabled: true, mock: surface };
    const dir = runDir(null, [record("a", undefined)], legacy);
    expect(readRunDefinitions(dir).current?.fingerprint).toBe(fp(mock));
    expect(checkDefinition(dir, [record("a", undefined)], mock, false).notes).toEqual([]);
    expect(() => checkDefinition(dir, [record("a", undefined)], real, false)).toThrow(/another sweep definition/);
    // Once a sweep records definitions.json, unmarked records keep their definition.
    recordDefinition(dir, readRunDefinitions(dir), mock);
    writeFileSync(dir.config, JSON.stringify({ ...config, fingerprint: fp(mock), definition: mock }));
    expect(selectRunRecords(dir, [record("a", undefined), record("b", fp(mock))]).final.map((r) => r.experiment_id)).toEqual(["a", "b"]);
  });
});

describe("which records count", () => {
  it("per experiment the latest completed attempt wins; a later failed attempt does not displace it", () => {
    const records = [
      record("a", "f", { attempt: 1, loss: 3.0 }),
      record("a", "f", { attempt: 2, loss: 2.9 }),
      record("b", "f", { attempt: 1, loss: 2.0 }),
      record("b", "f", { attempt: 2, status: "failed", loss: null }),
      record("c", "f", { attempt: 1, status: "failed", loss: null }),
      record("c", "f", { attempt: 2, status: "cancelled", loss: null }),
    ];
    const final = new Map(latestPerExperiment(records).map((r) => [r.experiment_id, r]));
    expect(final.get("a")).toMatchObject({ attempt: 2, loss: 2.9 });
    expect(final.get("b")).toMatchObject({ attempt: 1, status: "completed" });
    expect(final.get("c")).toMatchObject({ attempt: 2, status: "cancelled" });
  });

  it("reports completed records of one experiment that disagree, and re-runs that agree", () => {
    const selection = selectRecords([
      record("a", "f", { attempt: 1, loss: 3.0 }),
      record("b", "f", { attempt: 1, loss: 2.0 }),
      record("a", "f", { attempt: 4, loss: 2.9 }),
      record("b", "f", { attempt: 2, loss: 2.0 }),
    ]);
    expect(selection.reruns.map((r) => [r.experiment_id, r.disagree])).toEqual([["a", true], ["b", false]]);
    expect(selection.notes).toContain("experiment a has 2 completed records that disagree (attempt 1: loss 3.00000, attempt 4: loss 2.90000); the latest, attempt 4, is used");
    expect(selection.notes).toContain("1 experiment re-run with the same result; the latest attempt of each is used");
  });

  it("fit of a run directory fits its current definition only and lists the other definition's runs as left out", () => {
    const fpMock = definitionFingerprint(mock);
    const fpReal = definitionFingerprint(real);
    const records = [
      ...["m1", "m2", "m3"].map((id) => record(id, fpMock)),
      ...["r1", "r2"].map((id) => record(id, fpReal)),
    ];
    const dir = runDir(real, records);
    recordDefinition(dir, readRunDefinitions(dir), mock);
    const input = readFitInput(dir.root);
    expect(input.rows.filter((r) => !r.left_out).map((r) => r.experiment_id)).toEqual(["r1", "r2"]);
    expect(input.rows.filter((r) => r.left_out).map((r) => r.experiment_id)).toEqual(["m1", "m2", "m3"]);
    expect(input.notes[0]).toBe(`3 experiments of another sweep definition in this directory left out (fingerprint ${fpMock}: differs in flops, mock); fitted: the current definition (${fpReal}) only`);
    const fit = fitRows(input.rows, { approaches: [1], paramConvention: "total" }, input.notes);
    expect(fit.left_out).toHaveLength(3);
    expect(fit.warnings.slice(0, 2)).toEqual([input.notes[0], "3 runs left out of the fit (3 of another sweep definition); see left_out"]);
    // A results.jsonl inside the run directory reads the same way.
    expect(readFitInput(dir.results).rows.filter((r) => !r.left_out)).toHaveLength(2);
  });
});
