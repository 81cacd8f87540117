import { spawnSync } from "node:child_process";
import { expect, test } from "vitest";
import { ROOT } from "../helpers/kiln";

function startWith(env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
}

test.each([
  [{ PORT: "eighty" }, "PORT"],
  [{ DATABASE_URL: "mysql://x@localhost/db" }, "DATABASE_URL"],
  [{ KILN_ADMIN_TOKEN: "short" }, "KILN_ADMIN_TOKEN"],
  [{ KILN_SIGNUP: "maybe" }, "KILN_SIGNUP"],
  [{ OIDC_ISSUER: "https://id.example.com" }, "OIDC_ISSUER"],
])("a wrong %o stops start-up with a message naming %s", (env, variable) => {
  const r = startWith(env);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("Invalid configuration");
  expect(r.stderr).toMatch(new RegExp(`^\\s+${variable}: `, "m"));
});
