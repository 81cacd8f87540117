import os from "node:os";
import { type Ctx, requireAdmin } from "../auth/principal";
import { getConfig } from "../config";
import { ConflictError } from "../errors";
import { PIDS_LIMIT } from "./limits";
import type { DockerSpawner } from "../spawners/docker";
import { localUidOf } from "../spawners/local";
import { defaultSpawner, spawner } from "../spawners/registry";
import { kilnIsRoot } from "../spawners/run-dirs";

const isLoopback = (bind: string) => bind === "localhost" || bind === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bind);

/**
 * Why local servers may not serve strangers: they share the host's filesystem, process
 * list and CPU and memory with no limit, and, unless Kiln is root, its network and account.
 * Null when the instance is allowed as configured.
 */
export function localExposureProblem(signup: "open" | "closed"): string | null {
  const c = getConfig();
  if (defaultSpawner() !== "local" || c.servers.localTrusted || isLoopback(c.bind) || signup !== "open") return null;
  return (
    `KILN_BIND=${c.bind} serves a network and sign-up is open (KILN_SIGNUP, or the Admin page), but user servers are local processes ` +
    "(KILN_SPAWNER=local, or no Docker engine): they share this machine's network, so strangers' code could reach each other and Kiln. " +
    "Run a Docker engine, close sign-up, bind 127.0.0.1, or set KILN_LOCAL_TRUSTED=1 to state that your users trust each other."
  );
}

/** Opening sign-up at run time is refused where starting with it open would be. */
export function refuseOpeningSignup(): void {
  const problem = localExposureProblem("open");
  if (problem) throw new ConflictError(problem, "signup");
}

/** GET /api/isolation (admin): what the Admin page shows about how users are kept apart. */
export async function describeIsolation({ ctx }: { ctx: Ctx }) {
  requireAdmin(ctx.actor);
  const c = getConfig().servers;
  const kind = defaultSpawner();
  if (kind === "docker") {
    const enforced = (spawner("docker") as DockerSpawner).diskLimitEnforced;
    return {
      spawner: kind, level: "containers" as const, network: c.dockerNetwork, runs_as: "uid 1000 in its own container, all capabilities dropped",
      local_trusted: c.localTrusted, disk_limit: c.diskSize && enforced === true ? c.diskSize : null, pids_limit: PIDS_LIMIT,
      notes: [
        c.dockerNetwork === "none" ? "User servers have no network at all; Kiln reaches them through Unix sockets." : `User servers are on the network ${c.dockerNetwork} (egress), never the host's.`,
        ...(c.diskSize && enforced === false ? [`KILN_SERVER_DISK=${c.diskSize} is not enforced: the engine's storage driver cannot limit a container's disk.`] : []),
        ...(c.diskSize && enforced === undefined ? [`KILN_SERVER_DISK=${c.diskSize}: whether the engine enforces it is known once a server has started.`] : []),
        "Home volumes have no size limit on Docker's local volume driver.",
      ],
    };
  }
  if (kind === "swarm") {
    const { network, homes } = c.swarm;
    return {
      spawner: kind, level: "containers" as const, network: network ?? "none", local_trusted: c.localTrusted, disk_limit: null, pids_limit: PIDS_LIMIT,
      runs_as: "uid 1000 in its own container (a swarm service's task on one of the nodes), all capabilities dropped",
      notes: [
        "Each server, pipeline step and sweep trial is a one-replica Docker Swarm service whose task is a container shaped as the Docker spawner's: its own namespaces, CPU, memory and process limits (reserved on its node), no Docker socket, restart policy none.",
        network
          ? `User servers are on the swarm overlay network ${network} (egress), never the host's.`
          : "User servers have no network: a swarm service cannot ask for Docker's 'none' network, so they go only to nodes whose engine runs without a default bridge and says so (label org.kiln.no-bridge=true). Kiln reaches them through Unix sockets in its data directory, which every node must share with Kiln.",
        "No new privileges is set by each node's engine (dockerd --no-new-privileges), not per service (the swarm API cannot ask for it before Docker 25): a node started without it lets setuid programs in an image gain privileges.",
        "A swarm service cannot limit swap: on a node with swap a server may use as much swap as its memory limit. Run nodes without swap.",
        "A swarm service cannot limit its container's disk (KILN_SERVER_DISK applies to the Docker spawner only).",
        homes.kind === "pin"
          ? "Homes are volumes on the node a user's first server or job landed on (no size limit); their later servers and jobs are pinned to that node."
          : `Homes are volumes of the shared driver ${homes.driver} on every node.`,
      ],
    };
  }
  const ownNamespace = kilnIsRoot(); // lib/spawners/local.ts: unshare --net, then the user's uid
  return {
    spawner: kind, level: "processes" as const, network: ownNamespace ? "none" : "host", local_trusted: c.localTrusted, disk_limit: null, pids_limit: null,
    runs_as: ownNamespace ? `each user's own uid (${localUidOf(0)} + user id)` : `Kiln's own account (${os.userInfo().username})`,
    notes: [
      ownNamespace
        ? "Each local server has a network namespace of its own (loopback only): it cannot reach the host's ports, Kiln's or other users' kernels; Kiln reaches it through Unix sockets."
        : "Kiln is not root: local servers share this machine's network (a user's code can reach other users' kernels and local services) and run as Kiln's own account, which can read Kiln's data.",
      "Local servers share the host's filesystem (as their uid), its process list and its CPU and memory, with no limits. Use Docker for strangers.",
    ],
  };
}
