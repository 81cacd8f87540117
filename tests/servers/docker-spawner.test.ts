import http from "node:http";
import { afterAll, describe, expect, inject, test } from "vitest";
import { containerOf, docker } from "../helpers/docker";
import { call, makeUser, startServer } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";

function rawPost(base: string, path: string, token: string): Promise<{ status: number; body: any }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method: "POST", path, headers: { authorization: `token ${token}`, "content-type": "application/json" } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text || "null") }));
    });
    req.on("error", reject);
    req.end("{}");
  });
}

const started: { url: string; user: string; token: string }[] = [];
afterAll(async () => {
  for (const s of started) await call(s.url, "DELETE", `/hub/api/users/${s.user}/server`, { token: s.token }).catch(() => {});
});

describe.each(inject("servers"))("user servers in Docker on $backend", (s) => {
  test("start a server, run numpy in a kernel through the proxy with @jupyterlab/services, stop it: the container is gone", async () => {
    const alice = await makeUser(s, "alice");
    started.push({ url: s.url, user: alice.name, token: alice.token });
    const r = await call(s.url, "POST", `/hub/api/users/${alice.name}/server`, { token: alice.token, body: { image: "python" } });
    expect([201, 202]).toContain(r.status);
    await expect.poll(async () => (await call(s.url, "GET", "/hub/api/user", { token: alice.token })).body.servers[""]?.ready, { timeout: 60_000 }).toBe(true);

    const km = jupyterClient(s.url, alice.name, alice.token);
    const kernel = await km.startNew({ name: "python3" });
    expect(await run(kernel, "import numpy; print(numpy.arange(3).sum())")).toBe("3\n");
    await kernel.shutdown();
    km.dispose();

    expect((await call(s.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token })).status).toBe(204);
    expect(await containerOf(alice.name)).toBeNull();
    expect((await call(s.url, "GET", "/hub/api/user", { token: alice.token })).body.servers).toEqual({});
  }, 120_000);

  test("only the owner or an admin passes the proxy: bob 403, no token 401, a browser is sent to sign in", async () => {
    const alice = await makeUser(s, "alice");
    const bob = await makeUser(s, "bob");
    started.push({ url: s.url, user: alice.name, token: alice.token });
    await startServer(s.url, alice);
    expect((await call(s.url, "GET", `/user/${alice.name}/api/status`, { token: alice.token })).status).toBe(200);
    expect((await call(s.url, "GET", `/user/${alice.name}/api/status`, { token: bob.token })).status).toBe(403);
    expect((await call(s.url, "GET", `/user/${alice.name}/api/status`)).status).toBe(401);
    const browser = await call(s.url, "GET", `/user/${alice.name}/tree`, { headers: { accept: "text/html" } });
    expect(browser.status).toBe(302);
    expect(browser.headers.get("location")).toMatch(/^\/signin\?callbackUrl=/);
    expect((await call(s.url, "GET", `/user/${alice.name}/api/status`, { token: s.adminToken })).status).toBe(200);
    // bob cannot stop alice's server either
    expect((await call(s.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: bob.token })).status).toBe(403);
    // the Jupyter token never reaches the client
    const me = await call(s.url, "GET", "/hub/api/user", { token: alice.token });
    expect(JSON.stringify(me.body.servers)).not.toMatch(/jupyterToken|[0-9a-f]{64}/);
  }, 120_000);

  test("limits, user and volume: what was asked is what the container gets; files survive a restart", async () => {
    const carol = await makeUser(s, "carol");
    started.push({ url: s.url, user: carol.name, token: carol.token });
    await startServer(s.url, carol, "", { image: "python", cpu: 0.5, memory: "768M" });
    const info = (await containerOf(carol.name))!;
    expect(info.HostConfig.Memory).toBe(768 * 1024 * 1024);
    expect(info.HostConfig.NanoCpus).toBe(0.5e9);
    expect(info.Config.User).toBe("1000:1000");
    expect(info.Config.Labels).toMatchObject({ "org.kiln.user": carol.name, "org.kiln.server": "", "org.kiln.instance": process.env.KILN_INSTANCE_NAME });
    expect(process.env.KILN_INSTANCE_NAME).toMatch(/^test-/);
    expect(info.HostConfig.Privileged).toBe(false);
    expect(info.HostConfig.CapDrop).toEqual(["ALL"]);
    // Its own network namespace with no network at all; Jupyter and the kiln module on Unix sockets.
    expect(info.HostConfig.NetworkMode).toBe("none");
    expect(info.HostConfig.PidsLimit).toBe(1024);
    expect(info.Mounts.map((m) => m.Destination).sort()).toEqual(["/home/jovyan", "/run/kiln/api", "/run/kiln/jupyter"]);
    expect(info.Mounts.find((m) => m.Destination === "/run/kiln/api")!.RW).toBe(false);
    expect(info.Mounts.some((m) => String(m.Source).includes("docker.sock"))).toBe(false);
    const exec = await docker.getContainer(info.Id).exec({ Cmd: ["id", "-u"], AttachStdout: true });
    const out = await new Promise<string>((resolve) =>
      exec.start({}, (_e, stream) => {
        let text = "";
        stream!.on("data", (d: Buffer) => (text += d.toString()));
        stream!.on("end", () => resolve(text));
      }),
    );
    expect(out).toContain("1000");

    const put = await call(s.url, "PUT", `/user/${carol.name}/api/contents/kept.txt`, {
      token: carol.token,
      body: { type: "file", format: "text", content: "still here" },
    });
    expect(put.status).toBe(201);
    expect((await call(s.url, "DELETE", `/hub/api/users/${carol.name}/server`, { token: carol.token })).status).toBe(204);
    await startServer(s.url, carol);
    const got = await call(s.url, "GET", `/user/${carol.name}/api/contents/kept.txt?content=1`, { token: carol.token });
    expect(got.body.content).toBe("still here");
  }, 120_000);

  test("bad input: unknown image, memory over the maximum, a server name with / or .. are 400; a second start is 409", async () => {
    const dan = await makeUser(s, "dan");
    started.push({ url: s.url, user: dan.name, token: dan.token });
    const unknown = await call(s.url, "POST", `/hub/api/users/${dan.name}/server`, { token: dan.token, body: { image: "cobol" } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe("image");
    const big = await call(s.url, "POST", `/hub/api/users/${dan.name}/server`, { token: dan.token, body: { image: "python", memory: "1000G" } });
    expect(big.status).toBe(400);
    expect(big.body.error.field).toBe("memory");
    // Nothing may round down to Docker's "unlimited" (0)
    for (const [body, field] of [[{ memory: "0.4M" }, "memory"], [{ memory: 0 }, "memory"], [{ cpu: 1e-10 }, "cpu"], [{ cpu: 0 }, "cpu"], [{ memory: "127M" }, "memory"]] as const) {
      const r = await call(s.url, "POST", `/hub/api/users/${dan.name}/server`, { token: dan.token, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    // (fetch would normalise a ".." segment away, as URLs do: send the path exactly as written)
    for (const bad of ["a%2Fb", "..", "%2E%2E", "x..y"]) {
      const r = await rawPost(s.url, `/hub/api/users/${dan.name}/servers/${bad}`, dan.token);
      expect(r.status, bad).toBe(400);
      expect(r.body.error.field).toBe("server_name");
    }
    expect(await containerOf(dan.name)).toBeNull();
    await startServer(s.url, dan, "", { cpu: 0.1, memory: "128M" });
    const floor = (await containerOf(dan.name))!.HostConfig; // the smallest allowed is still a limit
    expect([floor.NanoCpus, floor.Memory, floor.MemorySwap, floor.PidsLimit]).toEqual([0.1e9, 128 * 1024 * 1024, 128 * 1024 * 1024, 1024]);
    expect((await call(s.url, "POST", `/hub/api/users/${dan.name}/server`, { token: dan.token, body: {} })).status).toBe(409);
  }, 120_000);
});
