// Runs one `plugins` command from src/ in this process, the way bin/run.js would run the built
// one: `node --import tsx test/plugins/run-command.ts inspect net:Net --json`. Lets tests check
// the real stdout and exit code without `npm run build`.
import { handle } from "@oclif/core";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const [name, ...argv] = process.argv.slice(2);
const command = (await import(`../../src/commands/plugins/${name}.ts`)) as { default: { run(argv: string[], root: string): Promise<unknown> } };
await command.default.run(argv, root).catch((error: Error) => handle(error));
