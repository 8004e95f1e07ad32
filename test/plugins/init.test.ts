import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import PluginsInit from "../../src/commands/plugins/init.js";
import { loadConfig } from "../../src/config/load.js";
import { loadManifest } from "../../src/plugins/load-manifest.js";
import { resolvePlugin } from "../../src/plugins/registry.js";
import { makeModelDir, runInProcess } from "./helpers.js";

const modelDir = makeModelDir();
const pluginDir = join(modelDir, "plugins", "net");
afterAll(() => rmSync(modelDir, { recursive: true, force: true }));

describe("flops-fit plugins init", () => {
  it("scaffolds plugin.ts for Net(width, depth=2) that loadManifest loads, with sizeParam width and option depth = 2", async () => {
    const run = await runInProcess(PluginsInit, ["netmod:Net", "--path", modelDir, "--dir", pluginDir, "--json"]);
    expect(run.exitCode).toBe(0);
    expect(run.result).toMatchObject({ name: "net", target: "netmod:Net", size_param: "width", dir: pluginDir, python_path: modelDir });

    const manifest = await loadManifest(join(pluginDir, "plugin.ts"));
    expect(manifest.name).toBe("net");
    expect(manifest.model).toMatchObject({ target: "netmod:Net", sizeParam: "width" });
    expect(manifest.model.options!.parse({})).toEqual({ depth: 2 });
    expect(manifest.model.options!.safeParse({ depth: 2.5 }).success).toBe(false); // depth is an int
    expect(manifest.data.target).toBe("plugins.gpt.data:ByteCorpus");
    expect(manifest.loss?.target).toBe("flops_fit_worker.losses:cross_entropy");
  });

  it("writes a sweep.yaml that resolves to the scaffolded plugin", async () => {
    const text = readFileSync(join(pluginDir, "sweep.yaml"), "utf8");
    expect(text.split("\n").length).toBeLessThanOrEqual(12);
    expect(text).toContain(`PYTHONPATH=${modelDir} flops-fit plan`); // netmod lives outside the plugin folder
    const loaded = loadConfig(join(pluginDir, "sweep.yaml"));
    expect(loaded.config.planning.budgets.length).toBeGreaterThan(0);
    expect(loaded.config.planning.size_values).toEqual({ min: 8, max: 512, count: 24, multiple_of: 1 });
    const plugin = await resolvePlugin(loaded);
    expect(plugin.manifestFile).toBe(join(pluginDir, "plugin.ts"));
    expect(plugin.model).toEqual({ target: "netmod:Net", size_param: "width", options: { depth: 2 } });
    expect(plugin.sysPath).toContain(pluginDir);
  });

  it("refuses to overwrite an existing scaffold (exit 2) and leaves it unchanged", async () => {
    writeFileSync(join(pluginDir, "plugin.ts"), "// edited by hand\n");
    const run = await runInProcess(PluginsInit, ["netmod:Net", "--path", modelDir, "--dir", pluginDir, "--json"]);
    expect(run.exitCode).toBe(2);
    const { error } = JSON.parse(run.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe("exists");
    expect(error.message).toMatch(/plugin\.ts and .*sweep\.yaml already exist: pass --force/);
    expect(readFileSync(join(pluginDir, "plugin.ts"), "utf8")).toBe("// edited by hand\n");
  });

  it("--force overwrites, and --name/--size-param are honoured", async () => {
    const run = await runInProcess(PluginsInit, ["netmod:Net", "--path", modelDir, "--dir", pluginDir, "--name", "netty", "--size-param", "depth", "--force"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("size parameter depth");
    const manifest = await loadManifest(join(pluginDir, "plugin.ts"));
    expect(manifest).toMatchObject({ name: "netty", model: { sizeParam: "depth" } });
    expect(Object.keys(manifest.model.options!.shape)).toEqual(["width"]); // required, no default
    expect(existsSync(join(pluginDir, "package.json"))).toBe(true);
  });
});
