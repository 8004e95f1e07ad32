import { appendFileSync, fsyncSync, ftruncateSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors/user-error.js";
import { writeFileAtomic } from "../../src/store/atomic-write.js";
import { Journal, readJournal, type JournalIo } from "../../src/store/journal.js";
import { WriteFailure } from "../../src/store/write-failure.js";
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

/** Real file operations, except that writes stop after `budget` bytes with ENOSPC (a full disk). */
function fullDisk(budget: number, calls: string[] = []): JournalIo {
  let left = budget;
  return {
    write: (fd, buffer, offset, length) => {
      calls.push(`write ${length}`);
      if (left <= 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      const n = Math.min(left, length);
      left -= n;
      return writeSync(fd, buffer, offset, n);
    },
    fsync: (fd) => fsyncSync(fd),
    truncate: (fd, length) => {
      calls.push(`truncate ${length}`);
      ftruncateSync(fd, length);
    },
  };
}

describe("Journal on a full disk", () => {
  it("a short write is cut back to the last whole record and reported as ENOSPC naming the file", () => {
    const file = fresh();
    const setup = new Journal(file);
    setup.append(record("a"));
    setup.close();
    const before = readFileSync(file);
    const calls: string[] = [];
    const journal = new Journal(file, fullDisk(25, calls));
    let error: unknown;
    try {
      journal.append(record("b"));
    } catch (caught) {
      error = caught;
    }
    journal.close();
    expect(error).toBeInstanceOf(WriteFailure);
    expect((error as WriteFailure).message).toContain(file);
    expect((error as WriteFailure).message).toMatch(/no space left on device \(ENOSPC\).*b \(attempt 1\) was not recorded.*cut back/);
    expect(calls).toContain(`truncate ${before.length}`);
    expect(readFileSync(file)).toEqual(before);
    expect(readJournal(file)).toMatchObject({ tornTail: false, records: [{ experiment_id: "a" }] });
  });

  it("refuses every append after a failed one, so no later record lands after a gap", () => {
    const file = fresh();
    const journal = new Journal(file, fullDisk(0));
    expect(() => journal.append(record("a"))).toThrow(WriteFailure);
    expect(() => journal.append(record("b"))).toThrow(/ENOSPC/);
    journal.close();
    expect(readFileSync(file, "utf8")).toBe("");
  });

  it("a write that returns fewer bytes than asked is completed by the next writes", () => {
    const file = fresh();
    const chunked: JournalIo = { write: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, Math.min(7, length)), fsync: fsyncSync, truncate: ftruncateSync };
    const journal = new Journal(file, chunked);
    journal.append(record("a"));
    journal.append(record("b"));
    journal.close();
    expect(readJournal(file).records.map((r) => r.experiment_id)).toEqual(["a", "b"]);
  });

  it("a failing fsync also cuts the line back: a record is kept only once it is durable", () => {
    const file = fresh();
    const io: JournalIo = { write: (fd, b, o, l) => writeSync(fd, b, o, l), fsync: () => { throw Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" }); }, truncate: ftruncateSync };
    const journal = new Journal(file, io);
    expect(() => journal.append(record("a"))).toThrow(/input\/output error \(EIO\)/);
    journal.close();
    expect(readFileSync(file, "utf8")).toBe("");
  });
});

describe("reading a journal", () => {
  it("keeps a valid last record without its newline, and the writer ends it before appending", () => {
    const file = fresh();
    writeFileSync(file, JSON.stringify(record("a")) + "\n" + JSON.stringify(record("b")));
    expect(readJournal(file)).toMatchObject({ tornTail: false, missingNewline: true, records: [{ experiment_id: "a" }, { experiment_id: "b" }] });
    const journal = new Journal(file);
    expect(journal.existing.map((r) => r.experiment_id)).toEqual(["a", "b"]);
    journal.append(record("c"));
    journal.close();
    expect(readJournal(file).records.map((r) => r.experiment_id)).toEqual(["a", "b", "c"]);
    expect(readFileSync(file, "utf8").endsWith("\n")).toBe(true);
  });

  it("ignores a UTF-8 byte-order mark instead of calling line 1 corrupt", () => {
    const file = fresh();
    writeFileSync(file, "\uFEFF" + JSON.stringify(record("a")) + "\n" + JSON.stringify(record("b")).slice(0, 30));
    expect(readJournal(file)).toMatchObject({ tornTail: true, records: [{ experiment_id: "a" }] });
    const journal = new Journal(file);
    journal.append(record("c"));
    journal.close();
    expect(readJournal(file).records.map((r) => r.experiment_id)).toEqual(["a", "c"]);
  });
});

describe("writeFileAtomic", () => {
  it("a failed write leaves no temp file and names the target", () => {
    const dir = mkdtempSync(join(tmpdir(), "ff-atomic-"));
    const target = join(dir, "fit.json");
    mkdirSync(target); // renaming a file onto a folder fails after the temp file is written
    expect(() => writeFileAtomic(target, "{}")).toThrow(WriteFailure);
    expect(() => writeFileAtomic(target, "{}")).toThrow(new RegExp(`cannot write ${target}`));
    expect(readdirSync(dir)).toEqual(["fit.json"]);
  });
});

describe("experimentId", () => {
  it("ignores key order and changes with any value", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(experimentId({ a: 1, b: 2 })).toBe(experimentId({ b: 2, a: 1 }));
    expect(experimentId({ a: 1, b: 2 })).not.toBe(experimentId({ a: 1, b: 3 }));
  });
});
