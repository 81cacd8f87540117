import { describe, expect, inject, test } from "vitest";
import WebSocket from "ws";
import { call, makeUser } from "../helpers/http";
import { uniq } from "../helpers/kiln";

type Who = { name: string; token: string };

/** Mints a token for `owner` (as `by`) with these scopes; the raw answer. */
const mint = (base: string, by: string, owner: string, body: Record<string, unknown>) => call(base, "POST", `/hub/api/users/${owner}/tokens`, { token: by, body });

/** Opens a notebook channel; resolves with the HTTP status the upgrade got (101 when it opened). */
function channelStatus(base: string, id: number, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}/api/notebooks/${id}/channel`, { headers: { authorization: `token ${token}` } });
    ws.on("open", () => (ws.close(), resolve(101)));
    ws.on("unexpected-response", (_req, res) => (res.resume(), resolve(res.statusCode ?? 0)));
    ws.on("error", reject);
  });
}

describe.each(inject("servers"))("token scopes on $backend", (s) => {
  async function admin(): Promise<Who> {
    const name = uniq("scopeadmin");
    expect((await call(s.url, "POST", `/hub/api/users/${name}`, { token: s.adminToken, body: { admin: true } })).status).toBe(201);
    return { name, token: (await mint(s.url, s.adminToken, name, {})).body.token };
  }

  test("POST tokens takes scopes, expires_in and note as JupyterHub does; the model returns them", async () => {
    const alice = await makeUser(s, "alice");
    const t = await mint(s.url, alice.token, alice.name, { scopes: ["read:notebooks", "access:servers!user", "read:notebooks"], expires_in: 600, note: "script" });
    expect(t.status).toBe(201);
    expect(t.body).toMatchObject({ note: "script", scopes: [`access:servers!user=${alice.name}`, "read:notebooks"], roles: [] });
    expect(Date.parse(t.body.expires_at) - Date.now()).toBeGreaterThan(500_000);
    const listed = (await call(s.url, "GET", `/hub/api/users/${alice.name}/tokens`, { token: alice.token })).body.api_tokens;
    expect(listed.find((x: { id: string }) => x.id === t.body.id).scopes).toEqual(t.body.scopes);
    // left out: everything the owner may do
    expect((await mint(s.url, alice.token, alice.name, {})).body.scopes).toEqual(["inherit"]);
    expect((await mint(s.url, alice.token, alice.name, { scopes: ["inherit"], expires_in: null })).body).toMatchObject({ scopes: ["inherit"], expires_at: null });
  });

  test("an unknown scope, a bad filter, a scope the owner does not hold, or roles: 400 naming the field", async () => {
    const alice = await makeUser(s, "alice");
    for (const scopes of [["read:everything"], ["servers!server=nobody"], ["notebooks!user=x"], ["all"], ["read:users"], ["access:servers!user=someoneelse"], ["list:users"]]) {
      const r = await mint(s.url, alice.token, alice.name, { scopes });
      expect(r.status, JSON.stringify(scopes)).toBe(400);
      expect(r.body.error.field).toBe("scopes");
      expect(r.body.error.message).toContain(scopes[0]!.replace("!user=someoneelse", ""));
    }
    const roles = await mint(s.url, alice.token, alice.name, { roles: ["server"] });
    expect([roles.status, roles.body.error.field]).toEqual([400, "roles"]);
  });

  test("a scoped token hands on only what it holds: never more, never 'inherit'", async () => {
    const alice = await makeUser(s, "alice");
    const minter = (await mint(s.url, alice.token, alice.name, { scopes: ["tokens!user", "read:notebooks"] })).body.token;
    expect((await mint(s.url, minter, alice.name, {})).status).toBe(403);
    expect((await mint(s.url, minter, alice.name, { scopes: ["notebooks"] })).status).toBe(403);
    const narrower = await mint(s.url, minter, alice.name, { scopes: ["read:notebooks"] });
    expect(narrower.status).toBe(201);
    // the narrower one cannot mint at all
    expect((await mint(s.url, narrower.body.token, alice.name, { scopes: [] })).status).toBe(403);
  });

  test("every route checks the scopes it declares: read:notebooks reads, cannot write, run, or reach anything else", async () => {
    const alice = await makeUser(s, "alice");
    const nb = await call(s.url, "POST", "/api/notebooks", { token: alice.token, body: { name: uniq("scoped") } });
    expect(nb.status).toBe(201);
    const reader = (await mint(s.url, alice.token, alice.name, { scopes: ["read:notebooks"] })).body.token;
    expect((await call(s.url, "GET", `/api/notebooks/${nb.body.id}`, { token: reader })).status).toBe(200);
    expect((await call(s.url, "GET", "/api/notebooks", { token: reader })).status).toBe(200);
    const write = await call(s.url, "POST", "/api/notebooks", { token: reader, body: { name: uniq("no") } });
    expect(write.status).toBe(403);
    expect(write.body.error.message).toContain("notebooks");
    for (const [method, path] of [
      ["PATCH", `/api/notebooks/${nb.body.id}`], ["POST", `/api/notebooks/${nb.body.id}/execute`], ["GET", "/api/runs"], ["GET", "/api/datasets"],
      ["GET", `/hub/api/users/${alice.name}`], ["GET", `/hub/api/users/${alice.name}/tokens`], ["POST", `/hub/api/users/${alice.name}/server`],
      ["DELETE", `/hub/api/users/${alice.name}/sessions`], ["GET", "/api/images"],
    ] as const)
      expect((await call(s.url, method, path, { token: reader, body: method === "GET" || method === "DELETE" ? undefined : {} })).status, `${method} ${path}`).toBe(403);
    // the notebook channel runs cells: `notebooks` opens it, `read:notebooks` does not
    expect(await channelStatus(s.url, nb.body.id, reader)).toBe(403);
    const writer = (await mint(s.url, alice.token, alice.name, { scopes: ["notebooks"] })).body.token;
    expect(await channelStatus(s.url, nb.body.id, writer)).toBe(101);
    expect((await call(s.url, "PATCH", `/api/notebooks/${nb.body.id}`, { token: writer, body: { name: uniq("renamed") } })).status).toBe(200);
    // JupyterHub 6's start:servers passes the scope check (here the body is then refused)
    const starter = (await mint(s.url, alice.token, alice.name, { scopes: ["start:servers!user"] })).body.token;
    const start = await call(s.url, "POST", `/hub/api/users/${alice.name}/server`, { token: starter, body: { cpu: "x" } });
    expect([start.status, start.body.error.field]).toEqual([400, "cpu"]);
    expect((await call(s.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: starter })).status).toBe(403);
    // the owner's rights still apply: bob's `self` token does not open alice's notebook
    const bob = await makeUser(s, "bob");
    const bobs = (await mint(s.url, bob.token, bob.name, { scopes: ["self"] })).body.token;
    expect((await call(s.url, "GET", `/api/notebooks/${nb.body.id}`, { token: bobs })).status).toBe(404);
  });

  test("GET /hub/api/user answers any token with who it is and its scopes; other fields need their scopes", async () => {
    const alice = await makeUser(s, "alice");
    const bare = await mint(s.url, alice.token, alice.name, { scopes: [] });
    const me = await call(s.url, "GET", "/hub/api/user", { token: bare.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ kind: "user", name: alice.name, admin: false, groups: [], scopes: [], token_id: bare.body.id });
    const full = await call(s.url, "GET", "/hub/api/user", { token: alice.token });
    expect(full.body.scopes).toContain(`access:servers!user=${alice.name}`);
    expect(full.body).toHaveProperty("created");
    const activity = (await mint(s.url, alice.token, alice.name, { scopes: ["read:users:activity!user"] })).body.token;
    const seen = await call(s.url, "GET", `/hub/api/users/${alice.name}`, { token: activity });
    expect(Object.keys(seen.body).sort()).toEqual(["kind", "last_activity", "name"]);
  });

  test("an admin's token filtered to one user or group reaches those and is 404 for others; lists are filtered", async () => {
    const root = await admin();
    const alice = await makeUser(s, "alice");
    const bob = await makeUser(s, "bob");
    const carol = await makeUser(s, "carol");
    const group = uniq("team");
    expect((await call(s.url, "POST", `/hub/api/groups/${group}`, { token: root.token, body: { users: [carol.name] } })).status).toBe(201);
    const t = (await mint(s.url, root.token, root.name, { scopes: [`read:users!user=${alice.name}`, `read:users!group=${group}`, `list:users!user=${alice.name}`, `list:users!group=${group}`] })).body.token;
    expect((await call(s.url, "GET", `/hub/api/users/${alice.name}`, { token: t })).status).toBe(200);
    expect((await call(s.url, "GET", `/hub/api/users/${carol.name}`, { token: t })).status).toBe(200);
    expect((await call(s.url, "GET", `/hub/api/users/${bob.name}`, { token: t })).status).toBe(404);
    expect((await call(s.url, "GET", `/hub/api/users/${root.name}`, { token: t })).status).toBe(404);
    const listed = await call(s.url, "GET", "/hub/api/users?limit=1000", { token: t });
    expect(listed.body.map((u: { name: string }) => u.name).sort()).toEqual([alice.name, carol.name].sort());
    expect(listed.body[0]).toHaveProperty("email"); // read:users shows the model, not the servers
    expect(listed.body[0]).not.toHaveProperty("servers");
    // and it grants nothing else, not even what its owner could do
    expect((await call(s.url, "GET", "/hub/api/groups", { token: t })).status).toBe(403);
    expect((await call(s.url, "PATCH", `/hub/api/users/${alice.name}`, { token: t, body: { display_name: "x" } })).status).toBe(403);
  });

  test("the OpenAPI document lists each operation's scopes", async () => {
    const doc = (await call(s.url, "GET", "/api/openapi.json")).body;
    expect(doc.paths["/hub/api/users"].get.security[0]).toEqual({ token: ["list:users"] });
    expect(doc.paths["/api/notebooks"].post["x-scopes"]).toEqual({ any_of: ["notebooks"], filters_match: [] });
    expect(doc.paths["/hub/api/users/{name}/server"].delete["x-scopes"]).toEqual({ any_of: ["delete:servers"], filters_match: ["user", "server"] });
    expect(doc.paths["/hub/api/"].get.security).toEqual([]);
    expect(doc.components.securitySchemes.token.description).toContain("`access:servers`");
  });
});
