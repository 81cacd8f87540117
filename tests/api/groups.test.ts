import { describe, expect, inject, test } from "vitest";
import { call, makeUser } from "../helpers/http";
import { uniq } from "../helpers/kiln";

describe.each(inject("servers"))("groups API on $backend", (s) => {
  test("an admin creates a group, adds and removes members; users see their groups", async () => {
    const alice = await makeUser(s, "alice");
    const bob = await makeUser(s, "bob");
    const g = uniq("team-");
    const created = await call(s.url, "POST", `/hub/api/groups/${g}`, { token: s.adminToken, body: { users: [alice.name] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: "group", name: g, users: [alice.name] });
    expect((await call(s.url, "POST", `/hub/api/groups/${g}`, { token: s.adminToken })).status).toBe(409);

    const added = await call(s.url, "POST", `/hub/api/groups/${g}/users`, { token: s.adminToken, body: { users: [bob.name] } });
    expect(added.body.users.sort()).toEqual([alice.name, bob.name].sort());
    expect((await call(s.url, "GET", "/hub/api/user", { token: bob.token })).body.groups).toEqual([g]);

    const removed = await call(s.url, "DELETE", `/hub/api/groups/${g}/users`, { token: s.adminToken, body: { users: [alice.name] } });
    expect(removed.body.users).toEqual([bob.name]);
    const list = await call(s.url, "GET", "/hub/api/groups", { token: s.adminToken });
    expect(list.body.find((x: { name: string }) => x.name === g).users).toEqual([bob.name]);

    expect((await call(s.url, "DELETE", `/hub/api/groups/${g}`, { token: s.adminToken })).status).toBe(204);
    expect((await call(s.url, "GET", "/hub/api/user", { token: bob.token })).body.groups).toEqual([]);
  });

  test("group changes are admin only; unknown users are 400 and unknown groups 404", async () => {
    const bob = await makeUser(s, "bob");
    const g = uniq("g-");
    expect((await call(s.url, "POST", `/hub/api/groups/${g}`, { token: bob.token })).status).toBe(403);
    expect((await call(s.url, "GET", "/hub/api/groups", { token: bob.token })).status).toBe(403);
    await call(s.url, "POST", `/hub/api/groups/${g}`, { token: s.adminToken });
    const unknown = await call(s.url, "POST", `/hub/api/groups/${g}/users`, { token: s.adminToken, body: { users: ["nobody-here"] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe("users");
    const missing = await call(s.url, "POST", `/hub/api/groups/${uniq("none-")}/users`, { token: s.adminToken, body: { users: [bob.name] } });
    expect(missing.status).toBe(404);
    expect((await call(s.url, "POST", `/hub/api/groups/${g}/users`, { token: bob.token, body: { users: [bob.name] } })).status).toBe(403);
  });
});
