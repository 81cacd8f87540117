import path from "node:path";
import { defineConfig } from "vitest/config";

// The dataset blob store needs no Kiln server, database or Docker: this runs its tests without
// the project config's global setup (which starts all of those). `npm test` runs them too.
// usage: npx vitest run --config tests/datasets/vitest.config.ts
export default defineConfig({
  root: path.resolve(__dirname, "../.."),
  test: {
    include: ["tests/datasets/store.test.ts", "tests/datasets/ingest-pipeline.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    retry: 0,
  },
});
