import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

// The `kiln` Python module's own tests (batching, MLflow limits, the download cache,
// errors), against a stand-in server on 127.0.0.1; real kernels cover it in tests/runs.
test("the kiln Python module's unit tests pass under the images' Python (Debian's python3)", () => {
  const r = spawnSync("/usr/bin/python3", ["-m", "unittest", "discover", "-s", "kernels/common/tests", "-v"], {
    cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", http_proxy: "", https_proxy: "" },
  });
  const ran = Number(/Ran (\d+) tests?/.exec(r.stderr)?.[1] ?? 0);
  expect(r.status, r.stderr.slice(-4000)).toBe(0);
  expect(ran).toBeGreaterThanOrEqual(20);
  expect(r.stderr).toMatch(/\nOK\b/);
}, 150_000);
