import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, QUICKSTART_CONFIG } from "../../src/config/load.js";

const dir = mkdtempSync(join(tmpdir(), "ff-config-"));
function configFile(text: string): string {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}
function problems(text: string): ConfigError {
  try {
    loadConfig(configFile(text));
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("loads the built-in quickstart with defaults for everything unset", () => {
    const { config } = loadConfig(QUICKSTART_CONFIG);
    expect(config.name).toBe("quickstart");
    expect(config.planning.budgets.length).toBeGreaterThanOrEqual(5);
    expect(config.scheduler.max_attempts).toBe(3);
    expect(config.training.lr).toBe("auto");
  });

  it("reads 1e15-style budgets as numbers, quoted or not", () => {
    const { config } = loadConfig(configFile('planning:\n  budgets: [1e15, "3e15", 2.5e16]\n'));
    expect(config.planning.budgets).toEqual([1e15, 3e15, 2.5e16]);
  });

  it("names a misspelled key, its line, and the closest valid key", () => {
    const error = problems("planning:\n  budgets: [1e12]\n  sizes_per_budgte: 4\n");
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(":3:3");
    expect(error.message).toContain("planning.sizes_per_budgte");
    expect(error.message).toContain('did you mean "sizes_per_budget"');
  });

  it("rejects a negative budget with the field path and line", () => {
    const error = problems("planning:\n  budgets:\n    - 1e12\n    - -5\n");
    expect(error.message).toMatch(/:4:\d+ +planning\.budgets\[1\]: must be a positive number of FLOPs \(got -5\)/);
  });

  it("rejects a string where a number belongs, showing the bad value", () => {
    const error = problems("planning:\n  budgets: [1e12]\n  span: wide\n");
    expect(error.message).toContain(":3:3");
    expect(error.message).toContain("planning.span");
    expect(error.message).toContain('"wide"');
  });

  it("explains a union field with every accepted form", () => {
    const error = problems("planning:\n  budgets: [1e12]\ntraining:\n  lr: fast\n");
    expect(error.message).toContain('training.lr: expected a number or "auto" or "calibrate" (got "fast")');
  });

  it("reports YAML syntax errors with their line", () => {
    const error = problems("planning:\n  budgets: [1e12\n  span: 3\n");
    expect(error.message).toMatch(/\.yaml:\d+:\d+ +\(yaml\)/);
  });

  it("lists every problem at once, in file order", () => {
    const error = problems("modle: {}\nplanning:\n  budgets: [-1]\n");
    expect(error.issues.map((issue) => issue.field)).toEqual(["modle", "planning.budgets[0]"]);
  });

  it("says which file is missing", () => {
    expect(() => loadConfig(join(dir, "nope.yaml"))).toThrow(/cannot read config .*nope\.yaml: no such file/);
  });
});
