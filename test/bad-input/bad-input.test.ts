/**
 * The bad-input corpus: every malformed input exits 2 with a message that names the
 * place (file:line, field, column) and never a stack trace.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../integration/cli.js";

const dir = mkdtempSync(join(tmpdir(), "ff-bad-"));
const BUDGETS = "planning:\n  budgets: [1e11, 1e12]\n";

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

interface Case {
  name: string;
  args: () => string[];
  /** What the message must contain (the located problem). */
  expect: RegExp;
}

const config = (name: string, text: string) => () => ["plan", file(`${name}.yaml`, text)];
const manifest = (name: string, text: string) => () => {
  file(`${name}/plugin.ts`, text);
  return ["plan", file(`${name}.yaml`, `plugin: ./${name}\n${BUDGETS}`)];
};
const csv = (name: string, text: string) => () => ["fit", file(`${name}.csv`, text)];

const cases: Case[] = [
  { name: "YAML syntax error", args: config("syntax", "planning:\n  budgets: [1e11\n  span: 3\n"), expect: /syntax\.yaml:\d+:\d+ +\(yaml\)/ },
  { name: "duplicate key", args: config("dup", `${BUDGETS}planning:\n  span: 2\n`), expect: /dup\.yaml:\d+:\d+.*(duplicate|unique)/i },
  { name: "top level is a list", args: config("list", "- 1\n- 2\n"), expect: /list\.yaml:1:1.*mapping/ },
  { name: "misspelled top-level key", args: config("topkey", `${BUDGETS}planing: {}\n`), expect: /topkey\.yaml:3:1 +planing: unknown key "planing" \(did you mean "planning"\?\)/ },
  { name: "misspelled nested key", args: config("nested", `${BUDGETS}  sizes_per_budgte: 4\n`), expect: /nested\.yaml:3:3 +planning\.sizes_per_budgte: .*did you mean "sizes_per_budget"/ },
  { name: "negative budget", args: config("neg", "planning:\n  budgets: [1e11, -3]\n"), expect: /neg\.yaml:2:\d+ +planning\.budgets\[1\]: must be a positive number/ },
  { name: "zero budget", args: config("zero", "planning:\n  budgets: [0]\n"), expect: /zero\.yaml:2:\d+ +planning\.budgets\[0\]/ },
  { name: "string budget", args: config("strbudget", "planning:\n  budgets: [lots]\n"), expect: /strbudget\.yaml:2:\d+ +planning\.budgets\[0\]: .*"lots"/ },
  { name: "empty budget list", args: config("nobudgets", "planning:\n  budgets: []\n"), expect: /nobudgets\.yaml:2:\d+ +planning\.budgets: give at least one budget/ },
  { name: "budgets not a list", args: config("scalar", "planning:\n  budgets: 1e12\n"), expect: /scalar\.yaml:2:\d+ +planning\.budgets/ },
  { name: "planning missing", args: config("noplanning", "plugin: gpt\n"), expect: /noplanning\.yaml:1:1 +planning/ },
  { name: "too few sizes per budget", args: config("fewsizes", `${BUDGETS}  sizes_per_budget: 2\n`), expect: /fewsizes\.yaml:3:3 +planning\.sizes_per_budget: an IsoFLOP parabola needs at least 3 sizes/ },
  { name: "fractional sizes per budget", args: config("fracsizes", `${BUDGETS}  sizes_per_budget: 4.5\n`), expect: /fracsizes\.yaml:3:3 +planning\.sizes_per_budget/ },
  { name: "span not above 1", args: config("span", `${BUDGETS}  span: 1\n`), expect: /span\.yaml:3:3 +planning\.span: span must exceed 1/ },
  { name: "learning rate a word", args: config("lr", `${BUDGETS}training:\n  lr: fast\n`), expect: /lr\.yaml:4:3 +training\.lr: expected a number or "auto" \(got "fast"\)/ },
  { name: "warmup fraction too large", args: config("warmup", `${BUDGETS}training:\n  warmup_fraction: 0.9\n`), expect: /warmup\.yaml:4:3 +training\.warmup_fraction/ },
  { name: "zero workers", args: config("workers", `${BUDGETS}scheduler:\n  workers: 0\n`), expect: /workers\.yaml:4:3 +scheduler\.workers/ },
  { name: "unknown device", args: config("device", `${BUDGETS}scheduler:\n  device: tpu\n`), expect: /device\.yaml:4:3 +scheduler\.device: .*"tpu"/ },
  { name: "unknown flops mode", args: config("flopsmode", `${BUDGETS}flops: exact\n`), expect: /flopsmode\.yaml:3:1 +flops: .*"exact"/ },
  { name: "unknown parameter convention", args: config("convention", `${BUDGETS}param_convention: all\n`), expect: /convention\.yaml:3:1 +param_convention/ },
  { name: "negative seed", args: config("seed", `${BUDGETS}seed: -1\n`), expect: /seed\.yaml:3:1 +seed/ },
  { name: "malformed python target", args: config("target", `${BUDGETS}model:\n  target: "not a target"\n  size_param: width\n`), expect: /target\.yaml:4:3 +model\.target: expected a python target/ },
  { name: "model.target without size_param", args: config("nosize", `${BUDGETS}model:\n  target: "mymod:Net"\n`), expect: /model\.size_param/ },
  { name: "unknown built-in plugin", args: config("plugin", `plugin: gtp\n${BUDGETS}`), expect: /unknown plugin "gtp" \(did you mean "gpt"\?\)/ },
  { name: "plugin folder that does not exist", args: config("nofolder", `plugin: ./no/such/folder\n${BUDGETS}`), expect: /nofolder\.yaml:1:1.*plugin folder not found: .*no\/such\/folder \(expected a folder containing plugin\.ts\)/ },
  { name: "manifest missing sizeParam", args: manifest("nosizeparam", 'export default { name: "x", model: { target: "m:M" }, data: { target: "m:D" } };\n'), expect: /invalid plugin manifest .*plugin\.ts: model\.sizeParam/ },
  { name: "manifest with a syntax error", args: manifest("broken", "export default definePlugin({ name: \n"), expect: /cannot load plugin manifest .*broken\/plugin\.ts/ },
  { name: "manifest target not module:Attr", args: manifest("badtarget", 'export default { name: "x", model: { target: "nocolon", sizeParam: "w" }, data: { target: "m:D" } };\n'), expect: /invalid plugin manifest .*: model\.target: expected "module:Attribute"/ },
  { name: "model option of the wrong type", args: config("opttype", `${BUDGETS}model:\n  options:\n    n_layers: two\n`), expect: /opttype\.yaml:5:5 +model\.options\.n_layers: .*"two"/ },
  { name: "unknown data source", args: config("source", `${BUDGETS}data:\n  options:\n    source: web\n`), expect: /source\.yaml:5:5 +data\.options\.source/ },
  { name: "config file missing", args: () => ["plan", join(dir, "missing.yaml")], expect: /cannot read config .*missing\.yaml: no such file/ },
  { name: "CSV without a loss column", args: csv("noloss", "n_params,n_tokens\n1e6,2e7\n"), expect: /noloss\.csv:1: missing column loss/ },
  { name: "CSV with a non-numeric cell", args: csv("nonnum", "n_params,n_tokens,loss\n1e6,2e7,3.1\nbig,2e7,3.0\n"), expect: /nonnum\.csv:3:1: column n_params is not a number: "big"/ },
  { name: "CSV with a negative loss", args: csv("negloss", "n_params,n_tokens,loss\n1e6,2e7,-3\n"), expect: /negloss\.csv:2:3: column loss must be positive/ },
  { name: "empty CSV", args: csv("empty", ""), expect: /empty\.csv: empty CSV/ },
  { name: "CSV with a header only", args: csv("header", "n_params,n_tokens,loss\n"), expect: /header\.csv: no data rows/ },
  { name: "results.jsonl with a corrupt middle line", args: () => ["fit", file("corrupt/results.jsonl", '{"a":1}\n{oops\n')], expect: /results\.jsonl:1: invalid results record/ },
  { name: "folder that is not a run directory", args: () => { mkdirSync(join(dir, "notrun"), { recursive: true }); return ["fit", join(dir, "notrun")]; }, expect: /notrun is not a run directory \(no results\.jsonl\)/ },
  { name: "fit input that does not exist", args: () => ["fit", join(dir, "nothing-here")], expect: /no such file or directory: .*nothing-here/ },
  { name: "fit input of an unknown kind", args: () => ["fit", file("notes.txt", "hello")], expect: /cannot fit .*notes\.txt: give a run directory, a results\.jsonl, or a \.csv/ },
  { name: "--predict that is not a number", args: () => ["fit", file("ok.csv", "n_params,n_tokens,loss\n1e6,2e7,3\n"), "--predict", "1e21,lots"], expect: /--predict: not a positive FLOP count: "lots"/ },
];

describe("bad input", () => {
  it(`the corpus has at least 30 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });
  for (const c of cases) {
    it(`${c.name}: exits 2 with a located message and no stack trace`, async () => {
      const run = await runCli(c.args());
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(run.stderr).toMatch(c.expect);
      expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    });
  }
  it("a model target that does not import exits 2 naming the module", async () => {
    const run = await runCli(["plan", file("nomodule.yaml", `${BUDGETS}model:\n  target: "no.such.module:Thing"\n  size_param: width\ndata:\n  target: "plugins.gpt.data:ByteCorpus"\n`)]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/cannot import module "no\.such\.module"/);
  }, 60_000);
  it("--json errors are objects with a code", async () => {
    const run = await runCli(["plan", file("jsonerr.yaml", "planning:\n  budgets: [-1]\n"), "--json"]);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: "invalid_config", where: { line: 2 } } });
  });
});
