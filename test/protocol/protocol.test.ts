import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/load.js";
import { protocolJsonSchemaText } from "../../src/protocol/json-schema.js";
import { FromWorker, ToWorker } from "../../src/protocol/messages.js";
import { choosePython, workerPythonPath } from "../../src/scheduler/python.js";

const examples = JSON.parse(readFileSync(join(PROJECT_ROOT, "test/fixtures/protocol-examples.json"), "utf8")) as {
  to_worker: unknown[];
  from_worker: unknown[];
  invalid_to_worker: unknown[];
};

describe("wire protocol", () => {
  it("the JSON Schema the worker loads is the one generated from the zod schemas (run npm run protocol:export when this fails)", () => {
    const onDisk = readFileSync(join(PROJECT_ROOT, "py_runtime/flops_fit_worker/protocol.schema.json"), "utf8");
    expect(onDisk).toBe(protocolJsonSchemaText());
  });

  it("every example message parses on the TypeScript side", () => {
    for (const message of examples.to_worker) expect(ToWorker.safeParse(message).error).toBeUndefined();
    for (const message of examples.from_worker) expect(FromWorker.safeParse(message).error).toBeUndefined();
    for (const message of examples.invalid_to_worker) expect(ToWorker.safeParse(message).success).toBe(false);
  });

  it("the same examples get the same verdicts on the Python side", () => {
    const script = `
import json, sys
from flops_fit_worker.protocol import parse_incoming, check_outgoing, ProtocolError
examples = json.load(open(sys.argv[1]))
verdicts = {"to_worker": [], "from_worker": [], "invalid_to_worker": []}
for m in examples["to_worker"]:
    parse_incoming(json.dumps(m).encode()); verdicts["to_worker"].append(True)
for m in examples["from_worker"]:
    check_outgoing(m); verdicts["from_worker"].append(True)
for m in examples["invalid_to_worker"]:
    try:
        parse_incoming(json.dumps(m).encode()); verdicts["invalid_to_worker"].append(True)
    except ProtocolError:
        verdicts["invalid_to_worker"].append(False)
print(json.dumps(verdicts))
`;
    const out = execFileSync(choosePython().executable, ["-c", script, join(PROJECT_ROOT, "test/fixtures/protocol-examples.json")], {
      env: { ...process.env, PYTHONPATH: workerPythonPath() },
    }).toString();
    const verdicts = JSON.parse(out) as Record<string, boolean[]>;
    expect(verdicts.to_worker).toEqual(examples.to_worker.map(() => true));
    expect(verdicts.from_worker).toEqual(examples.from_worker.map(() => true));
    expect(verdicts.invalid_to_worker).toEqual(examples.invalid_to_worker.map(() => false));
  });
});
