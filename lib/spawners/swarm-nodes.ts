import Docker from "dockerode";
import { GPU_KIND } from "./swarm-service";

/** A swarm node as Kiln uses it: where GPUs are, whose homes it holds, whether it takes work. */
export interface SwarmNode {
  id: string;
  hostname: string;
  /** active, pause or drain. */
  availability: string;
  /** ready, down, unknown... */
  state: string;
  /** The uuids the node declares as NVIDIA-GPU generic resources. */
  gpus: string[];
  labels: Record<string, string>;
}

interface NodeInfo {
  ID: string;
  Version: { Index: number };
  Spec: { Labels?: Record<string, string>; Availability?: string; Role?: string; Name?: string };
  Description?: { Hostname?: string; Resources?: { GenericResources?: { NamedResourceSpec?: { Kind: string; Value: string }; DiscreteResourceSpec?: { Kind: string; Value: number } }[] } };
  Status?: { State?: string };
}

/** KILN_SWARM_DOCKER_HOST: `unix:///path` or `tcp://host:port`. */
export function dockerFor(host: string): Docker {
  if (host.startsWith("unix://")) return new Docker({ socketPath: host.slice("unix://".length) });
  const u = new URL(host.replace(/^tcp:/, "http:"));
  return new Docker({ host: u.hostname, port: Number(u.port) });
}

export async function listSwarmNodes(docker: Docker): Promise<SwarmNode[]> {
  const nodes = (await docker.listNodes()) as NodeInfo[];
  return nodes.map((n) => ({
    id: n.ID,
    hostname: n.Description?.Hostname ?? n.ID,
    availability: n.Spec.Availability ?? "active",
    state: n.Status?.State ?? "unknown",
    gpus: (n.Description?.Resources?.GenericResources ?? []).flatMap((r) => (r.NamedResourceSpec?.Kind === GPU_KIND ? [r.NamedResourceSpec.Value] : [])),
    labels: n.Spec.Labels ?? {},
  }));
}

/** The node that declares every one of these GPUs (the allocator grants a server's GPUs on one host). */
export function nodeHolding(nodes: SwarmNode[], uuids: string[]): SwarmNode | undefined {
  return nodes.find((n) => uuids.every((u) => n.gpus.includes(u)));
}

/**
 * KILN_SWARM_HOMES=pin: which node holds a user's home volume is kept in the swarm itself,
 * as a swarm config object named after the volume (its data: the node's id), so any Kiln
 * reads it from the manager and nothing needs a table. Not a node label: updating a node
 * makes swarm's constraint enforcer re-check its tasks, and on Docker 20.10 that rejects
 * running tasks holding generic resources (GPUs) on that node ("assigned node no longer
 * meets constraints"), observed here.
 */
const pinName = (volume: string) => `${volume}.node`;

/** The node holding a pinned home, if any (and if it is still in the swarm). */
export async function pinnedNode(docker: Docker, nodes: SwarmNode[], volume: string): Promise<SwarmNode | undefined> {
  const configs = (await docker.listConfigs({ filters: { name: [pinName(volume)] } })) as { Spec: { Name: string; Labels?: Record<string, string> } }[];
  const id = configs.find((c) => c.Spec.Name === pinName(volume))?.Spec.Labels?.["org.kiln.node"];
  return nodes.find((n) => n.id === id);
}

/** Records (or, `pin` false, forgets) the node a home volume is on. */
export async function setHomePin(docker: Docker, nodeId: string, volume: string, pin: boolean, instance: string): Promise<void> {
  const existing = await docker.getConfig(pinName(volume)).inspect().then(() => true, () => false);
  if (existing) await docker.getConfig(pinName(volume)).remove();
  if (!pin) return;
  await docker.createConfig({
    Name: pinName(volume), Data: Buffer.from(nodeId).toString("base64"),
    Labels: { "org.kiln.home": volume, "org.kiln.node": nodeId, "org.kiln.managed": "true", "org.kiln.instance": instance },
  });
}
