import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import type postgres from "postgres";
import path from "node:path";
import { removeInstance } from "./docker";
import { freePort, type RunningKiln, randomToken, startKiln, tempDir } from "./kiln";
import { createTempDatabase, dropDatabase } from "./pg";
import { nginxConfig, readIfThere, waitForNginx } from "./nginx";

export interface Replicas {
  /** nginx's address: round-robin over the replicas, no stickiness. */
  url: string;
  replicas: RunningKiln[];
  adminToken: string;
  /** The label on every container and volume these replicas make (tests/helpers/docker.ts). */
  instance: string;
  databaseUrl: string;
  dataDir: string;
  /** Replica i's environment (its PORT included): `startKiln({ env: replicaEnv(i) })` brings it back where nginx looks. */
  replicaEnv: (i: number) => Record<string, string>;
  /** Replica i started again with its own environment (after a kill); replaces replicas[i]. */
  restart: (i: number) => Promise<RunningKiln>;
  kill: (i: number, signal?: NodeJS.Signals) => Promise<number | null>;
  /** nginx's error log so far (upstream failures are logged there). */
  nginxLog: () => string;
  stop: () => Promise<void>;
}

/**
 * N Kilns on one fresh PostgreSQL database and one data directory (blobs, keys, the servers'
 * socket directories), behind nginx in the foreground as the load balancer: round-robin,
 * WebSocket upgrades, no buffering (event streams), and a dead replica's requests retried on
 * the next one. The first replica migrates alone; the others start after it. `stop()` ends
 * every process, container, volume, directory and the database this started, even after a
 * failure half-way.
 */
export async function startReplicas(opts: { count?: number; env?: Record<string, string> } = {}): Promise<Replicas> {
  const count = opts.count ?? 2;
  const db = await createTempDatabase("rep");
  const dataDir = tempDir("rep"); // short: Unix socket paths under it are limited to 107 bytes
  const nginxDir = tempDir("nginx");
  const adminToken = randomToken();
  const instance = `rep-${randomToken().slice(0, 10)}`;
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const common: Record<string, string> = {
    DATABASE_URL: db.url,
    KILN_DATA_DIR: dataDir,
    KILN_ADMIN_TOKEN: adminToken,
    KILN_INSTANCE_NAME: instance,
    // Tests sign in many users through nginx from one machine: no limit in the way (client-address.test.ts tests it).
    KILN_AUTH_RATE_LIMIT: "100000",
    ...opts.env,
  };
  const replicaEnv = (i: number) => ({ ...common, PORT: String(ports[i]) });
  const replicas: RunningKiln[] = [];
  let nginx: ChildProcess | null = null;
  let nginxOut = "";
  const stop = async () => {
    if (nginx && nginx.exitCode === null && nginx.signalCode === null) {
      const exited = new Promise((r) => nginx!.once("exit", r));
      nginx.kill("SIGTERM"); // nginx's "fast shutdown"
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (nginx.exitCode === null && nginx.signalCode === null) nginx.kill("SIGKILL");
    }
    await Promise.all(replicas.map((k) => k.stop().catch(() => null)));
    await removeInstance(instance);
    await dropDatabase(db.name).catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(nginxDir, { recursive: true, force: true });
  };
  try {
    // The first migrates and seeds alone (migrations are locked anyway; seeding is quicker alone).
    replicas.push(await startKiln({ env: replicaEnv(0), waitMs: 120_000 }));
    for (const k of await Promise.all(ports.slice(1).map((_, j) => startKiln({ env: replicaEnv(j + 1), waitMs: 120_000 })))) replicas.push(k);
    const port = await freePort();
    const conf = path.join(nginxDir, "nginx.conf");
    fs.writeFileSync(conf, nginxConfig(nginxDir, port, ports));
    nginx = spawn("/usr/sbin/nginx", ["-p", nginxDir, "-c", conf, "-g", "daemon off;"], { stdio: ["ignore", "pipe", "pipe"] });
    nginx.stdout!.on("data", (d) => (nginxOut += d));
    nginx.stderr!.on("data", (d) => (nginxOut += d));
    const url = `http://127.0.0.1:${port}`;
    await waitForNginx(url, nginx, () => nginxOut);
    return {
      url,
      replicas,
      adminToken,
      instance,
      databaseUrl: db.url,
      dataDir,
      replicaEnv,
      kill: (i, signal = "SIGKILL") => replicas[i]!.stop(signal),
      restart: async (i) => {
        await replicas[i]!.stop();
        replicas[i] = await startKiln({ env: replicaEnv(i), waitMs: 120_000 });
        return replicas[i]!;
      },
      nginxLog: () => nginxOut + readIfThere(path.join(nginxDir, "error.log")),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Which replica holds a lease now (-1: none), by the pid in its holder's worker id. */
export async function replicaHolding(r: Replicas, sql: postgres.Sql, name: string): Promise<number> {
  const [row] = await sql<{ holder: string }[]>`select holder from leases where name = ${name} and expires_at > now()`;
  const pid = Number(row?.holder.split(":")[1]);
  return r.replicas.findIndex((k) => k.proc.pid === pid);
}

/** A user's default server's id, while its row exists. */
export async function serverIdOf(sql: postgres.Sql, user: string): Promise<number | undefined> {
  return (await sql<{ id: number }[]>`select s.id from servers s join users u on u.id = s.user_id where u.name = ${user}`)[0]?.id;
}
