import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import PluginsList, { type PluginRow } from "../../src/commands/plugins/list.js";
import { runInProcess } from "./helpers.js";

const userPlugins = mkdtempSync(join(tmpdir(), "flops-fit-list-"));
afterAll(() => rmSync(userPlugins, { recursive: true, force: true }));

describe("flops-fit plugins list", () => {
  it("--json lists the built-ins gpt (size param d_model) and vit (width) with their python targets", async () => {
    const run = await runInProcess(PluginsList, ["--json"]);
    expect(run.exitCode).toBe(0);
    const { plugins } = run.result as { plugins: PluginRow[] };
    const byName = Object.fromEntries(plugins.map((p) => [p.name, p]));
    expect(byName.gpt).toMatchObject({ size_param: "d_model", model: "plugins.gpt.model:GPT", data: "plugins.gpt.data:ByteCorpus", source: "builtin" });
    expect(byName.vit).toMatchObject({ size_param: "width", model: "plugins.vit.model:ViT", loss: "flops_fit_worker.losses:cross_entropy", source: "builtin" });
    expect(byName.gpt!.description).not.toBe("");
    expect(JSON.parse(run.stdout)).toEqual(run.result);
  });

  it("--path adds user plugin folders, and lists a broken manifest as a row with its error", async () => {
    const good = join(userPlugins, "mlp");
    const broken = join(userPlugins, "broken");
    mkdirSync(good);
    mkdirSync(broken);
    mkdirSync(join(userPlugins, "not-a-plugin"));
    writeFileSync(join(good, "package.json"), '{ "type": "module" }\n');
    writeFileSync(join(good, "plugin.ts"), `import { definePlugin, z } from "flops-fit";
export default definePlugin({
  name: "mlp",
  description: "tiny MLP",
  model: { target: "mlp:MLP", sizeParam: "hidden", options: z.object({ depth: z.number().int().default(2) }) },
  data: { target: "mlp:Data" },
});
`);
    writeFileSync(join(broken, "package.json"), '{ "type": "module" }\n');
    writeFileSync(join(broken, "plugin.ts"), "export default 42;\n");

    const run = await runInProcess(PluginsList, ["--path", userPlugins, "--json"]);
    expect(run.exitCode).toBe(0);
    const { plugins } = run.result as { plugins: PluginRow[] };
    expect(plugins.map((p) => p.name).slice(0, 2)).toEqual(["gpt", "vit"]);
    expect(plugins.find((p) => p.name === "mlp")).toMatchObject({ size_param: "hidden", model: "mlp:MLP", loss: null, source: "path", dir: good });
    const bad = plugins.find((p) => p.dir === broken);
    expect(bad?.error).toMatch(/invalid plugin manifest/);
    expect(plugins).toHaveLength(4);
  });

  it("prints a table with a row per plugin", async () => {
    const run = await runInProcess(PluginsList, []);
    expect(run.stdout).toMatch(/^name\s+size param\s+model/);
    expect(run.stdout).toMatch(/^vit\s+width\s+plugins\.vit\.model:ViT/m);
  });
});
