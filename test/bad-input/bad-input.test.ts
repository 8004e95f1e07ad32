/**
 * The bad-input corpus: every malformed input exits 2 with a message that names the
 * place (file:line, field, column) and never a stack trace.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SweepConfig } from "../../src/config/schema.js";
import { definitionFingerprint, sweepDefinition } from "../../src/store/sweep-definition.js";
import { runCli } from "../integration/cli.js";

const dir = mkdtempSync(join(tmpdir(), "ff-bad-"));
const BUDGETS = "planning:\n  budgets: [1e11, 1e12]\n";
const ADAPTIVE = "planning:\n  budgets: [1e11, 3e11, 1e12, 3e12]\n  strategy: adaptive\n";

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

/** A config whose `name` is `value` (YAML-quoted). */
const named = (label: string, value: string) => config(label, `name: ${JSON.stringify(value)}\n${BUDGETS}`);

/** A YAML "billion laughs": nine levels of nine aliases each. */
function aliasBomb(): string {
  const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  let previous = "a";
  for (const level of "bcdefghi") {
    lines.push(`${level}: &${level} [${Array(9).fill(`*${previous}`).join(", ")}]`);
    previous = level;
  }
  return `${lines.join("\n")}\n${BUDGETS}`;
}

/**
 * A run directory holding a record of the mock sweep of `yaml`'s config (config.json and
 * definitions.json as a sweep writes them); sweeping it for real must be refused.
 */
function mockRunDir(name: string): string {
  const out = join(dir, name);
  mkdirSync(out, { recursive: true });
  const parsed = SweepConfig.parse({ planning: { budgets: [1e11, 1e12] } });
  const plugin = {
    name: "gpt",
    model: { target: "plugins.gpt.model:GPT", size_param: "d_model", options: { n_layers: 2, n_heads: 4, dropout: 0 } },
    data: { target: "plugins.gpt.data:ByteCorpus", options: { source: "stdlib", hf_split: "train", text_field: "text", seq_len: 128, heldout_fraction: 0.02 } },
    loss: { target: "flops_fit_worker.losses:next_token_cross_entropy" },
  };
  const definition = sweepDefinition({ config: parsed, plugin, mock: parsed.mock, flops: "6nd" });
  const fingerprint = definitionFingerprint(definition);
  writeFileSync(join(out, "config.json"), JSON.stringify({ ...parsed, fingerprint, definition }));
  writeFileSync(join(out, "results.jsonl"), JSON.stringify({
    experiment_id: "abc", attempt: 1, status: "completed", budget_flops: 1e11, size_value: 32, n_params: 3e4, n_params_embedding: 8e3,
    n_params_non_embedding: 2.2e4, n_tokens: 5e5, n_tokens_planned: 5e5, flops_6nd: 1e11, flops_measured: null, loss: 3, train_loss: 3,
    wall_s: 0.1, error: null, finished_at: "2026-01-01T00:00:00Z", fingerprint,
  }) + "\n");
  return out;
}

