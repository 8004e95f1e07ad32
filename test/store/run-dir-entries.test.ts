/**
 * The run directory as one typed store: every entry reads through its schema, a damaged file
 * is named (and its field), a record's WSD part is declared, and records written by another
 * flops-fit (keys this one does not know) still read.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors/user-error.js";
import { Journal } from "../../src/store/journal.js";
import { RunDir } from "../../src/store/run-dir.js";

const fresh = () => new RunDir(mkdtempSync(join(tmpdir(), "ff-store-")));

const line = {
  experiment_id: "abc", attempt: 1, status: "completed", budget_flops: 1e12, size_value: 64, n_params: 1e5, n_params_embedding: 1e4,
  n_params_non_embedding: 9e4, n_tokens: 1.6e6, n_tokens_planned: 1.6e6, flops_6nd: 9.6e11, flops_measured: 1e12, loss: 2.5,
  train_loss: 2.6, wall_s: 3, error: null, finished_at: "2026-01-01T00:00:00Z",
};

describe("results.jsonl records", () => {
  it("an older record with keys this version does not know reads, without them", () => {
    const dir = fresh();
    writeFileSync(dir.results, JSON.stringify({ ...line, gpu_hours: 0.2, notes: { by: "an older flops-fit" } }) + "\n");
    const [record] = dir.records("results");
    expect(record).toMatchObject({ experiment_id: "abc", loss: 2.5 });
    expect(record).not.toHaveProperty("gpu_hours");
    expect(record).not.toHaveProperty("notes");
  });

  it("a WSD branch and a trunk attempt keep their declared parts", () => {
    const dir = fresh();
    const branch = { ...line, schedule: "wsd", trunk_id: "trunk-0123456789ab", branch_step: 80, branch_tokens: 1.28e6, train_flops: 2e11 };
    const trunk = { ...line, experiment_id: "trunk-0123456789ab", loss: null, role: "trunk", schedule: "wsd", trunk_id: "trunk-0123456789ab", branch_steps: [40, 80], train_flops: null };
    writeFileSync(dir.results, JSON.stringify(branch) + "\n");
    writeFileSync(dir.trunks, JSON.stringify(trunk) + "\n");
    expect(dir.records("results")).toEqual([branch]);
    expect(dir.records("trunks")).toEqual([trunk]);
  });

  it("a journal counts the attempts recorded so far, those it held and those appended", () => {
    const dir = fresh();
    writeFileSync(dir.results, JSON.stringify({ ...line, attempt: 2 }) + "\n");
    const journal = dir.journal("results");
    journal.append({ ...line, experiment_id: "def", status: "failed", loss: null } as never);
    expect([journal.lastAttempt("abc"), journal.lastAttempt("def"), journal.lastAttempt("ghi")]).toEqual([2, 1, 0]);
    expect(journal.appended.map((r) => r.experiment_id)).toEqual(["def"]);
    journal.close();
    expect(new Journal(dir.results).all.map((r) => r.experiment_id)).toEqual(["abc", "def"]);
  });
});

describe("the JSON entries", () => {
  it("read back what was written, typed by their schemas; an absent one is null", () => {
    const dir = fresh();
    expect(dir.read("plan")).toBeNull();
    const plan = { budgets: [], warnings: ["w"], experiments: [{ experiment_id: "abc", budget_flops: 1e12, n_tokens: 1e6, n_params_total: 1e5 }], refinements: [] };
    dir.write("plan", plan);
    expect(dir.read("plan")).toEqual(plan);
  });

  it("a file that is not JSON, or not what its schema says, is named with the field (and what to do about it)", () => {
    const dir = fresh();
    writeFileSync(dir.file("environment"), "{ not json");
    expect(() => dir.read("environment")).toThrow(UserError);
    expect(() => dir.read("environment")).toThrow(`${dir.file("environment")}: not valid JSON (`);
    writeFileSync(dir.file("calibration"), JSON.stringify({ fingerprint: "abc", rule: { c: "high" } }));
    expect(() => dir.read("calibration")).toThrow(
      `${dir.file("calibration")}: not a calibration record (expected JSON with fingerprint and rule {c, k}) (rule.c: Invalid input: expected number, received string); restore it, or sweep into a new --out directory`,
    );
    writeFileSync(dir.fit, JSON.stringify({ approaches: {} }));
    expect(dir.inspect("fit")).toEqual({ problem: expect.stringMatching(/fit\.json: not a fit of this version \(/) });
  });

  it("config.json keeps the whole resolved config for the report, its identifying fields typed", () => {
    const dir = fresh();
    dir.write("config", { name: "q", fingerprint: "0123456789ab", planning: { budgets: [1e12] }, resolved_plugin: { name: "gpt", sysPath: ["/x"] } });
    expect(dir.read("config")).toEqual({ name: "q", fingerprint: "0123456789ab", planning: { budgets: [1e12] }, resolved_plugin: { name: "gpt", sysPath: ["/x"] } });
  });
});
