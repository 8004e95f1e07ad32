import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors/user-error.js";
import { Journal, readJournal } from "../../src/store/journal.js";
import type { ResultRecord } from "../../src/store/record.js";
import { canonicalJson, experimentId } from "../../src/store/experiment-id.js";

function record(id: string, attempt = 1): ResultRecord {
  return {
    experiment_id: id, attempt, status: "completed", budget_flops: 1e12, size_value: 64, n_params: 1e5, n_params_embedding: 1e4,
    n_params_non_embedding: 9e4, n_tokens: 1.6e6, n_tokens_planned: 1.6e6, flops_6nd: 9.6e11, flops_measured: 1e12, loss: 2.5,
    train_loss: 2.6, wall_s: 3, error: null, finished_at: "2026-01-01T00:00:00Z",
  };
}

const fresh = () => join(mkdtempSync(join(tmpdir(), "ff-journal-")), "results.jsonl");

describe("Journal", () => {
  it("appends one line per attempt and reads them back", () => {
    const file = fresh();
    const journal = new Journal(file);
    journal.append(record("a"));
    journal.append(record("b"));
    journal.close();
    expect(readFileSync(file, "utf8").split("\n").filter(Boolean)).toHaveLength(2);
    expect(readJournal(file).records.map((r) => r.experiment_id)).toEqual(["a", "b"]);
  });

  it("tolerates a torn last line and truncates it before appending", () => {
    const file = fresh();
    writeFileSync(file, JSON.stringify(record("a")) + "\n" + JSON.stringify(record("b")).slice(0, 40));
    expect(readJournal(file)).toMatchObject({ tornTail: true, records: [{ experiment_id: "a" }] });
    const journal = new Journal(file);
    expect(journal.repairedTornLine).toBe(true);
    journal.append(record("c"));
    journal.close();
    expect(readJournal(file).records.map((r) => r.experiment_id)).toEqual(["a", "c"]);
  });

  it("reports a corrupt line in the middle with its line number", () => {
    const file = fresh();
    writeFileSync(file, JSON.stringify(record("a")) + "\n{oops\n" + JSON.stringify(record("b")) + "\n");
    expect(() => readJournal(file)).toThrow(UserError);
    expect(() => readJournal(file)).toThrow(/results\.jsonl:2: corrupt results line/);
  });

  it("reports a record missing a required field with line and field", () => {
    const file = fresh();
    const { status: _status, ...partial } = record("a");
    appendFileSync(file, JSON.stringify(partial) + "\n");
    expect(() => readJournal(file)).toThrow(/results\.jsonl:1: invalid results record: status/);
  });
});

describe("experimentId", () => {
  it("ignores key order and changes with any value", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(experimentId({ a: 1, b: 2 })).toBe(experimentId({ b: 2, a: 1 }));
    expect(experimentId({ a: 1, b: 2 })).not.toBe(experimentId({ a: 1, b: 3 }));
  });
});