/** A run directory locked by a live sweep (this test process). */
function lockedRunDir(name: string): string {
  const out = join(dir, name);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "sweep.lock"), JSON.stringify({ pid: process.pid, host: hostname(), started_at: "2026-01-01T00:00:00Z", command: "sweep" }));
  return out;
}

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
  { name: "adaptive sweep without a target", args: config("notarget", `${ADAPTIVE}  max_flops: 1e13\n`), expect: /notarget\.yaml:3:3 +planning\.strategy: an adaptive sweep needs planning\.target_budget/ },
  { name: "adaptive sweep without a stopping rule", args: config("norule", `${ADAPTIVE}  target_budget: 1e14\n`), expect: /norule\.yaml:3:3 +planning\.strategy: an adaptive sweep needs a stopping rule: planning\.target_width .* planning\.max_flops/ },
  { name: "adaptive target below the seed design's budgets", args: config("lowtarget", `${ADAPTIVE}  target_budget: 5e10\n  target_width: 0.25\n`), expect: /lowtarget\.yaml:4:3 +planning\.target_budget: target_budget 5\.00e\+10 is below the seed design's budgets \(1\.00e\+11, 3\.00e\+11, 1\.00e\+12, the 3 smallest of planning\.budgets\)/ },
  { name: "adaptive settings on a grid sweep", args: config("gridtarget", `${BUDGETS}  target_width: 0.25\n`), expect: /gridtarget\.yaml:3:3 +planning\.target_width: target_width is read by an adaptive sweep only/ },
  { name: "learning rate a word", args: config("lr", `${BUDGETS}training:\n  lr: fast\n`), expect: /lr\.yaml:4:3 +training\.lr: expected a number or "auto" or "calibrate" \(got "fast"\)/ },
  { name: "lr: calibrate with too few calibration learning rates", args: config("calrates", `${BUDGETS}training:\n  lr: calibrate\n  lr_calibration:\n    lrs: 2\n`), expect: /calrates\.yaml:6:5 +training\.lr_calibration\.lrs: locating a best learning rate needs at least 3 learning rates/ },
  { name: "lr: calibrate with a misspelled calibration key", args: config("calkey", `${BUDGETS}training:\n  lr: calibrate\n  lr_calibration: { sizez: 3 }\n`), expect: /calkey\.yaml:5:\d+ +training\.lr_calibration\.sizez: unknown key "sizez" \(did you mean "sizes"\?\)/ },
  { name: "lr: calibrate with a calibration ratio of 1", args: config("calstep", `${BUDGETS}training:\n  lr: calibrate\n  lr_calibration:\n    lr_step: 1\n`), expect: /calstep\.yaml:6:5 +training\.lr_calibration\.lr_step: lr_step must exceed 1/ },
  { name: "mock LR optimum without its exponent", args: config("lropt", `${BUDGETS}mock:\n  lr_optimum: { c: 1 }\n`), expect: /lropt\.yaml:4:\d+ +mock\.lr_optimum\.k/ },
  { name: "zero seeds", args: config("seeds0", `${BUDGETS}  seeds: 0\n`), expect: /seeds0\.yaml:3:3 +planning\.seeds: seeds must be at least 1/ },
  { name: "fractional seeds", args: config("seedsfrac", `${BUDGETS}  seeds: 1.5\n`), expect: /seedsfrac\.yaml:3:3 +planning\.seeds: seeds must be a whole number/ },
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
  { name: "token data folder that does not exist", args: config("tokensmissing", `${BUDGETS}data:\n  options:\n    source: tokens\n    path: no-tokens-here\n`), expect: /tokensmissing\.yaml:6:\d+: data\.options\.path: .*no-tokens-here does not exist; make it with `flops-fit tokenize/ },
  { name: "data.options.tokenize of an input that is not there", args: config("tokenizein", `${BUDGETS}data:\n  options: { source: tokens, path: t, tokenize: { inputs: [no-corpus], tokenizer: "bpe:300" } }\n`), expect: /tokenizein\.yaml:4:\d+: data\.options\.tokenize: no-corpus: no such file or folder/ },
  { name: "config file missing", args: () => ["plan", join(dir, "missing.yaml")], expect: /cannot read config .*missing\.yaml: no such file/ },
  { name: "CSV without a loss column", args: csv("noloss", "n_params,n_tokens\n1e6,2e7\n"), expect: /noloss\.csv:1: missing column loss/ },
  { name: "CSV with a non-numeric cell", args: csv("nonnum", "n_params,n_tokens,loss\n1e6,2e7,3.1\nbig,2e7,3.0\n"), expect: /nonnum\.csv:3:1: column n_params is not a number: "big"/ },
  { name: "CSV with a negative loss", args: csv("negloss", "n_params,n_tokens,loss\n1e6,2e7,-3\n"), expect: /negloss\.csv:2:3: column loss must be positive/ },
  { name: "empty CSV", args: csv("empty", ""), expect: /empty\.csv: empty CSV/ },
  { name: "CSV with a header only", args: csv("header", "n_params,n_tokens,loss\n"), expect: /header\.csv: no data rows/ },
  { name: "results.jsonl that is neither a journal nor minimal rows", args: () => ["fit", file("corrupt/results.jsonl", '{"a":1}\n{oops\n')], expect: /results\.jsonl:1: neither a results journal \(a record is missing experiment_id, attempt, status, .*finished_at\) nor minimal rows \(missing n_params, n_tokens, loss\); give one JSON object per line in the minimal form \{"n_params": 1\.2e6, "n_tokens": 2\.4e7, "loss": 3\.1\}/ },
  { name: "folder that is not a run directory", args: () => { mkdirSync(join(dir, "notrun"), { recursive: true }); return ["fit", join(dir, "notrun")]; }, expect: /notrun is not a run directory \(no results\.jsonl\)/ },
  { name: "fit input that does not exist", args: () => ["fit", join(dir, "nothing-here")], expect: /no such file or directory: .*nothing-here/ },
  { name: "fit input of an unknown kind", args: () => ["fit", file("notes.txt", "hello")], expect: /cannot fit .*notes\.txt: give a run directory, a results\.jsonl, a \.csv with n_params,n_tokens,loss, a \.jsonl of minimal rows, or a W&B runs export \(\.csv or \.json\)/ },
  { name: "--predict that is not a number", args: () => ["fit", file("ok.csv", "n_params,n_tokens,loss\n1e6,2e7,3\n"), "--predict", "1e21,lots"], expect: /--predict: not a positive FLOP count: "lots"/ },
  { name: "run name that climbs out of runs/", args: named("escape", "../../x"), expect: /escape\.yaml:1:1 +name: a run name is one folder name, without \/ or \\ \(use --out to choose a directory\) \(got "\.\.\/\.\.\/x"\)/ },
  { name: "empty run name", args: named("emptyname", ""), expect: /emptyname\.yaml:1:1 +name: a run name cannot be empty/ },
  { name: "run name ..", args: named("dotdot", ".."), expect: /dotdot\.yaml:1:1 +name: a run name cannot be "\.\."/ },
  { name: "config file whose name leaves no run name", args: () => ["sweep", file("noname/.yaml", BUDGETS), "--mock"], expect: /cannot name a run directory after "": a run name cannot be empty; set name: in the config or pass --out DIR/ },
  { name: "misspelled model option", args: config("modeltypo", `${BUDGETS}model:\n  options:\n    n_layer: 8\n`), expect: /modeltypo\.yaml:5:5 +model\.options\.n_layer: unknown key "n_layer" \(did you mean "n_layers"\?\)/ },
  { name: "misspelled data option", args: config("datatypo", `${BUDGETS}data:\n  options:\n    seq_lne: 64\n`), expect: /datatypo\.yaml:5:5 +data\.options\.seq_lne: unknown key "seq_lne" \(did you mean "seq_len"\?\)/ },
  { name: "YAML alias bomb", args: config("bomb", aliasBomb()), expect: /bomb\.yaml:2:\d+ +\(yaml\): aliases expand to too many nodes/ },
  { name: "--bootstrap beyond its bound", args: () => ["fit", file("boot.csv", "n_params,n_tokens,loss\n1e6,2e7,3\n"), "--bootstrap", "1000000000"], expect: /--bootstrap[\s\S]*less than or equal to 100000/ },
  { name: "hexadecimal CSV cell", args: csv("hex", "n_params,n_tokens,loss\n0x10,2e7,3\n"), expect: /hex\.csv:2:1: column n_params is not a number: "0x10"/ },
  { name: "CSV with a duplicated column", args: csv("dupcol", "n_params,n_tokens,loss,budget_flops,loss\n1e6,2e7,3,1.2e14,2.9\n"), expect: /dupcol\.csv:1:5: column loss appears twice \(columns 3 and 5\)/ },
  { name: "CSV with an empty budget_flops cell", args: csv("emptycell", "n_params,n_tokens,loss,budget_flops\n1e6,2e7,3,1.2e14\n2e6,1e7,2.9,\n"), expect: /emptycell\.csv:3:4: column budget_flops is empty/ },
  { name: "minimal JSONL row missing a field", args: () => ["fit", file("rows.jsonl", '{"n_params":1e6,"n_tokens":2e7,"loss":3}\n{"n_params":2e6,"n_tokens":1e7}\n')], expect: /rows\.jsonl:2: missing loss \(every row has the fields the first has; the minimal form: \{"n_params": 1\.2e6/ },
  { name: "minimal JSONL with budget_flops on some rows only", args: () => ["fit", file("some.jsonl", '{"n_params":1e6,"n_tokens":2e7,"loss":3}\n{"n_params":2e6,"n_tokens":1e7,"loss":2.9,"budget_flops":1.2e14}\n')], expect: /some\.jsonl:2: budget_flops here but not on the first row: give it on every row or none/ },
  { name: "results journal record missing fields", args: () => ["fit", file("partial/results.jsonl", '{"experiment_id":"x","attempt":1,"status":"completed","loss":3}\n')], expect: /partial\/results\.jsonl:1: neither a results journal \(a record is missing error, n_params, n_params_embedding, n_params_non_embedding, n_tokens, flops_6nd, flops_measured, train_loss, wall_s, budget_flops, size_value, n_tokens_planned, finished_at\) nor minimal rows \(missing n_params, n_tokens\)/ },
  { name: "--confidence outside (0, 1)", args: () => ["fit", file("conf.csv", "n_params,n_tokens,loss\n1e6,2e7,3\n"), "--confidence", "1.5"], expect: /--confidence: not a level in \(0, 1\): "1.5"/ },
  {
    name: "--holdout beyond the budgets a fit can spare",
    args: () => ["fit", file("holdout.csv", `n_params,n_tokens,loss,budget_flops\n${[1e17, 1e18, 1e19, 1e20].flatMap((c) => [1, 2, 3].map((k) => `${k * 1e6},${c / (6 * k * 1e6)},3,${c}`)).join("\n")}\n`), "--holdout", "2"],
    expect: /--holdout: 2 \(the runs have 4 budgets and a fit needs 3: at most 1 can be held out\)/,
  },
  { name: "hexadecimal --predict", args: () => ["fit", file("okhex.csv", "n_params,n_tokens,loss\n1e6,2e7,3\n"), "--predict", "0x10"], expect: /--predict: not a positive FLOP count: "0x10"/ },
  { name: "CSV cell Infinity", args: csv("inf", "n_params,n_tokens,loss\n1e6,Infinity,3\n"), expect: /inf\.csv:2:2: column n_tokens is not a number: "Infinity"/ },
  {
    name: "sweep into a run directory of another sweep definition",
    args: () => ["sweep", file("real.yaml", BUDGETS), "--out", mockRunDir("mockrun")],
    expect: /mockrun holds 1 record of another sweep definition \(fingerprint [0-9a-f]{12}; this config's is [0-9a-f]{12}\); this config differs in:\n[\s\S]* {2}flops: "6nd" → "measured"\n {2}mock: \{.*\} → none \(real training\)\n.*--out DIR.*--extend/s,
  },
  { name: "sweep --out \"\" (an unset variable)", args: () => ["sweep", file("emptyout.yaml", BUDGETS), "--mock", "--out", ""], expect: /--out is empty \(an unset shell variable\?\): name the run directory/ },
  { name: "sweep into a run directory another sweep holds", args: () => ["sweep", file("locked.yaml", BUDGETS), "--mock", "--out", lockedRunDir("lockedrun")], expect: new RegExp(`lockedrun is in use by another sweep \\(pid ${process.pid} on `) },
];

describe("bad input", () => {
  it(`the corpus has at least 50 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
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
  it("a model module that calls sys.exit while importing exits 2 naming the module (no worker restarts)", async () => {
    writeFileSync(join(dir, "exits_on_import.py"), "import sys\nsys.exit(1)\n");
    const run = await runCli(["plan", file("sysexit.yaml", `${BUDGETS}model:\n  target: "exits_on_import:Net"\n  size_param: width\ndata:\n  target: "plugins.gpt.data:ByteCorpus"\n`)]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/importing module "exits_on_import" for target "exits_on_import:Net" called sys\.exit\(1\)/);
  }, 60_000);
  it("a data folder with no text file (only .gz) exits 2 blaming the data, naming the folder, what it looked for and found, without a traceback", async () => {
    const corpus = join(dir, "gz-only");
    mkdirSync(corpus, { recursive: true });
    writeFileSync(join(corpus, "notes.txt.gz"), "\x1f\x8b");
    const run = await runCli(["plan", file("gzdata.yaml", `${BUDGETS}data:\n  options: { source: path, path: ${JSON.stringify(corpus)} }\n`)]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/the data plugins\.gpt\.data:ByteCorpus could not be loaded: ValueError: ByteCorpus: path '.*gz-only' holds no text file to read \(looked for \.txt, \.md, \.py files under it; found 1 other file\(s\): notes\.txt\.gz\)/);
    expect(run.stderr).not.toMatch(/building the model|Traceback|buffer length/);
  }, 60_000);
  it("sweep --out into a directory holding a foreign config.json exits 2 and leaves every file byte-identical", async () => {
    const out = join(dir, "my-project");
    mkdirSync(out, { recursive: true });
    const files = { "config.json": '{ "lr": 0.1 }\n', "plan.json": "my plan\n", "fit.json": "{}", "notes.txt": "mine" };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(out, name), text);
    const run = await runCli(["sweep", file("foreign.yaml", BUDGETS), "--mock", "--out", out]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/--out .*my-project: it holds a config\.json that flops-fit did not write; a sweep writes only into an empty directory or one of its own runs/);
    expect(readdirSync(out).sort()).toEqual(Object.keys(files).sort());
    for (const [name, text] of Object.entries(files)) expect(readFileSync(join(out, name), "utf8")).toBe(text);
  });
  it("--json errors are objects with a code", async () => {
    const run = await runCli(["plan", file("jsonerr.yaml", "planning:\n  budgets: [-1]\n"), "--json"]);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: "invalid_config", where: { line: 2 } } });
  });
});

