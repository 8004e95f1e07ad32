import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Two test files at a time: integration tests spend much of their time starting Python
    // workers and waiting on them, so two overlap well on 2 cores. No test depends on timing
    // or on being alone (each finds its own workers by parent process, in its own temp
    // folder); the timeouts leave room for a machine shared by two files.
    maxWorkers: 2,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
