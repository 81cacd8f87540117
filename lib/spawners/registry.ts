import Docker from "dockerode";
import { getConfig } from "../config";
import { DockerSpawner } from "./docker";
import type { Spawner } from "./types";

const KEY = Symbol.for("kiln.spawners");
type G = typeof globalThis & { [KEY]?: Map<string, Spawner> };

/** Spawners by name, as configured (DOCKER_HOST is honoured by dockerode). */
export function spawner(kind = "docker"): Spawner {
  const g = globalThis as G;
  const all = (g[KEY] ??= new Map());
  let s = all.get(kind);
  if (!s) {
    if (kind !== "docker") throw new Error(`unknown spawner ${kind}`);
    s = new DockerSpawner(new Docker(), { network: getConfig().servers.dockerNetwork });
    all.set(kind, s);
  }
  return s;
}
