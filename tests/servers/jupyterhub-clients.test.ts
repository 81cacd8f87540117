import { afterAll, beforeAll, expect, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";
import { type RunningKiln, randomToken, startKiln, tempDir, uniq } from "../helpers/kiln";

// JupyterHub's own clients against Kiln, with tokens limited to the scopes they document.
// Local servers (real Jupyter processes), so no image is needed; Kiln's own culler is off.
const adminToken = randomToken();
let kiln: RunningKiln;
const started: { name: string; token: string }[] = [];
beforeAll(async () => {
  kiln = await startKiln({
    env: { KILN_DATA_DIR: tempDir("hubclients"), KILN_ADMIN_TOKEN: adminToken, KILN_SPAWNER: "local", DOCKER_HOST: "unix:///nonexistent/docker.sock", KILN_IDLE_TIMEOUT: "0" },
  });
});
afterAll(async () => {
  for (const u of started) await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token }).catch(() => {});
  await kiln?.stop();
});

const site = () => ({ backend: "pglite" as const, url: kiln.url, adminToken });
const mint = async (by: string, owner: string, scopes: string[]) => {
  const r = await call(kiln.url, "POST", `/hub/api/users/${owner}/tokens`, { token: by, body: { scopes, note: scopes.join(" ") } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.token as string;
};
async function userWithServer(prefix: string) {
  const u = await makeUser(site(), prefix);
  started.push(u);
  await startServer(kiln.url, u);
  return u;
}
async function admin() {
  const name = uniq("root");
  expect((await call(kiln.url, "POST", `/hub/api/users/${name}`, { token: adminToken, body: { admin: true } })).status).toBe(201);
  return { name, token: await mint(adminToken, name, ["inherit"]) };
}

type UserModel = { name: string; email?: string; last_activity?: string | null; servers: Record<string, { name: string; ready: boolean; pending: string | null; url: string; last_activity: string }> };

/**
 * What jupyterhub-idle-culler does each round (jupyterhub_idle_culler/__init__.py, 2.0): the
 * version check, the users with ready servers page by page (the pagination media type, each
 * next page by the URL the hub gave), and a DELETE for each ready server idle for `limitS`.
 */
async function cullIdle(hubApi: string, token: string, limitS: number, pageSize: number) {
  const auth = { authorization: `token ${token}` };
  const version = ((await (await fetch(`${hubApi}/`, { headers: auth })).json()) as { version: string }).version;
  const [major, minor] = version.split(".").map(Number) as [number, number];
  const stateFilter = major > 1 || (major === 1 && minor >= 3);
  const seen: UserModel[] = [];
  let url: string | null = `${hubApi}/users?${new URLSearchParams({ limit: String(pageSize), ...(stateFilter ? { state: "ready" } : {}) })}`;
  for (let pages = 0; url; pages++) {
    expect(pages).toBeLessThan(100);
    const page = (await (await fetch(url, { headers: { ...auth, accept: "application/jupyterhub-pagination+json" } })).json()) as {
      items: UserModel[]; _pagination: { next: { url: string } | null };
    };
    seen.push(...page.items);
    url = page._pagination.next?.url ?? null;
  }
  const culled: string[] = [];
  for (const user of seen)
    for (const [name, server] of Object.entries(user.servers)) {
      if (server.pending || !server.ready) continue;
      if ((Date.now() - Date.parse(server.last_activity)) / 1000 < limitS) continue;
      const r = await fetch(`${hubApi}/users/${encodeURIComponent(user.name)}/${name ? `servers/${encodeURIComponent(name)}` : "server"}`, { method: "DELETE", headers: auth });
      expect([202, 204], `DELETE ${user.name}/${name}`).toContain(r.status);
      culled.push(`${user.name}/${name}`);
    }
  return { seen, culled };
}

test("an idle-culler client with the culler's scopes lists users with ready servers, stops the idle one, and cannot read notebooks", async () => {
  const root = await admin();
  // jupyterhub-idle-culler's README: list:users, read:users:activity, read:servers, delete:servers
  const culler = await mint(root.token, root.name, ["list:users", "read:users:activity", "read:servers", "delete:servers"]);
  const [idle, busy] = await Promise.all([userWithServer("idle"), userWithServer("busy")]);
  const notes = await call(kiln.url, "POST", "/api/notebooks", { token: idle.token, body: { name: "private" } });
  expect(notes.status).toBe(201);

  // busy's server reports activity as a single-user server does, after `mark`
  const mark = Date.now();
  const reported = new Date(mark + 1000).toISOString();
  const reporter = await mint(busy.token, busy.name, ["users:activity!user"]);
  const act = await call(kiln.url, "POST", `/hub/api/users/${busy.name}/activity`, { token: reporter, body: { last_activity: reported, servers: { "": { last_activity: reported } } } });
  expect(act.status).toBe(204);

  // idle for longer than the time since `mark`: only servers whose last activity is before it
  const { seen, culled } = await cullIdle(`${kiln.url}/hub/api`, culler, (Date.now() - mark) / 1000, 1);
  expect(seen.map((u) => u.name).sort()).toEqual([busy.name, idle.name].sort());
  expect(seen.find((u) => u.name === busy.name)!.servers[""]!.last_activity).toBe(reported);
  // only what its scopes cover: names (and the admin flag), activity, servers; not emails
  for (const u of seen) expect(Object.keys(u).sort()).toEqual(["admin", "kind", "last_activity", "name", "servers"]);
  expect(culled).toEqual([`${idle.name}/`]);
  const after = await cullIdle(`${kiln.url}/hub/api`, culler, 3600, 10);
  expect(after.seen.map((u) => u.name)).toEqual([busy.name]);

  // the same token reads no notebook, reaches no server, starts nothing, changes no one
  for (const [method, path] of [
    ["GET", "/api/notebooks"], ["GET", `/api/notebooks/${notes.body.id}`], ["GET", `/api/notebooks/${notes.body.id}/export`],
    ["GET", `/user/${busy.name}/api/status`], ["POST", `/hub/api/users/${idle.name}/server`], ["DELETE", `/hub/api/users/${idle.name}`],
    ["GET", `/hub/api/users/${busy.name}/tokens`], ["GET", "/api/runs"],
  ] as const)
    expect((await call(kiln.url, method, path, { token: culler, body: method === "POST" ? {} : undefined })).status, `${method} ${path}`).toBe(403);
}, 180_000);

test("access:servers!user=alice reaches alice's server, kernels included, and nothing else", async () => {
  const [alice, bob] = await Promise.all([userWithServer("alice"), userWithServer("bob")]);
  const token = await mint(alice.token, alice.name, ["access:servers!user"]);
  expect((await call(kiln.url, "GET", "/hub/api/user", { token })).body.scopes).toEqual([`access:servers!user=${alice.name}`]);

  expect((await call(kiln.url, "GET", `/user/${alice.name}/api/status`, { token })).status).toBe(200);
  const km = jupyterClient(kiln.url, alice.name, token);
  const kernel = await km.startNew({ name: "python3" });
  expect(await run(kernel, "print(6 * 7)")).toBe("42\n");
  await kernel.shutdown();
  km.dispose();

  // not bob's server, not the REST API (beyond who it is)
  expect((await call(kiln.url, "GET", `/user/${bob.name}/api/status`, { token })).status).toBe(403);
  for (const [method, path] of [
    ["GET", `/hub/api/users/${alice.name}`], ["GET", "/api/notebooks"], ["DELETE", `/hub/api/users/${alice.name}/server`],
    ["POST", `/hub/api/users/${alice.name}/tokens`], ["GET", `/hub/api/users/${alice.name}/server/progress`],
  ] as const)
    expect((await call(kiln.url, method, path, { token, body: method === "POST" ? {} : undefined })).status, `${method} ${path}`).toBe(403);

  // an admin's token filtered to alice: her server, and 404 for bob's, which it may not know of
  const root = await admin();
  const rootAlice = await mint(root.token, root.name, [`access:servers!user=${alice.name}`]);
  expect((await call(kiln.url, "GET", `/user/${alice.name}/api/status`, { token: rootAlice })).status).toBe(200);
  expect((await call(kiln.url, "GET", `/user/${bob.name}/api/status`, { token: rootAlice })).status).toBe(404);
  // a !server filter: bob's default server only
  const rootBob = await mint(root.token, root.name, [`access:servers!server=${bob.name}/`]);
  expect((await call(kiln.url, "GET", `/user/${bob.name}/api/status`, { token: rootBob })).status).toBe(200);
  expect((await call(kiln.url, "GET", `/user/${alice.name}/api/status`, { token: rootBob })).status).toBe(404);
  // a token without access:servers at all
  const noAccess = await mint(root.token, root.name, ["read:servers"]);
  expect((await call(kiln.url, "GET", `/user/${alice.name}/api/status`, { token: noAccess })).status).toBe(403);
}, 180_000);
