import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import PluginsInit from "../../src/commands/plugins/init.js";
import { loadConfig } from "../../src/config/load.js";
import { loadManifest } from "../../src/plugins/load-manifest.js";
import { resolvePlugin } from "../../src/plugins/registry.js";
import { hasPython, makeModelDir, runInProcess } from "./helpers.js";

const modelDir = makeModelDir();
const pluginDir = join(modelDir, "plugins", "net");
afterAll(() => rmSync(modelDir, { recursive: true, force: true }));

describe("flops-fit plugins init", () => {
  it("scaffolds plugin.ts for Net(width, depth=2) that loadManifest loads, with sizeParam width and depth left to Python's default", async () => {
    const run = await runInProcess(PluginsInit, ["netmod:Net", "--path", modelDir, "--dir", pluginDir, "--json"]);
    expect(run.exitCode).toBe(0);
    expect(run.result).toMatchObject({ name: "net", target: "netmod:Net", size_param: "width", dir: pluginDir, python_path: modelDir });

    const manifest = await loadManifest(join(pluginDir, "plugin.ts"));
    expect(manifest.name).toBe("net");
    expect(manifest.model).toMatchObject({ target: "netmod:Net", sizeParam: "width" });
    expect(manifest.model.options!.parse({})).toEqual({}); // unset: not passed, so Net's own depth=2 applies
    expect(manifest.model.options!.parse({ depth: 3 })).toEqual({ depth: 3 });
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
    expect(plugin.model).toEqual({ target: "netmod:Net", size_param: "width", options: {} });
    expect(text).not.toMatch(/depth/); // only options the user must set
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

describe.skipIf(!hasPython("timm"))("flops-fit plugins init on timm's VisionTransformer", () => {
  const timmDir = join(modelDir, "plugins", "vit");
  it("maps the data's hints to img_size/in_chans, keeps num_classes to the data and proposes embed_dim in steps of the 12 heads", async () => {
    const run = await runInProcess(PluginsInit, ["timm.models.vision_transformer:VisionTransformer", "--dir", timmDir, "--data", "plugins.vit.data:DeformedDigits", "--json"]);
    expect(run.exitCode).toBe(0);
    expect(run.result).toMatchObject({ size_param: "embed_dim", size_values: { multiple_of: 12, checked: "step", hints: { image_size: "img_size", channels: "in_chans", num_classes: "num_classes", patch_size: "patch_size" } } });
    // Every proposed value was tried, and the constraint that set the step is named.
    const proposal = (run.result as { size_values: { tried: number; constraint: string } }).size_values;
    expect(proposal.tried).toBeGreaterThanOrEqual(10);
    expect(proposal.constraint).toMatch(/^head divisibility: embed_dim must be divisible by the 12 heads \(embed_dim=8 failed: /);
    const manifest = await loadManifest(join(timmDir, "plugin.ts"));
    expect(manifest.model.options!.parse({})).toEqual({}); // no num_classes: 1000, no img_size: 224 to override the data
    const text = readFileSync(join(timmDir, "sweep.yaml"), "utf8");
    expect(text).toMatch(/size_values: \{ min: 12, max: \d+, count: 24, multiple_of: 12 \} +# candidate embed_dim values \(all \d+ values tried: each took a training step on the data\)/);
    expect(text).toMatch(/^ {2}# multiple_of 12: head divisibility: embed_dim must be divisible by the 12 heads/m);
  }, 240_000);
});
