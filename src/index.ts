/** The public API for plugin authors: `import { definePlugin, z } from "flops-fit"`. */
export { definePlugin } from "./plugins/define.js";
export type { PluginManifest, PluginPart, OptionsSchema } from "./plugins/define.js";
export { z } from "zod";
