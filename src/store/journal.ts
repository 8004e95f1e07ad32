/**
 * results.jsonl: append-only, one JSON object per finished attempt, fsync'd per line so a
 * crash loses at most the line being written. Reading tolerates (and repair() truncates)
 * a torn last line; a corrupt line in the middle is reported with its line number.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { UserError } from "../errors/user-error.js";
import { ResultRecord } from "./record.js";

export interface JournalContents {
  records: ResultRecord[];
  /** A last line without its newline (a write cut short by a crash). */
  tornTail: boolean;
  /** Byte length of the intact part (repair truncates to it). */
  intactBytes: number;
}

export function readJournal(file: string): JournalContents {
  if (!existsSync(file)) return { records: [], tornTail: false, intactBytes: 0 };
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  const complete = text.endsWith("\n") ? lines.slice(0, -1) : lines.slice(0, -1);
  const tail = text.endsWith("\n") ? "" : (lines[lines.length - 1] ?? "");
  const records: ResultRecord[] = [];
  complete.forEach((line, index) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UserError(`${file}:${index + 1}: corrupt results line (not JSON): ${line.slice(0, 80)}`, "corrupt_journal", { file, line: index + 1 });
    }
    const parsed = ResultRecord.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UserError(`${file}:${index + 1}: invalid results record: ${issue.path.join(".") || "(record)"}: ${issue.message}`, "corrupt_journal", {
        file,
        line: index + 1,
        field: issue.path.join("."),
      });
    }
    records.push(parsed.data);
  });
  // A torn tail that happens to be complete JSON is still a partial write; drop it.
  const intactBytes = Buffer.byteLength(text) - Buffer.byteLength(tail);
  return { records, tornTail: tail.length > 0, intactBytes };
}

export class Journal {
  private fd: number;

  /** Opens for appending, first truncating a torn last line left by a crash. */
  constructor(readonly file: string) {
    const contents = readJournal(file);
    if (contents.tornTail) truncateSync(file, contents.intactBytes);
    this.fd = openSync(file, "a");
    this.existing = contents.records;
    this.repairedTornLine = contents.tornTail;
  }

  readonly existing: ResultRecord[];
  readonly repairedTornLine: boolean;

  append(record: ResultRecord): void {
    writeSync(this.fd, JSON.stringify(record) + "\n");
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
