import Docker from "dockerode";
import { containerSpec, homeVolumeName, serverContainerName } from "./docker-container";
import { freeLoopbackPort } from "./free-port";
import { releaseMountPoint } from "./host-mount";
import type { ProgressEvent, SpawnerState, Spawner, SpawnSpec } from "./types";
import { waitForHttp } from "./wait-http";
import type { WarmPool } from "./warm-pool";

export interface DockerSpawnerOptions {
  /** "host": Jupyter binds 127.0.0.1 on a Kiln-allocated port. Else a user-defined network Kiln is on too. */
  network: string;
  /** Value of the org.kiln.instance label. */
  instance: string;
}

export interface DockerState extends SpawnerState {
  containerId: string;
  host: string;
  port: number;
  /** Set for a server handed out by the warm pool: its Jupyter base URL and host mount point. */
  upstreamBaseUrl?: string;
  poolDir?: string;
}

/**
 * One container per user server, as JupyterHub's DockerSpawner: the catalog image, CPU and
 * memory limits, a persistent per-user volume as the home directory, an unprivileged user,
 * all capabilities dropped, no Docker socket, labels naming owner and server. A warm pool,
 * when configured, hands out a ready container instead of starting one.
 */
export class DockerSpawner implements Spawner {
  readonly kind = "docker";
  pool?: WarmPool;
  constructor(readonly docker: Docker, readonly options: DockerSpawnerOptions) {}

  async start(spec: SpawnSpec, progress: (e: ProgressEvent) => void, signal: AbortSignal) {
    const pooled = await this.pool?.claim(spec, progress);
    if (pooled) return { url: this.url(pooled), state: pooled };

    const host = this.options.network === "host";
    const port = host ? await freeLoopbackPort() : 8888;
    // Named after the instance too: two Kilns sharing an engine never touch each other's.
    const name = serverContainerName(this.options.instance, spec.user, spec.serverName);
    progress({ progress: 20, message: "Creating container" });
    await this.docker.getContainer(name).remove({ force: true }).catch(() => {}); // a leftover from a crash
    const container = await this.docker.createContainer(
      containerSpec({
        name, image: spec.image, network: this.options.network, port, baseUrl: spec.baseUrl, jupyterToken: spec.jupyterToken,
        env: spec.env, cpu: spec.cpu, memoryMb: spec.memoryMb, gpuIds: spec.gpuIds,
        labels: { "org.kiln.user": spec.user, "org.kiln.server": spec.serverName, "org.kiln.managed": "true", "org.kiln.instance": this.options.instance },
        home: { Type: "volume", Source: homeVolumeName(this.options.instance, spec.user) },
      }),
    );
    const state: DockerState = { containerId: container.id, host: host ? "127.0.0.1" : name, port };
    try {
      progress({ progress: 40, message: "Starting container" });
      await container.start();
      progress({ progress: 60, message: "Starting Jupyter" });
      await waitForHttp(`${this.url(state)}${spec.baseUrl}api`, { authorization: `token ${spec.jupyterToken}` }, signal, async () =>
        (await this.poll(state)) === null,
      );
    } catch (e) {
      // A server that never answered gets no graceful stop: its PID 1 may ignore SIGTERM.
      await container.remove({ force: true }).catch(() => {});
      throw e;
    }
    return { url: this.url(state), state };
  }

  async stop(state: SpawnerState): Promise<void> {
    const s = state as DockerState;
    const c = this.docker.getContainer(s.containerId);
    await c.stop({ t: 5 }).catch(() => {});
    await c.remove({ force: true }).catch((e: { statusCode?: number }) => {
      if (e.statusCode !== 404) throw e;
    });
    if (s.poolDir) await releaseMountPoint(s.poolDir);
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

  async imageDigest(state: SpawnerState): Promise<string> {
    return (await this.docker.getContainer((state as DockerState).containerId).inspect()).Image;
  }
}
