/**
 * `flops-fit compare` through the built CLI (docs/compare.md), on what users have: synthetic
 * sweeps of known surfaces written in every form `fit` reads (mixed between the two sides),
 * with a known multiplier (k = m² for a variant with N → mN, D → mD; k(C) in closed form for
 * surfaces of another shape); Marin's IsoFLOP sweeps of three data mixes from the reference
 * data (read in place, skipped when absent); and every refusal. Small bootstraps; the CLI
 * calls run three at a time.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { computeMultiplier } from "../../src/fitting/compare-multiplier.js";
import type { LossSurface } from "../../src/fitting/index.js";
import { hasReferenceData, readCsv } from "../fitting/helpers/reference-data.js";
import { runAll, type CliRun } from "./cli.js";
import { SURFACE, syntheticRuns, writeInputs } from "./synthetic-inputs.js";

interface Row { budget_flops: number; value: number | null; lo: number | null; hi: number | null; extrapolated: boolean }
interface Compared {
  determined: boolean;
  answer: "shared" | "free" | null;
  budgets: number[];
  multiplier: Row[];
  exponents: { differ: boolean | null };
  shared: { multiplier: Row[] };
  baseline: { kind: string; input: string };
  variant: { kind: string };
}

const parse = (run: CliRun): Compared => {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Compared;
};
const scaled = (s: LossSurface, m: number): LossSurface => ({ ...s, A: s.A * m ** -s.alpha, B: s.B * m ** -s.beta });
const law = (surface: LossSurface) => ({ kind: "surface" as const, surface, phi: null });
const BUDGETS = [1e18, 3e18, 9e18, 2.7e19, 8.1e19];
const covers = (row: Row, truth: number) => row.lo !== null && row.lo <= truth && (row.hi === null || row.hi >= truth);

describe("flops-fit compare on sweeps of known surfaces", () => {
  const dir = mkdtempSync(join(tmpdir(), "ff-compare-"));
  const write = (name: string, surface: LossSurface, seed: number, measured = false) => {
    mkdirSync(join(dir, name), { recursive: true });
    return writeInputs(join(dir, name), syntheticRuns({ budgets: BUDGETS, sizes: 5, span: 4, noise: 0.002, measured, seed, surface }), measured);
  };
  const differ: LossSurface = { ...scaled(SURFACE, 1.2), E: 1.6 };
  let runs: Record<string, CliRun> = {};
  const sweepConfig = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  beforeAll(async () => {
    const base = write("base", SURFACE, 1);
    const variant = write("variant", scaled(SURFACE, 1.3), 2);
    const same = write("same", SURFACE, 3);
    const other = write("other", differ, 4);
    const measured = write("measured", SURFACE, 5, true);
    // The same runs counted as non-embedding parameters: another convention.
    const nonEmbedding = write("non-embedding", scaled(SURFACE, 1.3), 6);
    const config = join(nonEmbedding.run_dir!, "config.json");
    writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, "utf8")), param_convention: "non_embedding" }));
    const total = join(base.run_dir!, "config.json");
    writeFileSync(total, JSON.stringify({ ...JSON.parse(readFileSync(total, "utf8")), param_convention: "total" }));
    writeFileSync(join(dir, "bad.csv"), "n_params,n_tokens,loss\n1e6,2e7,3.1\n2e6,abc,3.0\n");
    const commands: Record<string, string[]> = {
      mixed: ["compare", base.run_dir!, variant.csv!, "--json", "--bootstrap", "100", "--out", join(dir, "page")],
      identical: ["compare", base.minimal_jsonl!, same.wandb!, "--json", "--bootstrap", "40", "--at", "1e20,1e21"],
      shape: ["compare", base.csv!, other.results_jsonl!, "--json", "--bootstrap", "100", "--at", "8.1e19,8.1e20"],
      accounting: ["compare", measured.csv!, variant.csv!],
      convention: ["compare", base.run_dir!, nonEmbedding.run_dir!, "--json"],
      missing: ["compare", join(dir, "nowhere"), variant.csv!],
      badCsv: ["compare", base.csv!, join(dir, "bad.csv")],
      badAt: ["compare", base.csv!, variant.csv!, "--at", "1e21,-5"],
      badLevel: ["compare", base.csv!, variant.csv!, "--confidence", "1.5"],
      // compare_to is checked before anything runs: a --mock sweep (6·N·D) against a baseline of measured FLOPs, budgets left to the baseline.
      compareTo: ["sweep", sweepConfig("variant.yaml", `compare_to: ${measured.csv!}\nplanning:\n  sizes_per_budget: 3\n`), "--mock", "--out", join(dir, "never")],
      compareToMissing: ["sweep", sweepConfig("lost.yaml", `compare_to: ${join(dir, "no-such-run")}\nplanning:\n  sizes_per_budget: 3\n`), "--mock", "--out", join(dir, "never")],
    };
    const names = Object.keys(commands);
    const results = await runAll(names.map((n) => commands[n]!));
    runs = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
  }, 300_000);

  it("gives k = m² = 1.69 at every budget for a variant with N → 1.3·N, D → 1.3·D (run directory against a CSV)", () => {
    const c = parse(runs.mixed!);
    expect(c.baseline.kind).toBe("run_dir");
    expect(c.variant.kind).toBe("csv");
    expect(c.answer).toBe("shared");
    expect(c.exponents.differ).toBe(false);
    expect(c.budgets).toEqual([8.1e19, 8.1e20, 8.1e21]);
    for (const row of c.multiplier) {
      expect(Math.abs(row.value! / 1.69 - 1), JSON.stringify(row)).toBeLessThan(0.03);
      expect(covers(row, 1.69), JSON.stringify(row)).toBe(true);
    }
    expect(c.determined).toBe(true);
  });

  it("writes the comparison page: index.html with the three figures inline, their SVG and PNG, and compare.json", () => {
    const page = join(dir, "page");
    const html = readFileSync(join(page, "index.html"), "utf8");
    for (const figure of ["compare-isoflops", "compare-loss-opt", "compare-multiplier"]) {
      expect(html).toContain(`data-figure="${figure}"`);
      expect(existsSync(join(page, `${figure}.png`))).toBe(true);
    }
    expect(html).not.toMatch(/<script/);
    expect(JSON.parse(readFileSync(join(page, "compare.json"), "utf8")).multiplier).toHaveLength(3);
  });

  it("gives an interval covering 1 for identical surfaces, at the budgets asked (--at)", () => {
    const c = parse(runs.identical!);
    expect(c.multiplier.map((r) => r.budget_flops)).toEqual([1e20, 1e21]);
    for (const row of c.multiplier) expect(covers(row, 1), JSON.stringify(row)).toBe(true);
  });

  it("answers with the free fits when the shapes differ: k(C) moves with C and its interval covers the closed form", () => {
    const c = parse(runs.shape!);
    expect(c.exponents.differ).toBe(true);
    expect(c.answer).toBe("free");
    c.multiplier.forEach((row) => expect(covers(row, computeMultiplier(law(SURFACE), law(differ), row.budget_flops)), JSON.stringify(row)).toBe(true));
    expect(c.multiplier[1]!.value!).toBeGreaterThan(c.multiplier[0]!.value!);
  });

  it("refuses sweeps that count compute differently, naming both (exit 2)", () => {
    expect(runs.accounting!.code).toBe(2);
    expect(runs.accounting!.stderr).toMatch(/baseline counts compute as the measured FLOPs \(.*a flops value on every run\), the variant as 6·N·D \(.*no flops column/);
  });

  it("refuses sweeps whose N counts different parameters, naming both (exit 2, --json error)", () => {
    expect(runs.convention!.code).toBe(2);
    const error = JSON.parse(runs.convention!.stdout).error;
    expect(error.code).toBe("incomparable_parameters");
    expect(error.message).toMatch(/total parameters \(.*param_convention: total\), the variant's non-embedding parameters/);
  });

  it("refuses unreadable input and bad flags with the place (exit 2)", () => {
    expect(runs.missing!.code).toBe(2);
    expect(runs.missing!.stderr).toMatch(/no such file or directory: .*nowhere/);
    expect(runs.badCsv!.code).toBe(2);
    expect(runs.badCsv!.stderr).toMatch(/bad\.csv:3:\d+/);
    expect(runs.badAt!.code).toBe(2);
    expect(runs.badAt!.stderr).toMatch(/--at: not a positive FLOP count: "-5"/);
    expect(runs.badLevel!.code).toBe(2);
    expect(runs.badLevel!.stderr).toMatch(/--confidence/);
  });

  it("checks a sweep's compare_to before anything runs: another FLOP accounting, or no baseline, is refused at its line (exit 2)", () => {
    expect(runs.compareTo!.code).toBe(2);
    expect(runs.compareTo!.stderr).toMatch(/variant\.yaml:1:1: compare_to: this sweep counts compute as 6·N·D \(--mock\) and the baseline .*measured\/runs\.csv as the measured FLOPs/);
    expect(runs.compareToMissing!.code).toBe(2);
    expect(runs.compareToMissing!.stderr).toMatch(/lost\.yaml:1:1: compare_to: no such file or directory: .*no-such-run/);
    expect(existsSync(join(dir, "never", "results.jsonl"))).toBe(false);
  });
});

describe.skipIf(!hasReferenceData)("flops-fit compare on Marin's IsoFLOP sweeps of three data mixes (reference data)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ff-compare-marin-"));
  const csv = (mix: string) => {
    const file = join(dir, `${mix}.csv`);
    const rows = readCsv("open-athena/marin_202603_isoflops.csv").filter((r) => r.dataset === mix);
    writeFileSync(file, `n_params,n_tokens,loss,budget_flops\n${rows.map((r) => `${r.params},${r.tokens},${r.loss},${r.budget}`).join("\n")}\n`);
    return file;
  };
  let runs: CliRun[] = [];

  beforeAll(async () => {
    const [comma, dclm, nemotron] = [csv("comma"), csv("dclm"), csv("nemotron")];
    runs = await runAll([
      ["compare", comma, dclm, "--json", "--bootstrap", "40"],
      ["compare", dclm, comma, "--json", "--bootstrap", "40"],
      ["compare", comma, comma, "--json", "--bootstrap", "40"],
      ["compare", comma, nemotron, "--json", "--bootstrap", "40", "--at", "3e20"],
    ]);
  }, 300_000);

  it("compares every pair of mixes, with an entry per budget", () => {
    const [ab, , , an] = runs.map(parse);
    expect(ab!.budgets).toEqual([3e20, 3e21, 3e22]);
    for (const row of [...ab!.multiplier, ...an!.multiplier]) {
      expect(row.value).toBeGreaterThan(0);
      expect(row.lo).not.toBeNull();
    }
    expect(an!.multiplier.map((r) => r.budget_flops)).toEqual([3e20]);
  });

  it("is its own inverse: k(comma → dclm) = 1/k(dclm → comma) under the shared fit", () => {
    const [ab, ba] = [parse(runs[0]!), parse(runs[1]!)];
    const k = (c: Compared) => c.shared.multiplier[0]!.value!;
    expect(k(ab) * k(ba)).toBeCloseTo(1, 3);
  });

  it("gives k = 1 exactly for a mix against itself", () => {
    const self = parse(runs[2]!);
    for (const row of self.multiplier) {
      expect(row.value).toBeCloseTo(1, 6);
      expect(covers(row, 1)).toBe(true);
    }
  });
});
