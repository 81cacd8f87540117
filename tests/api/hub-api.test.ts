import { describe, expect, inject, test } from "vitest";
import { call, makeUser } from "../helpers/http";
import { uniq } from "../helpers/kiln";

const PAGINATED = { accept: "application/jupyterhub-pagination+json" };

describe.each(inject("servers"))("JupyterHub's version, info and activity endpoints on $backend", (s) => {
  test("GET /hub/api/ answers the version without credentials, with or without the slash", async () => {
    for (const path of ["/hub/api/", "/hub/api"]) {
      const r = await call(s.url, "GET", path);
      expect(r.status, path).toBe(200);
      expect(r.body.version).toMatch(/^\d+\.\d+\.\d+$/);
      // the idle culler asks for ?state= from JupyterHub 1.3.0 on
      expect(Number(r.body.version.split(".")[0])).toBeGreaterThanOrEqual(2);
      expect(typeof r.body.kiln_version).toBe("string");
    }
  });

  test("GET /hub/api/info: admins (read:hub), in JupyterHub's shape", async () => {
    const info = await call(s.url, "GET", "/hub/api/info", { token: s.adminToken });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ version: expect.any(String), sys_executable: expect.any(String), node: expect.stringMatching(/^v\d+/) });
    expect(info.body.spawner.class).toMatch(/^kiln\.spawners\.(DockerSpawner|LocalProcessSpawner)$/);
    expect(info.body.authenticator.providers).toContain("credentials");
    const alice = await makeUser(s, "alice");
    expect((await call(s.url, "GET", "/hub/api/info", { token: alice.token })).status).toBe(403);
  });

  test("POST /hub/api/users/{name}/activity moves last_activity forward, never back; bad reports are 400 naming the field", async () => {
    const alice = await makeUser(s, "alice");
    const url = `/hub/api/users/${alice.name}/activity`;
    const at = new Date(Date.now() - 60_000).toISOString();
    expect((await call(s.url, "POST", url, { token: alice.token, body: { last_activity: at } })).status).toBe(204);
    // an admin's read of the model (alice's own requests touch it themselves)
    const read = async () => (await call(s.url, "GET", `/hub/api/users/${alice.name}`, { token: s.adminToken })).body.last_activity as string;
    expect(Date.parse(await read())).toBeGreaterThanOrEqual(Date.parse(at));
    const before = await read();
    expect((await call(s.url, "POST", url, { token: alice.token, body: { last_activity: "2001-01-01T00:00:00Z" } })).status).toBe(204);
    expect(Date.parse(await read())).toBeGreaterThanOrEqual(Date.parse(before));
    // JupyterHub's naive timestamps are UTC, with microseconds
    expect((await call(s.url, "POST", url, { token: alice.token, body: { last_activity: "2001-01-01T00:00:00.123456" } })).status).toBe(204);

    for (const [body, field] of [
      [{}, "last_activity"],
      [{ last_activity: "yesterday" }, "last_activity"],
      [{ last_activity: new Date(Date.now() + 2 * 3600_000).toISOString() }, "last_activity"],
      [{ servers: { nosuch: { last_activity: at } } }, "servers"],
      [{ servers: { "": {} } }, "servers.last_activity"],
    ] as const) {
      const r = await call(s.url, "POST", url, { token: alice.token, body });
      expect([r.status, r.body.error?.field], JSON.stringify(body)).toEqual([400, field]);
    }
    const bob = await makeUser(s, "bob");
    expect((await call(s.url, "POST", url, { token: bob.token, body: { last_activity: at } })).status).toBe(403);
    // a server's own reporting token: users:activity for its user only
    const reporter = (await call(s.url, "POST", `/hub/api/users/${alice.name}/tokens`, { token: alice.token, body: { scopes: ["users:activity!user"] } })).body.token;
    expect((await call(s.url, "POST", url, { token: reporter, body: { last_activity: at } })).status).toBe(204);
    expect((await call(s.url, "GET", `/hub/api/users/${alice.name}/tokens`, { token: reporter })).status).toBe(403);
  });

  test("GET /hub/api/users pages as JupyterHub does (Accept: application/jupyterhub-pagination+json) and filters by state and name", async () => {
    const prefix = uniq("pg");
    for (const n of ["a", "b", "c"]) expect((await call(s.url, "POST", `/hub/api/users/${prefix}${n}`, { token: s.adminToken })).status).toBe(201);
    const first = await call(s.url, "GET", `/hub/api/users?name_filter=${prefix}&limit=2`, { token: s.adminToken, headers: PAGINATED });
    expect(first.status).toBe(200);
    expect(first.body.items.map((u: { name: string }) => u.name)).toEqual([`${prefix}a`, `${prefix}b`]);
    expect(first.body._pagination).toMatchObject({ offset: 0, limit: 2, total: 3, next: { offset: 2, limit: 2 } });
    // the next page's URL is absolute and keeps the filters
    const next = new URL(first.body._pagination.next.url);
    expect(next.searchParams.get("name_filter")).toBe(prefix);
    const second = await call(s.url, "GET", next.pathname + next.search, { token: s.adminToken, headers: PAGINATED });
    expect(second.body.items.map((u: { name: string }) => u.name)).toEqual([`${prefix}c`]);
    expect(second.body._pagination.next).toBeNull();
    // without the header: the plain list; no server: inactive, not ready
    expect((await call(s.url, "GET", `/hub/api/users?name_filter=${prefix}`, { token: s.adminToken })).body).toHaveLength(3);
    expect((await call(s.url, "GET", `/hub/api/users?name_filter=${prefix}&state=inactive`, { token: s.adminToken })).body).toHaveLength(3);
    expect((await call(s.url, "GET", `/hub/api/users?name_filter=${prefix}&state=ready`, { token: s.adminToken })).body).toEqual([]);
    const bad = await call(s.url, "GET", "/hub/api/users?state=sleepy", { token: s.adminToken });
    expect([bad.status, bad.body.error.field]).toEqual([400, "query.state"]);
  });
});
