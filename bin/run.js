#!/usr/bin/env node
// flops-fit entry point: runs the compiled commands in dist/ through oclif.
import { execute, settings } from "@oclif/core";

// Always the compiled commands (oclif would look for TypeScript sources when NODE_ENV is
// "development" or "test", and warn on stderr).
settings.enableAutoTranspile = false;
await execute({ dir: import.meta.url });
