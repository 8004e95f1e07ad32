/** Arguments shared by several commands. */
import { Args } from "@oclif/core";

export const configArg = Args.string({
  name: "CONFIG",
  description: "sweep config (YAML); default: the built-in quickstart (configs/quickstart.yaml)",
  required: false,
});
