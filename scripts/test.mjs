// `npm test`: provision, build if needed, run the whole suite.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureBuild, ensureDependencies, root, say } from "./lib.mjs";

ensureDependencies();
const { ensureChromium, ensureLocalJupyter, ensurePostgres } = await import("./provision.mjs");
ensurePostgres();
ensureChromium();
ensureLocalJupyter();
ensureBuild();
// A real Docker engine (no bridge network) and the offline-built kernel images.
const { ensureDockerEngine } = await import("./docker-engine.mjs");
await ensureDockerEngine();
const { ensureImages } = await import("../docker/build-images.mjs");
ensureImages(["python", "pytorch"]);
say("running the test suite");
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const report = path.join(root, "test-results", "vitest.json");
fs.rmSync(report, { force: true });
const r = spawnSync(
  process.execPath,
  [vitest, "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit" },
);
// One plain closing line that any CI can read, whatever the runner prints above it.
if (fs.existsSync(report)) {
  const j = JSON.parse(fs.readFileSync(report, "utf8"));
  const skipped = j.numPendingTests + j.numTodoTests;
  // A suite that failed to load has no failed test of its own: count it, never report 0.
  const failed = j.numFailedTests || (j.success && r.status === 0 ? 0 : Math.max(1, j.numFailedTestSuites));
  process.stdout.write(`\nTests: ${j.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
}
process.exit(r.status ?? 1);
