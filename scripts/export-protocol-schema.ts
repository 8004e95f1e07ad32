// Writes the protocol's JSON Schema for the Python worker. Run: npm run protocol:export
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { protocolJsonSchemaText } from "../src/protocol/json-schema.js";

const target = join(dirname(fileURLToPath(import.meta.url)), "..", "py_runtime", "flops_fit_worker", "protocol.schema.json");
writeFileSync(target, protocolJsonSchemaText());
console.error(`wrote ${target}`);
