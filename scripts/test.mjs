// `npm test`: provision, build if needed, run the whole suite.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureBuild, ensureDependencies, root, say } from "./lib.mjs";

ensureDependencies();
const { ensureChromium, ensureLocalJupyter, ensureNginx, ensurePostgres } = await import("./provision.mjs");
ensurePostgres();
ensureChromium();
ensureLocalJupyter();
ensureNginx();
ensureBuild();
// A real Docker engine (no bridge network) and the offline-built kernel images.
const { ensureDockerEngine } = await import("./docker-engine.mjs");
await ensureDockerEngine();
const { ensureImages } = await import("../docker/build-images.mjs");
ensureImages(["python", "pytorch"]);
// Tests that take the shared engine's images away (a newcomer's machine) run alone, after the
// rest: beside them another test's Kiln could rebuild the image first, or fail to find it.
const ALONE = ["tests/e2e/first-start.test.ts"];
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const args = process.argv.slice(2);
const phases = args.length
  ? [{ name: "vitest", args }]
  : [
      { name: "vitest", args: ALONE.flatMap((f) => ["--exclude", f]) },
      { name: "vitest-alone", args: ALONE },
    ];
let status = 0;
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const phase of phases) {
  say(phase.name === "vitest" ? "running the test suite" : `running alone: ${ALONE.join(", ")}`);
  const report = path.join(root, "test-results", `${phase.name}.json`);
  fs.rmSync(report, { force: true });
  const r = spawnSync(
    process.execPath,
    [vitest, "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...phase.args],
    { cwd: root, stdio: "inherit" },
  );
  if (r.status !== 0) status = r.status ?? 1;
  if (!fs.existsSync(report)) {
    totals.failed = Math.max(totals.failed, 1);
    continue;
  }
  const j = JSON.parse(fs.readFileSync(report, "utf8"));
  totals.passed += j.numPassedTests;
  totals.skipped += j.numPendingTests + j.numTodoTests;
  // A suite that failed to load has no failed test of its own: count it, never report 0.
  totals.failed += j.numFailedTests || (j.success && r.status === 0 ? 0 : Math.max(1, j.numFailedTestSuites));
}
// One plain closing line that any CI can read, whatever the runner prints above it.
process.stdout.write(`\nTests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}\n`);
process.exit(status || (totals.failed ? 1 : 0));
