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
  it("zodField types an option by its Python default, else by a plain annotation", () => {
    expect(zodField(param("n", 4, "int")).expression).toBe("z.number().int().default(4)");
    expect(zodField(param("p", 0.5, "float")).expression).toBe("z.number().default(0.5)");
    expect(zodField(param("b", true, "bool")).expression).toBe("z.boolean().default(true)");
    expect(zodField(param("s", 'say "hi"', "str")).expression).toBe('z.string().default("say \\"hi\\"")');
    expect(zodField(param("v", null, "NoneType", { annotation: "Optional[int]" })).expression).toBe("z.number().int().optional()");
    expect(zodField(param("v", null, "NoneType", { annotation: "list[int] | None" })).expression).toBe("z.unknown().optional()");
    expect(zodField(param("f", "inf", "float")).expression).toBe("z.unknown().optional()");
    expect(zodField(param("r", null, null, { annotation: "str" }))).toEqual({ expression: "z.string()", note: "required: r has no default in Python" });
  });

  it("a manifest for every kind of argument loads, and its option defaults are the Python ones", async () => {
    const pluginDir = join(dir, "tiny");
    mkdirSync(pluginDir);
    writeFileSync(join(pluginDir, "package.json"), packageJsonText("tiny"));
    writeFileSync(join(pluginDir, "plugin.ts"), manifestText(input));
    const manifest = await loadManifest(join(pluginDir, "plugin.ts"));
    expect(manifest.model).toMatchObject({ target: "tiny.model:Tiny", sizeParam: "d_model" });
    const options = manifest.model.options!;
    expect(options.parse({ extra: [1] })).toEqual({ n_layers: 4, dropout: 0.1, ratio: 2, bias: false, act: "gelu", extra: [1] });
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
    expect(defaultSizes([param("width", 48, "int")], "width")).toEqual([48, 96]);
    expect(defaultSizes([param("width", null, null)], "width")).toEqual([64, 128]);
  });
});
