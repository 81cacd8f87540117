import type Docker from "dockerode";

/** Container and volume names may only hold [a-zA-Z0-9_.-]. */
export const safeName = (s: string) => s.replace(/[^a-zA-Z0-9_.-]/g, "_");

/** `{instance}-{user}[-{server}]`: an admin reading `docker ps` sees whose it is. */
export const serverContainerName = (instance: string, user: string, serverName: string) =>
  `${instance}-${safeName(user)}${serverName ? `-${safeName(serverName)}` : ""}`;

export const homeVolumeName = (instance: string, user: string) => `${instance}-home-${safeName(user)}`;

export interface ContainerPlan {
  name: string;
  image: string;
  /** "host": Jupyter binds 127.0.0.1:port. Else a user-defined network; Jupyter on 0.0.0.0:8888. */
  network: string;
  port: number;
  baseUrl: string;
  jupyterToken: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  cpu: number;
  memoryMb: number;
  /** GPU device ids granted by the allocator (NVIDIA UUIDs or indices). */
  gpuIds: string[];
  /** What is mounted at /home/jovyan. */
  home: { Type: "volume"; Source: string } | { Type: "bind"; Source: string; Propagation: "rslave" };
}

/**
 * The one container shape Kiln runs a Jupyter Server in: an unprivileged user, all
 * capabilities dropped, no new privileges, CPU and memory limits (no swap beyond), a pid
 * limit, the user's home, no Docker socket.
 */
export function containerSpec(p: ContainerPlan): Docker.ContainerCreateOptions {
  const host = p.network === "host";
  return {
    name: p.name,
    Image: p.image,
    User: "1000:1000",
    WorkingDir: "/home/jovyan",
    Cmd: [
      "tini", "--", "python3", "-m", "jupyter_server",
      `--ServerApp.ip=${host ? "127.0.0.1" : "0.0.0.0"}`, `--ServerApp.port=${p.port}`, "--ServerApp.port_retries=0",
      `--ServerApp.base_url=${p.baseUrl}`, "--ServerApp.root_dir=/home/jovyan",
      // Kiln's proxy checks who may reach the server; Jupyter's own checks see Kiln's host.
      "--ServerApp.allow_remote_access=True", "--ServerApp.trust_xheaders=True",
    ],
    Env: [
      `JUPYTER_TOKEN=${p.jupyterToken}`,
      // Connection files and the cookie secret are per run, not data: keep them out of the
      // home volume (and out from under a home the warm pool mounts later).
      "JUPYTER_RUNTIME_DIR=/tmp/jupyter-runtime",
      // The NVIDIA runtime exposes exactly these devices; without it the variable is inert.
      ...(p.gpuIds.length ? [`NVIDIA_VISIBLE_DEVICES=${p.gpuIds.join(",")}`] : []),
      ...Object.entries(p.env).map(([k, v]) => `${k}=${v}`),
    ],
    Labels: p.labels,
    HostConfig: {
      NetworkMode: p.network,
      Memory: p.memoryMb * 1024 * 1024,
      MemorySwap: p.memoryMb * 1024 * 1024,
      NanoCpus: Math.round(p.cpu * 1e9),
      PidsLimit: 1024,
      Privileged: false,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Mounts: [
        p.home.Type === "volume"
          ? { Type: "volume", Source: p.home.Source, Target: "/home/jovyan" }
          : { Type: "bind", Source: p.home.Source, Target: "/home/jovyan", BindOptions: { Propagation: p.home.Propagation } },
      ],
      DeviceRequests: p.gpuIds.length ? [{ Driver: "nvidia", DeviceIDs: p.gpuIds, Capabilities: [["gpu"]] }] : [],
    },
  };
}
