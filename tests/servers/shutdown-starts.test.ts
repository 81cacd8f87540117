import fs from "node:fs";
import { afterAll, expect, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

/**
 * Kiln stopped (SIGTERM) while servers are starting: each start is ended and its Jupyter
 * removed, whether its server was stopped meanwhile (no row names it any more) or is still
 * pending. Both used to be left running for good on the local spawner: the process was made,
 * its pid not yet recorded, and nothing else knew of it. A Kiln killed outright cannot end
 * anything: the next one finds the start's Jupyter by the pid its run directory names.
 */
const adminToken = randomToken();
const dataDir = tempDir("shutdown-starts");
const env = { KILN_DATA_DIR: dataDir, KILN_ADMIN_TOKEN: adminToken, KILN_SPAWNER: "local", DOCKER_HOST: "unix:///nonexistent/docker.sock" };
const groups = new Set<number>();
let kiln: RunningKiln | undefined;
afterAll(async () => {
  await kiln?.stop();
  for (const g of groups) {
    try {
      process.kill(-g, "SIGKILL"); // what a failed run left behind
    } catch {
      /* gone, as it should be */
    }
  }
});

/** Live (not zombie) processes: pid, process group, command line. */
function processes(): { pid: number; group: number; cmdline: string }[] {
  const found = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const [state, , group] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state === "Z") continue;
      found.push({ pid: Number(name), group: Number(group), cmdline: fs.readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ") });
    } catch {
      /* ended while we looked */
    }
  }
  return found;
}

/** The process group of the user's Jupyter Server, once its process exists. */
async function jupyterGroup(user: string): Promise<number> {
  const marker = `--ServerApp.base_url=/user/${user}/`;
  for (;;) {
    const server = processes().find((p) => p.cmdline.includes(marker) && p.cmdline.includes("jupyter_server"));
    if (server) return server.group;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("a SIGTERM while servers start leaves no Jupyter running, stopped meanwhile or still pending, and each can start again", async () => {
  kiln = await startKiln({ env });
  const server = { backend: "pglite" as const, url: kiln.url, adminToken };
  const [stopped, pending] = [await makeUser(server, "stopping"), await makeUser(server, "pending")];
  // Kiln stops before they answer: how they end is not the point here.
  const starts = [stopped, pending].map((u) => call(kiln!.url, "POST", `/hub/api/users/${u.name}/server`, { token: u.token, body: {} }).catch(() => null));
  const [stoppedGroup, pendingGroup] = await Promise.all([jupyterGroup(stopped.name), jupyterGroup(pending.name)]);
  groups.add(stoppedGroup).add(pendingGroup);

  // One is stopped while its Jupyter is still coming up: its row goes at once.
  const stop = await call(kiln.url, "DELETE", `/hub/api/users/${stopped.name}/server`, { token: stopped.token });
  expect([202, 204]).toContain(stop.status);
  expect((await kiln.stop("SIGTERM")) ?? 0, kiln.output()).toBe(0);
  await Promise.allSettled(starts);

  const left = processes().filter((p) => groups.has(p.group));
  expect(left.map((p) => p.cmdline), "processes of the starts Kiln was carrying out when it stopped").toEqual([]);

  // The next Kiln on the same data finds neither running, and both start normally.
  kiln = await startKiln({ env });
  for (const u of [stopped, pending]) {
    expect((await call(kiln.url, "GET", `/hub/api/users/${u.name}`, { token: u.token })).body.servers ?? {}).toEqual({});
    await startServer(kiln.url, u);
    expect((await call(kiln.url, "GET", `/user/${u.name}/api/status`, { token: u.token })).status).toBe(200);
    await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
  }
  await kiln.stop();
}, 180_000);

test("Kiln killed (SIGKILL) while a local server starts: the next Kiln finds its Jupyter by the run directory's pid and stops it", async () => {
  kiln = await startKiln({ env });
  const u = await makeUser({ backend: "pglite", url: kiln.url, adminToken }, "killed");
  const start = call(kiln.url, "POST", `/hub/api/users/${u.name}/server`, { token: u.token, body: {} }).catch(() => null);
  const group = await jupyterGroup(u.name);
  groups.add(group);
  await kiln.stop("SIGKILL");
  await start;
  expect(processes().some((p) => p.group === group), "the start's Jupyter outlives a killed Kiln until the next one looks").toBe(true);

  kiln = await startKiln({ env });
  await expect.poll(() => processes().filter((p) => p.group === group).map((p) => p.cmdline), { timeout: 30_000 }).toEqual([]);
  await startServer(kiln.url, u);
  await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
  await kiln.stop();
}, 180_000);
