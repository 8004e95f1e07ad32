/** The protocol as one JSON Schema document, for the Python worker to validate against. */
import { z } from "zod";
import { FromWorker, PROTOCOL_VERSION, ToWorker } from "./messages.js";

/** A subschema without its own `$schema` key (only the document root carries one). */
function subschema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
  return rest;
}

export function protocolJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "flops-fit worker protocol",
    description: "Generated from src/protocol/messages.ts by `npm run protocol:export`; do not edit.",
    protocol_version: PROTOCOL_VERSION,
    $defs: { ToWorker: subschema(ToWorker), FromWorker: subschema(FromWorker) },
  };
}

export function protocolJsonSchemaText(): string {
  return JSON.stringify(protocolJsonSchema(), null, 2) + "\n";
}
