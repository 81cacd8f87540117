import fs from "node:fs";
import Docker from "dockerode";
import { expect } from "vitest";
import { swarmDown, swarmUp } from "../../scripts/swarm.mjs";
import { call } from "./http";
import { type RunningKiln, randomToken, startKiln, tempDir } from "./kiln";

export interface SwarmKiln {
  kiln: RunningKiln;
  /** Its environment (its PORT aside): `startKiln({ env: { ...env, PORT } })` brings it back. */
  env: Record<string, string>;
  adminToken: string;
  instance: string;
  dataDir: string;
  /** The swarm manager's engine (n1). */
  manager: Docker;
  nodes: { name: string; id: string; gpus: string[] }[];
  stop: (kiln: RunningKiln) => Promise<void>;
}

/**
 * The real two-node swarm of scripts/swarm.mjs (its lock taken: test files take turns) and a
 * Kiln on PGlite that places servers and jobs on it, polling every second, whose catalog's
 * python image allows two GPUs. `stop` ends that Kiln and gives the swarm back.
 */
export async function startSwarmKiln(label: string): Promise<SwarmKiln> {
  const swarm = await swarmUp(); // robust to a swarm a killed run left: reused if whole, its services removed
  const adminToken = randomToken();
  const instance = `${label}-${randomToken().slice(0, 8)}`;
  const dataDir = tempDir(label.slice(0, 3)); // short: Unix socket paths under it are limited
  const env = {
    KILN_ADMIN_TOKEN: adminToken, KILN_DATA_DIR: dataDir, KILN_INSTANCE_NAME: instance, KILN_AUTH_RATE_LIMIT: "100000",
    KILN_SPAWNER: "swarm", KILN_SWARM_DOCKER_HOST: swarm.manager, KILN_SERVER_POLL_INTERVAL: "1", KILN_SPAWN_TIMEOUT: "240",
  };
  const kiln = await startKiln({ env });
  // the catalog's python image allows no GPUs by default; an admin allows two
  expect((await call(kiln.url, "PATCH", "/api/images/python", { token: adminToken, body: { max_gpus: 2 } })).status).toBe(200);
  return {
    kiln, env, adminToken, instance, dataDir, nodes: swarm.nodes,
    manager: new Docker({ socketPath: swarm.manager.slice("unix://".length) }),
    stop: async (current) => {
      await current.stop();
      // KILN_SWARM_KEEP=1 keeps the engines up between runs by hand (debugging): a next run reuses them.
      // Leaves the swarm, stops both engines, removes docker_gwbridge; gives the swarm's lock back (scripts/swarm.mjs).
      await swarmDown({ keep: !!process.env.KILN_SWARM_KEEP });
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