/** One completed results record (fields as a sweep writes them). */
function resultLine(id: string, nParams: number, nTokens: number, loss: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    experiment_id: id, attempt: 1, status: "completed", budget_flops: 6 * nParams * nTokens, size_value: 8, n_params: nParams, n_params_embedding: 0,
    n_params_non_embedding: nParams, n_tokens: nTokens, n_tokens_planned: nTokens, flops_6nd: 6 * nParams * nTokens, flops_measured: null, loss,
    train_loss: loss, wall_s: 1, error: null, finished_at: "2026-01-01T00:00:00Z", ...extra,
  });
}

/** Runs of 3 budgets × 3 sizes on a Chinchilla surface (enough for approaches 1 and 2). */
function isoflopLines(): string[] {
  const lines: string[] = [];
  for (const budget of [1e18, 1e19, 1e20]) {
    for (const factor of [0.4, 1, 2.5]) {
      const n = Math.sqrt(budget / 120) * factor;
      const d = budget / (6 * n);
      lines.push(resultLine(`b${budget}f${factor}`, n, d, 1.69 + 406.4 / n ** 0.34 + 410.7 / d ** 0.28));
    }
  }
  return lines;
}

interface FitJson { n_points: number; n_budgets: number; warnings: string[]; budget_over_6nd: unknown }

