/**
 * Every count in a config has an upper bound, and every value a config cannot mean is refused
 * at its file:line and field, showing the value once as written: no hang (seeds: 1e7,
 * size_values.count: 1e9), no stack overflow (seeds: 100000), no "(got null)" for .inf.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/load.js";

const dir = mkdtempSync(join(tmpdir(), "ff-bounds-"));
const BUDGETS = "planning:\n  budgets: [1e11, 1e12]\n";

function problem(text: string): string {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  const started = Date.now();
  try {
    loadConfig(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect(Date.now() - started).toBeLessThan(1000);
    return (error as ConfigError).message.replace(file, "FILE");
  }
  throw new Error("expected a ConfigError");
}

describe("config bounds, located", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["seeds: 100000", `${BUDGETS}  seeds: 100000\n`, /FILE:3:3 {2}planning\.seeds: seeds must be at most 100 \(each seed repeats every planned run\) \(got 100000\)/],
    ["seeds: 1e7", `${BUDGETS}  seeds: 1e7\n`, /FILE:3:3 {2}planning\.seeds: seeds must be at most 100/],
    ["size_values.count: 1e9", `${BUDGETS}  size_values: { min: 8, max: 64, count: 1e9 }\n`, /FILE:3:\d+ {2}planning\.size_values\.count: count must be at most 256/],
    ["a size_values list of 1000", `${BUDGETS}  size_values: [${Array.from({ length: 1000 }, (_, i) => i + 1).join(", ")}]\n`, /planning\.size_values: give at most 256 size values/],
    ["size_values min above max", `${BUDGETS}  size_values: { min: 64, max: 8 }\n`, /FILE:3:\d+ {2}planning\.size_values\.min: min \(64\) must not exceed max \(8\)/],
    ["budgets × sizes × seeds beyond 10,000 runs", `planning:\n  budgets: [${Array.from({ length: 64 }, (_, i) => `${i + 1}e12`).join(", ")}]\n  sizes_per_budget: 64\n  seeds: 100\n`, /FILE:4:3 {2}planning\.seeds: budgets × sizes_per_budget × seeds = 64 × 64 × 100 = 409600 runs; a sweep plans at most 10000/],
    ["sizes_per_budget: 1e6", `${BUDGETS}  sizes_per_budget: 1000000\n`, /planning\.sizes_per_budget: sizes_per_budget must be at most 64/],
    ["max_attempts: 1e9", `${BUDGETS}scheduler:\n  max_attempts: 1000000000\n`, /FILE:4:3 {2}scheduler\.max_attempts: max_attempts must be at most 100/],
    ["workers: 1e6", `${BUDGETS}scheduler:\n  workers: 1000000\n`, /scheduler\.workers: workers must be at most 1024/],
    ["a heartbeat timeout below the interval", `${BUDGETS}scheduler:\n  heartbeat_interval_s: 5\n  heartbeat_timeout_s: 2\n`, /FILE:5:3 {2}scheduler\.heartbeat_timeout_s: heartbeat_timeout_s \(2\) must be at least twice heartbeat_interval_s \(5\)/],
    ["mock.E negative", `${BUDGETS}mock:\n  E: -1\n`, /FILE:4:3 {2}mock\.E: E \(the irreducible loss\) cannot be negative \(got -1\)/],
    ["mock.A negative", `${BUDGETS}mock:\n  A: -400\n`, /FILE:4:3 {2}mock\.A: A cannot be negative/],
    ["eval_tokens: .inf", `${BUDGETS}training:\n  eval_tokens: .inf\n`, /FILE:4:3 {2}training\.eval_tokens: must be a finite number \(got Infinity\)/],
    ["span: .nan", `${BUDGETS}  span: .nan\n`, /FILE:3:3 {2}planning\.span: must be a finite number \(got NaN\)/],
    ["tokens_per_param: 1e400", `${BUDGETS}  tokens_per_param: 1e400\n`, /planning\.tokens_per_param: must be a finite number \(got Infinity\)/],
  ];
  for (const [name, text, expected] of cases) {
    it(`${name}: refused at its line and field`, () => {
      const message = problem(text);
      expect(message).toMatch(expected);
      expect(message).not.toMatch(/\(got null\)/);
    });
  }
});

describe("run names", () => {
  it("a 300-character name is refused where it is written, not later with ENAMETOOLONG", () => {
    expect(problem(`name: ${"x".repeat(300)}\n${BUDGETS}`)).toMatch(/FILE:1:1 {2}name: a run name is at most 200 bytes \(this one has 300\)/);
  });

  it("a bidirectional override character is refused", () => {
    expect(problem(`name: "abc\\u202Eexe.yaml"\n${BUDGETS}`)).toMatch(/name: a run name cannot contain bidirectional control characters/);
  });

  it("a bad name's value is shown once", () => {
    const message = problem(`name: "../x"\n${BUDGETS}`);
    expect(message.match(/\(got "\.\.\/x"\)/g)).toHaveLength(1);
  });
});

describe("python:", () => {
  it("a relative interpreter path is the config folder's, like every path in a config; a bare command stays a PATH lookup", () => {
    const file = join(dir, "py.yaml");
    writeFileSync(file, `python: .venv/bin/python\n${BUDGETS}`);
    expect(loadConfig(file).config.python).toBe(join(dir, ".venv", "bin", "python"));
    writeFileSync(file, `python: python3\n${BUDGETS}`);
    expect(loadConfig(file).config.python).toBe("python3");
  });
});
