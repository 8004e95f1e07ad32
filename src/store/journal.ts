/**
 * results.jsonl: append-only, one JSON object per finished attempt, fsync'd per line.
 *
 * An append writes its whole line or nothing: a short write (a full disk) is cut back to
 * the last whole record and reported as a WriteFailure naming the file, after which the
 * journal refuses further appends. Reading keeps a valid last record that lacks its
 * newline (an editor or another tool may leave one), ignores a UTF-8 byte-order mark,
 * tolerates a torn last line (a crash mid-write; the next writer truncates it) and
 * reports a corrupt line in the middle with its line number.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { UserError } from "../errors/user-error.js";
import { ResultRecord } from "./record.js";
import { WriteFailure } from "./write-failure.js";

export interface JournalContents {
  records: ResultRecord[];
  /** A last line that is not a whole JSON record (a write cut short by a crash). */
  tornTail: boolean;
  /** The last line is a whole record without its newline (kept; a writer adds the newline). */
  missingNewline: boolean;
  /** Byte length of the intact part, up to the end of the last whole record. */
  intactBytes: number;
}

const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

function parseRecord(file: string, line: string, lineNumber: number): ResultRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new UserError(`${file}:${lineNumber}: corrupt results line (not JSON): ${line.slice(0, 80)}`, "corrupt_journal", { file, line: lineNumber });
  }
  const parsed = ResultRecord.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`${file}:${lineNumber}: invalid results record: ${issue.path.join(".") || "(record)"}: ${issue.message}`, "corrupt_journal", {
      file,
      line: lineNumber,
      field: issue.path.join("."),
    });
  }
  return parsed.data;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function readJournal(file: string): JournalContents {
  if (!existsSync(file)) return { records: [], tornTail: false, missingNewline: false, intactBytes: 0 };
  const bytes = readFileSync(file);
  const start = bytes.subarray(0, 3).equals(BYTE_ORDER_MARK) ? 3 : 0;
  const text = bytes.toString("utf8", start);
  const end = text.lastIndexOf("\n") + 1;
  const body = text.slice(0, end);
  const tail = text.slice(end);
  const lines = body.split("\n");
  lines.pop(); // the empty string after the last newline
  const records: ResultRecord[] = [];
  lines.forEach((line, index) => {
    if (line.trim() !== "") records.push(parseRecord(file, line, index + 1));
  });
  // A prefix of a JSON object is never itself valid JSON, so a tail that parses is a
  // whole record that only lacks its newline; anything else is a torn write.
  const wholeTail = tail.trim() !== "" && isJson(tail);
  if (wholeTail) records.push(parseRecord(file, tail, lines.length + 1));
  return {
    records,
    tornTail: tail.length > 0 && !wholeTail,
    missingNewline: wholeTail,
    intactBytes: start + Buffer.byteLength(body) + (wholeTail ? Buffer.byteLength(tail) : 0),
  };
}

/** The file operations an append uses (replaceable in fault tests). */
export interface JournalIo {
  write(fd: number, buffer: Buffer, offset: number, length: number): number;
  fsync(fd: number): void;
  truncate(fd: number, length: number): void;
}

const nodeIo: JournalIo = {
  write: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length),
  fsync: (fd) => fsyncSync(fd),
  truncate: (fd, length) => ftruncateSync(fd, length),
};

export class Journal {
  private fd: number | null;
  /** Bytes on disk up to the end of the last whole record. */
  private size: number;
  private failure: WriteFailure | null = null;
  /** The records the file held when it was opened, and those appended since (by this process). */
  readonly existing: ResultRecord[];
  readonly appended: ResultRecord[] = [];
  readonly repairedTornLine: boolean;
  private readonly attempts = new Map<string, number>();

  /** Opens for appending: first truncates a torn last line, or ends a whole last record with its newline. */
  constructor(readonly file: string, private readonly io: JournalIo = nodeIo) {
    const contents = readJournal(file);
    try {
      if (contents.tornTail) truncateSync(file, contents.intactBytes);
      this.fd = openSync(file, "a");
      this.size = fstatSync(this.fd).size;
    } catch (error) {
      throw new WriteFailure(file, error);
    }
    this.existing = contents.records;
    for (const record of this.existing) this.count(record);
    this.repairedTornLine = contents.tornTail;
    if (contents.missingNewline) this.writeWhole(Buffer.from("\n"), "could not end its last record with a newline");
  }

  /** Appends one record durably (written whole and fsync'd) or throws a WriteFailure, leaving the file as it was. */
  append(record: ResultRecord): void {
    if (this.failure) throw this.failure;
    this.writeWhole(Buffer.from(JSON.stringify(record) + "\n"), `the result of ${record.experiment_id} (attempt ${record.attempt}) was not recorded`);
    this.appended.push(record);
    this.count(record);
  }

  /** Every record: those it held when opened, then those appended. */
  get all(): ResultRecord[] {
    return [...this.existing, ...this.appended];
  }

  /** The highest attempt recorded for an experiment (0 when none): its next attempt is this plus one. */
  lastAttempt(experimentId: string): number {
    return this.attempts.get(experimentId) ?? 0;
  }

  private count(record: ResultRecord): void {
    this.attempts.set(record.experiment_id, Math.max(this.attempts.get(record.experiment_id) ?? 0, record.attempt));
  }

  private writeWhole(bytes: Buffer, consequence: string): void {
    const fd = this.fd;
    if (fd === null) throw new WriteFailure(this.file, new Error("the journal is closed"), consequence);
    const start = this.size;
    try {
      for (let done = 0; done < bytes.length; ) {
        const written = this.io.write(fd, bytes, done, bytes.length - done);
        if (!(written > 0)) throw new Error(`short write: ${done} of ${bytes.length} bytes written`);
        done += written;
      }
      this.io.fsync(fd);
      this.size = start + bytes.length;
    } catch (error) {
      let restored = true;
      try {
        this.io.truncate(fd, start);
        this.io.fsync(fd);
      } catch {
        restored = false;
      }
      const state = restored ? "the journal was cut back to its last whole record" : "the journal could not be cut back (the next sweep truncates the torn line)";
      this.failure = new WriteFailure(this.file, error, `${consequence}; ${state}. Free space and run the sweep again: completed experiments are not re-run`);
      throw this.failure;
    }
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}
