#!/usr/bin/env node
// Writes oclif.manifest.json so `flops-fit --help` lists commands without importing them
// (start-up well under a second). Run by `npm run build`.
import { Config } from "@oclif/core";
import { writeFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const file = join(root, "oclif.manifest.json");
rmSync(file, { force: true }); // a stale manifest would be read instead of the commands
const config = await Config.load({ root });
const manifest = config.rootPlugin.manifest;
writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
console.error(`flops-fit: wrote oclif.manifest.json (${Object.keys(manifest.commands).length} commands)`);
