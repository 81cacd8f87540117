import type Docker from "dockerode";
import { PIDS_LIMIT, MIN_CPU, MIN_MEMORY_MB } from "../servers/limits";
import { CONTAINER_API_SOCKET, CONTAINER_JUPYTER_SOCKET, CONTAINER_RUN, type RunDirs } from "./run-dirs";

/** Container and volume names may only hold [a-zA-Z0-9_.-]. */
export const safeName = (s: string) => s.replace(/[^a-zA-Z0-9_.-]/g, "_");

/**
 * Named by the server's id, which is never reused: a user named `alice-lab` and alice's
 * server `lab` can no longer collide. Labels say whose it is for an admin reading `docker ps`.
 */
export const serverContainerName = (names: Names, serverId: number) => `${names.prefix}-s${serverId}`;

/** `prefix`: KILN_INSTANCE_NAME and this database's id (lib/system/deployment-id.ts); `instance`: the label. */
export interface Names {
  prefix: string;
  instance: string;
}

/**
 * A user's home volume, named by user id: an account created later with a deleted user's
 * name starts empty. Accounts from before keep their name-based volume (users.legacy_home).
 */
export const homeVolumeName = (names: Names, user: { id: number; name: string; legacyHome: boolean }) =>
  user.legacyHome ? `${names.instance}-home-${safeName(user.name)}` : `${names.prefix}-uhome-${user.id}`;

/** Whose home volume it is. */
export const homeVolumeLabels = (names: Names, user: { id: number; name: string }) => ({
  "org.kiln.managed": "true", "org.kiln.instance": names.instance, "org.kiln.user": user.name, "org.kiln.user-id": String(user.id),
});

/** Creates the user's home volume (labelled with whose it is) unless it exists; returns its name. */
export async function ensureHomeVolume(docker: Docker, names: Names, user: { id: number; name: string; legacyHome: boolean }): Promise<string> {
  const name = homeVolumeName(names, user);
  await docker.createVolume({ Name: name, Labels: homeVolumeLabels(names, user) }); // answers with the existing volume if there is one
  return name;
}

export interface ContainerPlan {
  name: string;
  image: string;
  /** "none" (no network at all), or a network the operator made for egress. Never "host". */
  network: string;
  baseUrl: string;
  jupyterToken: string;
  /** Jupyter's socket mode (see run-dirs.ts). */
  socketMode: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  cpu: number;
  memoryMb: number;
  /** GPU device ids granted by the allocator (NVIDIA UUIDs or indices). */
  gpuIds: string[];
  /** What is mounted at /home/jovyan. */
  home: { Type: "volume"; Source: string } | { Type: "bind"; Source: string; Propagation: "rslave" };
  run: RunDirs;
  /** Bytes for the writable layer, where the engine's storage driver can enforce it. */
  diskSize?: string;
  /** A job (a pipeline step) runs this instead of Jupyter Server, on a terminal (Tty). */
  command?: string[];
  /** The home mounted read-only (a step that did not ask to write it). */
  homeReadOnly?: boolean;
}

/** Docker reads 0 as "no limit": refuse anything that would round there, whatever called us. Never the host's network. */
export function checkLimits(p: { cpu: number; memoryMb: number; network: string }): void {
  if (!(p.cpu >= MIN_CPU) || !(p.memoryMb >= MIN_MEMORY_MB)) throw new Error(`refusing limits below the floor: cpu ${p.cpu}, memory ${p.memoryMb} MB`);
  if (p.network === "host") throw new Error("a user server never shares the host's network");
}

/** Jupyter Server on its Unix socket (the command a server's container runs, under tini). */
export function jupyterCommand(p: { baseUrl: string; socketMode: string }): string[] {
  return [
    "tini", "--", "python3", "-m", "jupyter_server",
    `--ServerApp.sock=${CONTAINER_JUPYTER_SOCKET}`, `--ServerApp.sock_mode=${p.socketMode}`,
    `--ServerApp.base_url=${p.baseUrl}`, "--ServerApp.root_dir=/home/jovyan",
    // Kiln's proxy checks who may reach the server; Jupyter's own checks see Kiln's host.
    "--ServerApp.allow_remote_access=True", "--ServerApp.trust_xheaders=True",
  ];
}

