import Docker from "dockerode";
import { freeLoopbackPort } from "./free-port";
import type { ProgressEvent, SpawnerState, Spawner, SpawnSpec } from "./types";
import { waitForHttp } from "./wait-http";

export interface DockerSpawnerOptions {
  /** "host": Jupyter binds 127.0.0.1 on a Kiln-allocated port. Else a user-defined network Kiln is on too. */
  network: string;
  /** Value of the org.kiln.instance label. */
  instance: string;
}

interface DockerState extends SpawnerState {
  containerId: string;
  host: string;
  port: number;
}

/** Container and volume names may only hold [a-zA-Z0-9_.-]. */
const safe = (s: string) => s.replace(/[^a-zA-Z0-9_.-]/g, "_");

/**
 * One container per user server, as JupyterHub's DockerSpawner: the catalog image, CPU and
 * memory limits, a persistent per-user volume as the home directory, an unprivileged user,
 * all capabilities dropped, no Docker socket, labels naming owner and server.
 */
export class DockerSpawner implements Spawner {
  readonly kind = "docker";
  constructor(private readonly docker: Docker, private readonly options: DockerSpawnerOptions) {}

  async start(spec: SpawnSpec, progress: (e: ProgressEvent) => void, signal: AbortSignal) {
    const host = this.options.network === "host";
    const port = host ? await freeLoopbackPort() : 8888;
    // Named after the instance too: two Kilns sharing an engine never touch each other's.
    const name = `${this.options.instance}-${safe(spec.user)}${spec.serverName ? `-${safe(spec.serverName)}` : ""}`;
    progress({ progress: 20, message: "Creating container" });
    await this.docker.getContainer(name).remove({ force: true }).catch(() => {}); // a leftover from a crash
    const container = await this.docker.createContainer({
      name,
      Image: spec.image,
      User: "1000:1000",
      WorkingDir: "/home/jovyan",
      Cmd: [
        "tini", "--", "python3", "-m", "jupyter_server",
        `--ServerApp.ip=${host ? "127.0.0.1" : "0.0.0.0"}`, `--ServerApp.port=${port}`, "--ServerApp.port_retries=0",
        `--ServerApp.base_url=${spec.baseUrl}`, "--ServerApp.root_dir=/home/jovyan",
        // Kiln's proxy checks who may reach the server; Jupyter's own checks see Kiln's host.
        "--ServerApp.allow_remote_access=True", "--ServerApp.trust_xheaders=True",
      ],
      Env: [`JUPYTER_TOKEN=${spec.jupyterToken}`, ...Object.entries(spec.env).map(([k, v]) => `${k}=${v}`)],
      Labels: { "org.kiln.user": spec.user, "org.kiln.server": spec.serverName, "org.kiln.managed": "true", "org.kiln.instance": this.options.instance },
      HostConfig: {
        NetworkMode: this.options.network,
        Memory: spec.memoryMb * 1024 * 1024,
        MemorySwap: spec.memoryMb * 1024 * 1024, // no swap beyond the limit
        NanoCpus: Math.round(spec.cpu * 1e9),
        PidsLimit: 1024,
        Privileged: false,
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        Mounts: [{ Type: "volume", Source: `${this.options.instance}-home-${safe(spec.user)}`, Target: "/home/jovyan" }],
        DeviceRequests: spec.gpus > 0 ? [{ Driver: "nvidia", Count: spec.gpus, Capabilities: [["gpu"]] }] : [],
      },
    });
    const state: DockerState = { containerId: container.id, host: host ? "127.0.0.1" : name, port };
    try {
      progress({ progress: 40, message: "Starting container" });
      await container.start();
      progress({ progress: 60, message: "Starting Jupyter" });
      await waitForHttp(`${this.url(state)}${spec.baseUrl}api`, { authorization: `token ${spec.jupyterToken}` }, signal, async () =>
        (await this.poll(state)) === null,
      );
    } catch (e) {
      await this.stop(state);
      throw e;
    }
    return { url: this.url(state), state };
  }

  async stop(state: SpawnerState): Promise<void> {
    const c = this.docker.getContainer((state as DockerState).containerId);
    await c.stop({ t: 5 }).catch(() => {});
    await c.remove({ force: true }).catch((e: { statusCode?: number }) => {
      if (e.statusCode !== 404) throw e;
    });
  }

  async poll(state: SpawnerState): Promise<number | null> {
    try {
      const info = await this.docker.getContainer((state as DockerState).containerId).inspect();
      return info.State.Running ? null : info.State.ExitCode;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return 0;
      throw e;
    }
  }

  url(state: SpawnerState): string {
    const s = state as DockerState;
    return `http://${s.host}:${s.port}`;
  }
}
