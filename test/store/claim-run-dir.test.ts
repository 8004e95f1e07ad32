/**
 * A sweep writes only into an empty directory or a run directory of its own: a folder of
 * someone else's files is refused untouched, and odd paths fail with a named error instead of
 * spinning (Node's recursive mkdir loops for ever under /proc).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors/user-error.js";
import { chooseRunDir, RunDir } from "../../src/store/run-dir.js";
import { WriteFailure } from "../../src/store/write-failure.js";

const base = mkdtempSync(join(tmpdir(), "ff-claim-"));
const folder = (name: string, files: Record<string, string> = {}) => {
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
};
const claim = (dir: string) => new RunDir(dir).create();

describe("claiming a run directory", () => {
  it("creates a new directory with its logs/ folder, parents included", () => {
    const dir = join(base, "a", "b", "new");
    claim(dir);
    expect(existsSync(join(dir, "logs"))).toBe(true);
  });

  it("accepts an empty directory, one holding only hidden files, and one of its own (config.json with a fingerprint)", () => {
    expect(() => claim(folder("empty"))).not.toThrow();
    expect(() => claim(folder("hidden", { ".gitkeep": "" }))).not.toThrow();
    expect(() => claim(folder("own", { "config.json": JSON.stringify({ fingerprint: "abc123", definition: {} }), "results.jsonl": "" }))).not.toThrow();
    expect(() => claim(folder("older", { "config.json": JSON.stringify({ resolved_plugin: { name: "gpt" } }) }))).not.toThrow();
    expect(() => claim(folder("killed-early", { "sweep.lock": "{}", "results.jsonl": "" }))).not.toThrow();
  });

  it("refuses a directory holding a foreign config.json (exit 2) and leaves every byte of it as it was", () => {
    const foreign = '{ "learning_rate": 0.1,\n  "mine": true }\n';
    const dir = folder("foreign", { "config.json": foreign, "plan.json": "my plan" });
    let error: unknown;
    try {
      claim(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as UserError).message).toMatch(/foreign: it holds a config\.json that flops-fit did not write; a sweep writes only into an empty directory or one of its own runs/);
    expect(readFileSync(join(dir, "config.json"), "utf8")).toBe(foreign);
    expect(readdirSync(dir).sort()).toEqual(["config.json", "plan.json"]);
  });

  it("refuses a non-empty directory that is no run directory, naming what it holds", () => {
    const dir = folder("project", { "README.md": "mine", "train.py": "" });
    expect(() => claim(dir)).toThrow(/project: it is not empty and holds no run of flops-fit's \(it holds "README\.md", "train\.py"\)/);
    expect(existsSync(join(dir, "logs"))).toBe(false);
  });

  it("refuses a config.json that is not JSON on one line of message", () => {
    const dir = folder("garbled", { "config.json": "{\n oops\n" });
    expect(() => claim(dir)).toThrow(/its config\.json is not valid JSON \([^\n]*\), so it is not a run directory/);
  });

  it("refuses a file given as the directory", () => {
    const dir = folder("file-parent");
    writeFileSync(join(dir, "plain"), "x");
    expect(() => claim(join(dir, "plain"))).toThrow(/exists and is not a directory/);
  });

  it.runIf(existsSync("/proc/self"))("fails at once, naming the folder, where mkdir can never succeed (/proc/self/x)", () => {
    const started = Date.now();
    expect(() => claim("/proc/self/x")).toThrow(WriteFailure);
    expect(() => claim("/proc/self/x")).toThrow(/cannot write \/proc\/self\/x: /);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("an empty --out (an unset variable) is an error, never the current directory", () => {
    for (const out of ["", "  "]) expect(() => chooseRunDir(out, "quick", false)).toThrow(/--out is empty \(an unset shell variable\?\)/);
    expect(chooseRunDir(undefined, "quick", true)).toBe(join("runs", "quick-mock"));
  });
});