describe("odd but valid input", () => {
  const fitJson = async (args: string[]) => {
    const run = await runCli(["fit", ...args, "--json"]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    return JSON.parse(run.stdout) as FitJson;
  };

  it("a results.jsonl starting with a UTF-8 byte-order mark and ending without a newline: every record is fitted", async () => {
    const lines = isoflopLines();
    const fit = await fitJson([file("bom/results.jsonl", "\uFEFF" + lines.join("\n"))]);
    expect(fit.n_points).toBe(lines.length);
  });

  it("a CSV without budget_flops whose rounded N and D scatter 6·N·D keeps one budget per IsoFLOP curve", async () => {
    const rows = isoflopLines().map((line) => JSON.parse(line) as { n_params: number; n_tokens: number; loss: number });
    const text = "n_params,n_tokens,loss\n" + rows.map((r) => `${r.n_params.toPrecision(2)},${r.n_tokens.toPrecision(2)},${r.loss.toFixed(4)}`).join("\n") + "\n";
    const fit = await fitJson([file("rounded.csv", text), "--approach", "2"]);
    expect(fit.n_budgets).toBe(3);
    expect(fit.warnings.join("\n")).toMatch(/rounded\.csv has no budget_flops: each run's budget is its 6·N·D, grouped with runs within 20% of the whole group into 3 budgets: [\d.e]+ \(\d+ runs, spread [\d.]+%\)/);
  });

  it("values near 1e-295 fit and print their table without crashing", async () => {
    const rows = isoflopLines().map((line) => JSON.parse(line) as { n_params: number; n_tokens: number; loss: number; budget_flops: number });
    const text = "n_params,n_tokens,loss,budget_flops\n" + rows.map((r) => `${r.n_params * 1e-180},${r.n_tokens * 1e-180},${r.loss},${r.budget_flops * 1e-295}`).join("\n") + "\n";
    const run = await runCli(["fit", file("tiny.csv", text)]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Budget C \(FLOPs\)/);
  });

  it("two completed records of one experiment that disagree: the latest is fitted and the disagreement reported", async () => {
    const lines = isoflopLines();
    const first = JSON.parse(lines[0]!) as { experiment_id: string; loss: number };
    const rerun = JSON.stringify({ ...JSON.parse(lines[0]!), attempt: 2, loss: first.loss + 0.25 });
    const fit = await fitJson([file("rerun/results.jsonl", [...lines, rerun].join("\n") + "\n")]);
    expect(fit.n_points).toBe(lines.length);
    expect(fit.warnings.join("\n")).toContain(`experiment ${first.experiment_id} has 2 completed records that disagree`);
    expect(fit.warnings.join("\n")).toContain("the latest, attempt 2, is used");
  });
});

describe("runtime failures of plan", () => {
  it("workers that cannot start: exit 1 naming a worker log that still exists", async () => {
    const run = await runCli(["plan", file("false-python.yaml", `python: /bin/false\n${BUDGETS}`)]);
    expect(run.code, run.stderr).toBe(1);
    const log = /worker log \((.*worker-0\.log)\)/.exec(run.stderr)?.[1];
    expect(log, run.stderr).toBeDefined();
    expect(existsSync(log!)).toBe(true);
  });
});
