import path from "node:path";
import { defineConfig } from "vitest/config";

// The dataset store needs no Kiln server, database or Docker: this runs its tests without the
// project config's global setup (which starts all of those). `npm test` still runs them too.
export default defineConfig({
  root: path.resolve(__dirname, "../.."),
  test: {
    include: ["tests/datasets/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    retry: 0,
  },
});
