/** config.json (the report's "Resolved config") shows what was used: no plugin for a sweep that names its own model and data targets. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { resolvePlugin } from "../../src/plugins/registry.js";
import { resolvedConfig } from "../../src/sweep/open-sweep.js";

const dir = mkdtempSync(join(tmpdir(), "ff-resolved-"));
async function resolved(yaml: string) {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const loaded = loadConfig(file);
  return resolvedConfig(loaded.config, await resolvePlugin(loaded));
}

describe("the resolved config", () => {
  it("names no plugin when model and data name their own targets", async () => {
    const config = await resolved('model:\n  target: "tiny:TinyMLP"\n  size_param: width\ndata:\n  target: "tiny:Regression"\nplanning:\n  budgets: [1e7]\n');
    expect(config.plugin).toBeNull();
    expect(config.resolved_plugin).toMatchObject({ name: "tiny:TinyMLP", manifestFile: null, data: { target: "tiny:Regression" } });
  });

  it("names the plugin that was used, also when it is the default", async () => {
    expect((await resolved("planning:\n  budgets: [1e7]\n")).plugin).toBe("gpt");
  });
});
