import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { SignatureParam } from "../../src/plugins/inspect-target.js";
import { chooseSizeParam, defaultSizes } from "../../src/plugins/inspect-target.js";
import { loadManifest } from "../../src/plugins/load-manifest.js";
import { defaultPluginName, exampleSizeValues, manifestText, packageJsonText, sweepConfigText, zodField, type ScaffoldInput } from "../../src/plugins/scaffold.js";

const param = (name: string, value: unknown, type: string | null, extra: Partial<SignatureParam> = {}): SignatureParam => ({
  name, kind: "POSITIONAL_OR_KEYWORD", default: type === null ? null : value, default_type: type, required: type === null, annotation: null, ...extra,
});

/** Everything a signature can hold: the size, each default type, None, an object default, *args/**kwargs. */
const signature: SignatureParam[] = [
  param("d_model", null, null, { annotation: "int" }),
  param("n_layers", 4, "int"),
  param("dropout", 0.1, "float"),
  param("ratio", 2, "float"),
  param("bias", false, "bool"),
  param("act", "gelu", "str"),
  param("vocab_size", null, "NoneType", { annotation: "int | None" }),
  param("norm", "<class 'torch.nn.LayerNorm'>", "type"),
  param("extra", null, null),
  param("args", null, null, { kind: "VAR_POSITIONAL", required: false }),
  param("kwargs", null, null, { kind: "VAR_KEYWORD", required: false }),
];
const input: ScaffoldInput = { name: "tiny", target: "tiny.model:Tiny", sizeParam: "d_model", signature, configPath: "plugins/tiny/sweep.yaml", pythonPath: null };

const dir = mkdtempSync(join(tmpdir(), "flops-fit-scaffold-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("scaffold", () => {
  it("zodField types an option by its Python default, else by a plain annotation, and keeps the default Python's", () => {
    expect(zodField(param("n", 4, "int"))).toEqual({ expression: "z.number().int().optional()", note: "unset: Python's default 4" });
    expect(zodField(param("p", 0.5, "float")).expression).toBe("z.number().optional()");
    expect(zodField(param("b", true, "bool")).expression).toBe("z.boolean().optional()");
    expect(zodField(param("s", 'say "hi"', "str"))).toEqual({ expression: "z.string().optional()", note: `unset: Python's default "say \\"hi\\""` });
    expect(zodField(param("v", null, "NoneType", { annotation: "Optional[int]" })).expression).toBe("z.number().int().optional()");
    expect(zodField(param("v", null, "NoneType", { annotation: "list[int] | None" })).expression).toBe("z.unknown().optional()");
    expect(zodField(param("f", "inf", "float")).expression).toBe("z.unknown().optional()");
    expect(zodField(param("r", null, null, { annotation: "str" }))).toEqual({ expression: "z.string()", note: "required: r has no default in Python" });
  });

  it("a manifest for every kind of argument loads, and an option the config leaves unset is not passed (Python's default applies)", async () => {
    const pluginDir = join(dir, "tiny");
    mkdirSync(pluginDir);
    writeFileSync(join(pluginDir, "package.json"), packageJsonText("tiny"));
    writeFileSync(join(pluginDir, "plugin.ts"), manifestText(input));
    const manifest = await loadManifest(join(pluginDir, "plugin.ts"));
    expect(manifest.model).toMatchObject({ target: "tiny.model:Tiny", sizeParam: "d_model" });
    const options = manifest.model.options!;
    expect(options.parse({ extra: [1] })).toEqual({ extra: [1] });
    expect(options.parse({ extra: 1, n_layers: 6 })).toEqual({ extra: 1, n_layers: 6 });
    expect(Object.keys(options.shape)).not.toContain("d_model");
    expect(options.safeParse({}).success).toBe(false); // extra has no default: a config must set it
    expect(options.parse({ extra: 1, anything: 1 })).toMatchObject({ anything: 1 }); // **kwargs: unknown options pass through
    expect(options.safeParse({ vocab_size: "x" }).success).toBe(false);
  });

  it("sweep.yaml names this folder as the plugin, and sizes from 1/8 to 8x the default", () => {
    const text = sweepConfigText({ ...input, signature: [param("width", 64, "int"), param("depth", null, null)], sizeParam: "width" });
    expect(text).toMatch(/^plugin: \.\s/m);
    expect(text).toMatch(/^ {2}size_values: \{ min: 8, max: 512, count: 24 \}/m);
    expect(text).toMatch(/^ {4}depth: null {3}# TODO: required by tiny.model:Tiny/m);
    expect(exampleSizeValues([param("width", null, null)], "width")).toEqual({ min: 8, max: 512, count: 24 });
  });

  it("names, size parameter guesses and default sizes", () => {
    expect(defaultPluginName("pkg.models:TinyGPT")).toBe("tinygpt");
    expect(defaultPluginName("m:_Private")).toBe("private");
    expect(chooseSizeParam([param("vocab", 1, "int"), param("dim", 1, "int"), param("hidden_size", 1, "int")], undefined, "m:X")).toBe("hidden_size");
    expect(chooseSizeParam([param("layers", 1, "int")], undefined, "m:X")).toBeNull();
    expect(defaultSizes()).toEqual([64, 128]);
    expect(defaultSizes(12)).toEqual([60, 132]); // multiples of the model's size step, never its (huge) default
  });

  it("sweep.yaml takes the size step found by building the model, and plugin.ts says where each data hint goes", () => {
    const proposal = { multiple_of: 12, min: 12, max: 768, count: 24, checked: "step" as const, notes: [], hints: { image_size: "img_size", channels: "in_chans", seq_len: null } };
    const text = sweepConfigText({ ...input, proposal });
    expect(text).toContain("size_values: { min: 12, max: 768, count: 24, multiple_of: 12 }   # candidate d_model values (each took a training step on the data)");
    const manifest = manifestText({ ...input, proposal, dataTarget: "mydata:Images" });
    expect(manifest).toContain("image_size -> img_size, channels -> in_chans, seq_len -> (none: the model takes no such argument)");
    expect(manifest).toContain('target: "mydata:Images"');
    expect(manifest).not.toContain("TODO: the data cannot be guessed");
  });
});
