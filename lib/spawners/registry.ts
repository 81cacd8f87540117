import Docker from "dockerode";
import { getConfig } from "../config";
import { logger } from "../log";
import { deploymentId } from "../system/deployment-id";
import { DockerSpawner } from "./docker";
import { LocalProcessSpawner } from "./local";
import { SwarmSpawner } from "./swarm";
import { dockerFor } from "./swarm-nodes";
import type { Spawner } from "./types";

export type SpawnerKind = "docker" | "local" | "swarm";

const KEY = Symbol.for("kiln.spawners");
interface Store {
  all: Map<string, Spawner>;
  default?: SpawnerKind;
}
type G = typeof globalThis & { [KEY]?: Store };
const store = (): Store => ((globalThis as G)[KEY] ??= { all: new Map() });

function create(kind: string): Spawner {
  const config = getConfig();
  if (kind === "docker")
    return new DockerSpawner(new Docker(), {
      network: config.servers.dockerNetwork, instance: config.servers.instance, prefix: `${config.servers.instance}-${deploymentId()}`, diskSize: config.servers.diskSize,
    });
  if (kind === "swarm") {
    const { dockerHost, homes, network } = config.servers.swarm;
    if (!dockerHost) throw new Error("KILN_SWARM_DOCKER_HOST is not set: no swarm spawner");
    return new SwarmSpawner(dockerFor(dockerHost), { instance: config.servers.instance, prefix: `${config.servers.instance}-${deploymentId()}`, homes, network });
  }
  if (kind === "local") return new LocalProcessSpawner({ python: config.servers.localPython, dataDir: config.dataDir });
  throw new Error(`unknown spawner ${kind}`);
}

/** A spawner by name (a server row keeps the name of the one that started it). */
export function spawner(kind: string): Spawner {
  const { all } = store();
  let s = all.get(kind);
  if (!s) all.set(kind, (s = create(kind)));
  return s;
}

/**
 * The spawner new servers get: KILN_SPAWNER, else docker when an engine answers (DOCKER_HOST
 * or the local socket), else local processes. Decided once, at start-up.
 */
export async function chooseDefaultSpawner(): Promise<SpawnerKind> {
  const s = store();
  const configured = getConfig().servers.spawner;
  if (configured) return (s.default = configured);
  const docker = await new Docker().ping().then(() => true, () => false);
  s.default = docker ? "docker" : "local";
  logger().info({ spawner: s.default }, docker ? "Docker engine found: servers run in containers" : "no Docker engine: servers run as local processes");
  return s.default;
}

export function defaultSpawner(): SpawnerKind {
  return store().default ?? getConfig().servers.spawner ?? "docker";
}
