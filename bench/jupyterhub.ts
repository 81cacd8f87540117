/**
 * The baseline for bench/servers.ts: Debian's JupyterHub 3.0 with its SimpleLocalProcessSpawner
 * and configurable-http-proxy (from npm), on loopback, measured the same way as Kiln: from
 * `POST /hub/api/users/{name}/server` to the result of `1+1` through its proxy.
 * (Needs `apt-get install jupyterhub`; bench only, never part of `npm test`.)
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { jupyterClient } from "../tests/helpers/jupyter";
import { ROOT } from "./kiln-process";

export async function startJupyterHub() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-bench-jhub-"));
  const port = 47000 + Math.floor(Math.random() * 1000);
  const token = crypto.randomBytes(24).toString("hex");
  fs.writeFileSync(
    path.join(dir, "jupyterhub_config.py"),
    `
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = ${port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = ${port + 1}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:${port + 2}"
c.JupyterHub.spawner_class = "simple"
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.db_url = "sqlite:///${dir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "${dir}/cookie_secret"
c.JupyterHub.pid_file = "${dir}/jupyterhub.pid"
c.JupyterHub.load_roles = [{"name": "bench", "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"], "services": ["bench"]}]
c.JupyterHub.services = [{"name": "bench", "api_token": "${token}"}]
c.Spawner.args = ["--allow-root"]
c.Spawner.notebook_dir = "${dir}"
# the simple spawner's homes default to /tmp/{username}: here they go with the rest
c.SimpleLocalProcessSpawner.home_dir_template = "${dir}/home/{username}"
`,
  );
  const env = { ...process.env, PATH: `${path.join(ROOT, "node_modules", ".bin")}:${process.env.PATH}` };
  const proc = spawn("/usr/bin/jupyterhub", ["-f", path.join(dir, "jupyterhub_config.py")], { cwd: dir, env, stdio: "ignore", detached: true });
  const kill = () => {
    try {
      process.kill(-proc.pid!, "SIGTERM"); // the hub, its proxy and single-user servers
    } catch {
      /* gone */
    }
  };
  process.once("exit", kill);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/hub/api/`)).ok) break;
    } catch {
      /* not up */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    token,
    stop: async () => {
      process.off("exit", kill);
      kill();
      await new Promise((r) => setTimeout(r, 1500));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One cold TTFE against JupyterHub, in seconds. */
export async function jupyterHubTtfe(hub: { url: string; token: string }, user: string): Promise<number> {
  const h = { authorization: `token ${hub.token}` };
  await fetch(`${hub.url}/hub/api/users/${user}`, { method: "POST", headers: h });
  const { token } = (await (await fetch(`${hub.url}/hub/api/users/${user}/tokens`, { method: "POST", headers: h, body: "{}" })).json()) as { token: string };
  const uh = { authorization: `token ${token}` };
  const t0 = performance.now();
  await fetch(`${hub.url}/hub/api/users/${user}/server`, { method: "POST", headers: uh });
  for (let i = 0; ; i++) {
    const u = (await (await fetch(`${hub.url}/hub/api/users/${user}`, { headers: uh })).json()) as { servers?: Record<string, { ready: boolean }> };
    if (u.servers?.[""]?.ready) break;
    if (i > 1200) throw new Error("JupyterHub's server was not ready within 60 s");
    await new Promise((r) => setTimeout(r, 50));
  }
  const km = jupyterClient(hub.url, user, token);
  const kernel = await km.startNew({ name: "python3" });
  let result = "";
  const f = kernel.requestExecute({ code: "1+1" });
  f.onIOPub = (m) => {
    if (m.header.msg_type === "execute_result") result = (m.content as { data: Record<string, string> }).data["text/plain"]!;
  };
  await f.done;
  const s = (performance.now() - t0) / 1000;
  if (result !== "2") throw new Error(`JupyterHub: 1+1 gave ${result}`);
  km.dispose();
  await fetch(`${hub.url}/hub/api/users/${user}/server`, { method: "DELETE", headers: uh });
  for (let i = 0; i < 100; i++) {
    const u = (await (await fetch(`${hub.url}/hub/api/users/${user}`, { headers: uh })).json()) as { servers?: Record<string, unknown> };
    if (!u.servers?.[""]) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return s;
}
