import { describe, expect, test } from "vitest";
import { ConfigError, parseConfig } from "../../lib/config";

describe("configuration", () => {
  test("defaults: port 3000, PGlite under ./data, open sign-up", () => {
    const c = parseConfig({});
    expect(c.port).toBe(3000);
    expect(c.database.kind).toBe("pglite");
    expect(c.database.kind === "pglite" && c.database.dir).toMatch(/data[/\\]pglite$/);
    expect(c.signupDefault).toBe("open");
    expect(c.publicUrl).toBe("http://localhost:3000");
  });

  test("DATABASE_URL selects PostgreSQL; admin emails are parsed and lower-cased", () => {
    const c = parseConfig({ DATABASE_URL: "postgres://u@h/db", KILN_ADMIN_EMAILS: "A@x.io, b@y.io", PORT: "8080" });
    expect(c.database).toEqual({ kind: "postgres", url: "postgres://u@h/db" });
    expect(c.adminEmails).toEqual(["a@x.io", "b@y.io"]);
    expect(c.port).toBe(8080);
  });

  test("an empty variable counts as unset", () => {
    expect(parseConfig({ DATABASE_URL: "" }).database.kind).toBe("pglite");
  });

  test.each([
    [{ PORT: "70000" }, "PORT"],
    [{ KILN_ADMIN_EMAILS: "not-an-email" }, "KILN_ADMIN_EMAILS"],
    [{ GITHUB_CLIENT_ID: "id" }, "GITHUB_CLIENT_SECRET"],
    [{ KILN_PUBLIC_URL: "nope" }, "KILN_PUBLIC_URL"],
    [{ KILN_SECRET: "tooshort" }, "KILN_SECRET"],
    [{ PORT: "4000", KILN_SERVING_PORT: "4000" }, "KILN_SERVING_PORT"],
    [{ KILN_SERVING_NICE: "20" }, "KILN_SERVING_NICE"],
    [{ KILN_SERVING_PROCESSES: "0" }, "KILN_SERVING_PROCESSES"],
    [{ KILN_SERVING_UNLOAD_AFTER: "0" }, "KILN_SERVING_UNLOAD_AFTER"],
  ])("%o is refused, naming %s", (env, variable) => {
    try {
      parseConfig(env);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems.map((p) => p.variable)).toContain(variable);
      expect((e as Error).message).toContain(`${variable}: `);
    }
  });
});