/** A server's (or step's) environment, as `KEY=value` lines. */
export function containerEnv(p: { jupyterToken: string; gpuIds: string[]; env: Record<string, string> }): string[] {
  return [
    `JUPYTER_TOKEN=${p.jupyterToken}`,
    // Connection files and the cookie secret are per run, not data: keep them out of the
    // home volume (and out from under a home the warm pool mounts later).
    "JUPYTER_RUNTIME_DIR=/tmp/jupyter-runtime",
    // The kiln module reaches Kiln through the socket Kiln listens on for this server.
    "KILN_API_URL=http://kiln", `KILN_API_SOCKET=${CONTAINER_API_SOCKET}`,
    // The NVIDIA runtime exposes exactly these devices (without it the variable is inert);
    // CUDA takes the same uuids, so a framework sees these and no other, whatever the order.
    ...(p.gpuIds.length ? [`NVIDIA_VISIBLE_DEVICES=${p.gpuIds.join(",")}`, `CUDA_VISIBLE_DEVICES=${p.gpuIds.join(",")}`] : []),
    ...Object.entries(p.env).map(([k, v]) => `${k}=${v}`),
  ];
}

/** Whose server it is, for an admin reading `docker ps` (or `docker service ls`) and for Kiln's own clean-ups. */
export function serverLabels(names: Names, s: { user: string; userId: number; serverName: string; serverId: number }): Record<string, string> {
  return {
    "org.kiln.user": s.user, "org.kiln.user-id": String(s.userId), "org.kiln.server": s.serverName,
    "org.kiln.server-id": String(s.serverId), "org.kiln.managed": "true", "org.kiln.instance": names.instance,
  };
}

/** Whose job (a pipeline step, a sweep trial) it is: its tracked run. */
export function jobLabels(names: Names, j: { user: string; userId: number; runId: number }): Record<string, string> {
  return {
    "org.kiln.user": j.user, "org.kiln.user-id": String(j.userId), "org.kiln.run-id": String(j.runId),
    "org.kiln.managed": "true", "org.kiln.instance": names.instance,
  };
}

/** A job's environment: with a read-only home, caches go to the container's own disk. */
export function jobEnv(j: { homeWritable: boolean; env: Record<string, string> }): Record<string, string> {
  return { ...(j.homeWritable ? {} : { KILN_CACHE_DIR: "/tmp/kiln-datasets", IPYTHONDIR: "/tmp/ipython", MPLCONFIGDIR: "/tmp/matplotlib" }), ...j.env };
}

/** A job's command, `{api}` standing for where its files are inside the container. */
export const jobCommand = (command: string[]) => command.map((a) => a.replaceAll("{api}", `${CONTAINER_RUN}/api`));

/**
 * The one container shape Kiln runs a Jupyter Server (or a pipeline step) in: its own network namespace (Jupyter
 * on a Unix socket, the kiln module on Kiln's), an unprivileged user, all capabilities
 * dropped, no new privileges, CPU, memory (no swap beyond) and process limits, the user's
 * home, no Docker socket.
 */
export function containerSpec(p: ContainerPlan): Docker.ContainerCreateOptions {
  checkLimits(p);
  return {
    name: p.name,
    Image: p.image,
    User: "1000:1000",
    WorkingDir: "/home/jovyan",
    ...(p.command ? { Tty: true } : {}),
    Cmd: p.command ? ["tini", "--", ...p.command] : jupyterCommand(p),
    Env: containerEnv(p),
    Labels: p.labels,
    HostConfig: {
      NetworkMode: p.network,
      Memory: p.memoryMb * 1024 * 1024,
      MemorySwap: p.memoryMb * 1024 * 1024,
      NanoCpus: Math.round(p.cpu * 1e9),
      PidsLimit: PIDS_LIMIT,
      Privileged: false,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      ...(p.diskSize ? { StorageOpt: { size: p.diskSize } } : {}),
      Mounts: [
        p.home.Type === "volume"
          ? { Type: "volume", Source: p.home.Source, Target: "/home/jovyan", ReadOnly: !!p.homeReadOnly }
          : { Type: "bind", Source: p.home.Source, Target: "/home/jovyan", ReadOnly: !!p.homeReadOnly, BindOptions: { Propagation: p.home.Propagation } },
        { Type: "bind", Source: p.run.jupyterDir, Target: `${CONTAINER_RUN}/jupyter` },
        { Type: "bind", Source: p.run.apiDir, Target: `${CONTAINER_RUN}/api`, ReadOnly: true },
      ],
      DeviceRequests: p.gpuIds.length ? [{ Driver: "nvidia", DeviceIDs: p.gpuIds, Capabilities: [["gpu"]] }] : [],
    },
  };
}
