import { describe, expect, inject, test } from "vitest";
import { call, makeUser } from "../helpers/http";
import { uniq } from "../helpers/kiln";

describe.each(inject("servers"))("hub users API on $backend", (s) => {
  test("GET /hub/api/user returns the token's owner in JupyterHub's shape", async () => {
    const alice = await makeUser(s, "alice");
    const r = await call(s.url, "GET", "/hub/api/user", { token: alice.token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: "user", name: alice.name, admin: false, groups: [], servers: {} });
    expect(typeof r.body.created).toBe("string");
    expect(r.headers.get("x-request-id")).toBeTruthy();
  });

  test("Bearer and token schemes are both accepted; no or bad credentials are 401", async () => {
    const alice = await makeUser(s, "alice");
    const bearer = await call(s.url, "GET", "/hub/api/user", { headers: { authorization: `Bearer ${alice.token}` } });
    expect(bearer.body.name).toBe(alice.name);
    const none = await call(s.url, "GET", "/hub/api/user");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("unauthorized");
    expect((await call(s.url, "GET", "/hub/api/user", { token: alice.token + "x" })).status).toBe(401);
    expect((await call(s.url, "GET", "/hub/api/user", { headers: { authorization: "Basic Zm9vOmJhcg==" } })).status).toBe(401);
  });

  test("GET /hub/api/users is 403 for a non-admin and lists everyone for the admin token", async () => {
    const alice = await makeUser(s, "alice");
    const bob = await makeUser(s, "bob");
    const denied = await call(s.url, "GET", "/hub/api/users", { token: bob.token });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("forbidden");
    const all = await call(s.url, "GET", "/hub/api/users?limit=1000", { token: s.adminToken });
    expect(all.status).toBe(200);
    const names = all.body.map((u: { name: string }) => u.name);
    expect(names).toEqual(expect.arrayContaining([alice.name, bob.name]));
    expect((await call(s.url, "GET", "/hub/api/users?limit=0", { token: s.adminToken })).body.error.field).toBe("query.limit");
  });

  test("GET /hub/api/users/{name}: self or admin only", async () => {
    const alice = await makeUser(s, "alice");
    const bob = await makeUser(s, "bob");
    expect((await call(s.url, "GET", `/hub/api/users/${alice.name}`, { token: alice.token })).status).toBe(200);
    expect((await call(s.url, "GET", `/hub/api/users/${alice.name}`, { token: bob.token })).status).toBe(403);
    expect((await call(s.url, "GET", `/hub/api/users/${alice.name}`, { token: s.adminToken })).body.name).toBe(alice.name);
    expect((await call(s.url, "GET", `/hub/api/users/nobody-${uniq("")}`, { token: s.adminToken })).status).toBe(404);
  });

  test("POST /hub/api/users/{name}: admin only, 409 on a duplicate, 400 naming a bad name", async () => {
    const bob = await makeUser(s, "bob");
    const name = uniq("carol");
    expect((await call(s.url, "POST", `/hub/api/users/${name}`, { token: bob.token })).status).toBe(403);
    const created = await call(s.url, "POST", `/hub/api/users/${name}`, { token: s.adminToken, body: { admin: true } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, admin: true });
    const again = await call(s.url, "POST", `/hub/api/users/${name}`, { token: s.adminToken });
    expect(again.status).toBe(409);
    const bad = await call(s.url, "POST", `/hub/api/users/Bad..Name`, { token: s.adminToken });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("name");
    const badBody = await call(s.url, "POST", `/hub/api/users/${uniq("d")}`, { token: s.adminToken, body: { admin: "yes" } });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.field).toBe("admin");
  });

  test("POST /hub/api/users creates several users, skipping those that exist", async () => {
    const existing = await makeUser(s, "e");
    const fresh = [uniq("f"), uniq("g")];
    const r = await call(s.url, "POST", "/hub/api/users", { token: s.adminToken, body: { usernames: [existing.name, ...fresh] } });
    expect(r.status).toBe(201);
    expect(r.body.map((u: { name: string }) => u.name).sort()).toEqual(fresh.sort());
  });

  test("DELETE /hub/api/users/{name} removes the user and their tokens stop working", async () => {
    const dave = await makeUser(s, "dave");
    const bob = await makeUser(s, "bob");
    expect((await call(s.url, "DELETE", `/hub/api/users/${dave.name}`, { token: bob.token })).status).toBe(403);
    expect((await call(s.url, "DELETE", `/hub/api/users/${dave.name}`, { token: s.adminToken })).status).toBe(204);
    expect((await call(s.url, "GET", "/hub/api/user", { token: dave.token })).status).toBe(401);
    expect((await call(s.url, "GET", `/hub/api/users/${dave.name}`, { token: s.adminToken })).status).toBe(404);
    expect((await call(s.url, "DELETE", `/hub/api/users/${dave.name}`, { token: s.adminToken })).status).toBe(404);
  });

  test("PATCH /hub/api/users/{name} makes a user admin, who can then list users", async () => {
    const erin = await makeUser(s, "erin");
    const r = await call(s.url, "PATCH", `/hub/api/users/${erin.name}`, { token: s.adminToken, body: { admin: true } });
    expect(r.status).toBe(200);
    expect(r.body.admin).toBe(true);
    expect((await call(s.url, "GET", "/hub/api/users", { token: erin.token })).status).toBe(200);
    const empty = await call(s.url, "PATCH", `/hub/api/users/${erin.name}`, { token: s.adminToken, body: {} });
    expect(empty.status).toBe(400);
  });

  test("unknown API paths answer a JSON 404", async () => {
    const r = await call(s.url, "GET", "/hub/api/no-such-thing", { token: s.adminToken });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("not_found");
  });
});
