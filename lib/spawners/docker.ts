import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { ensureImage } from "../images/builder";
import { closeKernelApiSocket, openKernelApiSocket, socketOwner } from "../kernel-api/sockets";
import { logger } from "../log";
import { containerSpec, type ContainerPlan, ensureHomeVolume, homeVolumeName, jobCommand, jobEnv, jobLabels, serverContainerName, serverLabels } from "./docker-container";
import { releaseMountPoint } from "./host-mount";
import { removeContainer } from "./remove-container";
import { jupyterSocketMode, prepareRunDirs, removeRunDirs, runDirs } from "./run-dirs";
import type { HomeOwner, JobHandle, JobRunner, JobSpec, ProgressEvent, SpawnerState, Spawner, SpawnSpec } from "./types";
import { upstreamOf } from "./upstream";
import { waitForJupyter } from "./wait-jupyter";
import type { WarmPool } from "./warm-pool";

/**
 * A server starts with this much CPU (or what it asked, if more): Jupyter Server and its
 * first kernel start side by side, and on a 1-CPU limit each waits for the other.
 */
const STARTUP_CPU = Math.min(4, os.availableParallelism());

/** A job container's run id as Kiln writes it: a decimal integer, no sign, exponent or leading zero. */
const RUN_ID_LABEL = /^[1-9][0-9]{0,9}$/;
const INT4_MAX = 2 ** 31 - 1;

export interface DockerSpawnerOptions {
  /** "none": no network at all (the default). Else a network the operator made for egress. */
  network: string;
  /** Value of the org.kiln.instance label. */
  instance: string;
  /** What names begin with: the instance and the database's id. */
  prefix: string;
  /** Size limit of each container's writable layer (e.g. "20G"), where the storage driver enforces one. */
  diskSize?: string;
}

export interface DockerState extends SpawnerState {
  containerId: string;
  /** Jupyter's socket and Kiln's kernel API socket, on the host. */
  socketPath: string;
  apiSocket: string;
  /** The run directory's key (see run-dirs.ts). */
  runKey: string;
  /** Set for a server handed out by the warm pool: its Jupyter base URL and host mount point. */
  upstreamBaseUrl?: string;
  poolDir?: string;
}

/**
 * One container per user server, as JupyterHub's DockerSpawner: the catalog image, CPU,
 * memory and process limits, a persistent per-user volume as the home directory, an
 * unprivileged user, all capabilities dropped, no Docker socket, and its own network
 * namespace: Kiln reaches Jupyter through a Unix socket, never a TCP port. A warm pool,
 * when configured, hands out a ready container instead of starting one.
 */
export class DockerSpawner implements Spawner, JobRunner {
  readonly kind = "docker";
  pool?: WarmPool;
  /** Whether the engine enforces `diskSize` (known after the first create that asks for it). */
  private diskLimits: boolean | undefined;
  constructor(readonly docker: Docker, readonly options: DockerSpawnerOptions) {}

  /** Creates a container, without the disk limit where the engine's storage driver refuses one. */
  async create(plan: Omit<ContainerPlan, "diskSize">): Promise<Docker.Container> {
    const diskSize = this.diskLimits === false ? undefined : this.options.diskSize;
    try {
      const created = await this.docker.createContainer(containerSpec({ ...plan, diskSize }));
      if (diskSize) this.diskLimits = true;
      return created;
    } catch (e) {
      if (!diskSize || !/storage-opt|storage opt|quota/i.test(String((e as Error).message))) throw e;
      this.diskLimits = false;
      logger().warn({ reason: (e as Error).message }, "the Docker storage driver cannot limit a container's disk: KILN_SERVER_DISK is not enforced");
      return this.docker.createContainer(containerSpec({ ...plan }));
    }
  }

  /** What the admin page shows: whether the disk limit holds here. */
  get diskLimitEnforced(): boolean | undefined {
    return this.options.diskSize ? this.diskLimits : false;
  }

  /** Kiln's own images are built when missing (once, minutes on a fresh machine): the start waits, saying so. */
  async prepare(spec: SpawnSpec, progress: (e: ProgressEvent) => void) {
    await ensureImage(this.docker, spec.image, (message) => progress({ progress: 10, message }));
  }

  async start(spec: SpawnSpec, progress: (e: ProgressEvent) => void, signal: AbortSignal) {
    const pooled = await this.pool?.claim(spec, progress);
    if (pooled) return { state: pooled };

    const runKey = `s${spec.serverId}`;
    const name = serverContainerName(this.options, spec.serverId);
    progress({ progress: 20, message: "Creating container" });
    const run = prepareRunDirs(runKey, { uid: 1000, gid: 1000 });
    const state: DockerState = { containerId: "", socketPath: run.jupyterSocket, apiSocket: run.apiSocket, runKey };
    try {
      // Side by side, they are one engine round trip instead of three.
      const [home] = await Promise.all([
        ensureHomeVolume(this.docker, this.options, { id: spec.userId, name: spec.user, legacyHome: spec.legacyHome }),
        removeContainer(this.docker, name), // a leftover from a crash
        openKernelApiSocket(run.apiSocket, socketOwner.server(spec.serverId)),
      ]);
      const container = await this.create({
        name, image: spec.image, network: this.options.network, baseUrl: spec.baseUrl, jupyterToken: spec.jupyterToken,
        // More CPU while it starts (Jupyter and the first kernel import side by side), the asked limit once ready.
        socketMode: jupyterSocketMode(), env: spec.env, cpu: Math.max(spec.cpu, STARTUP_CPU), memoryMb: spec.memoryMb, gpuIds: spec.gpuIds, run,
        labels: serverLabels(this.options, spec),
        home: { Type: "volume", Source: home },
      });
      state.containerId = container.id;
      progress({ progress: 40, message: "Starting container" });
      await container.start();
      progress({ progress: 60, message: "Starting Jupyter and a first kernel" });
      // Ready means a first kernel is to be had at once (the spare is up), not just that Jupyter answers.
      await waitForJupyter(upstreamOf(state), spec.baseUrl, spec.jupyterToken, signal, async () => (await this.poll(state)) === null);
      // Before anyone's code runs in it: a server that cannot be held to its limit is not started.
      if (spec.cpu < STARTUP_CPU) await container.update({ NanoCpus: Math.round(spec.cpu * 1e9) });
    } catch (e) {
      // A server that never answered gets no graceful stop: its PID 1 may ignore SIGTERM.
      if (state.containerId) await removeContainer(this.docker, state.containerId);
      await this.release(state);
      throw e;
    }
    return { state };
  }

  /**
   * A pipeline step: the same container shape as a server's (its own network namespace, the
   * kiln module on a socket of its own that speaks for the step's run only), the home
   * read-only unless asked, the program on a terminal so progress bars and colours come out
   * as they would on one. Output is attached before the start: nothing is missed.
   */
  async runJob(spec: JobSpec): Promise<JobHandle> {
    const runKey = `r${spec.runId}`;
    const run = prepareRunDirs(runKey, { uid: 1000, gid: 1000 });
    for (const [name, text] of Object.entries(spec.files)) fs.writeFileSync(path.join(run.apiDir, name), text, { mode: 0o644 });
    const name = `${this.options.prefix}-r${spec.runId}`;
    // The engine takes a container's name wherever it takes its id: the state can stop it before it exists.
    const state: DockerState = { containerId: name, socketPath: "", apiSocket: run.apiSocket, runKey };
    try {
      const [home] = await Promise.all([
        ensureHomeVolume(this.docker, this.options, { id: spec.userId, name: spec.user, legacyHome: spec.legacyHome }),
        removeContainer(this.docker, name),
        openKernelApiSocket(run.apiSocket, socketOwner.run(spec.runId)),
      ]);
      await spec.onLaunch?.(state);
      const container = await this.create({
        name, image: spec.image, network: this.options.network, baseUrl: "/", jupyterToken: "", socketMode: jupyterSocketMode(),
        env: jobEnv(spec), cpu: spec.cpu, memoryMb: spec.memoryMb, gpuIds: spec.gpuIds, run,
        command: jobCommand(spec.command), homeReadOnly: !spec.homeWritable, labels: jobLabels(this.options, spec),
        home: { Type: "volume", Source: home },
      });
      state.containerId = container.id;
      const output = await container.attach({ stream: true, stdout: true, stderr: true, logs: true });
      // "next-exit": the default answers at once for a container not started yet.
      const exit = container.wait({ condition: "next-exit" }).then((r: { StatusCode: number }) => r.StatusCode);
      await container.start();
      return { state, output, exit };
    } catch (e) {
      await this.stopJob(state);
      throw e;
    }
  }

  async imageId(image: string): Promise<string> {
    await ensureImage(this.docker, image, () => {});
    return (await this.docker.getImage(image).inspect()).Id;
  }

  async adoptJob(state: SpawnerState, runId: number): Promise<JobHandle | null> {
    const s = state as DockerState;
    if (!s.containerId || !s.runKey) return null;
    const c = this.docker.getContainer(s.containerId);
    const info = await c.inspect().catch(() => null);
    // Never started (its Kiln died between create and start): nothing ran; the caller runs it again.
    if (!info || info.State.Status === "created") return null;
    await openKernelApiSocket(runDirs(s.runKey).apiSocket, socketOwner.run(runId));
    // All of its output again (the caller skips what was stored), then what comes; an exited
    // container's logs end where it did.
    const output = (await c.logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream;
    const exit = info.State.Running ? c.wait({ condition: "not-running" }).then((r: { StatusCode: number }) => r.StatusCode) : Promise.resolve(info.State.ExitCode);
    return { state, output, exit };
  }

  async stopJob(state: SpawnerState): Promise<void> {
    const s = state as DockerState;
    if (s.containerId) await removeContainer(this.docker, s.containerId);
    await this.release(s);
  }

  async stop(state: SpawnerState): Promise<void> {
    const s = state as DockerState;
    const c = this.docker.getContainer(s.containerId);
    await c.stop({ t: 5 }).catch(() => {});
    if (!(await removeContainer(this.docker, s.containerId))) throw new Error(`the engine could not remove container ${s.containerId}`);
    await this.release(s);
  }

  /** What the server held on the host: Kiln's socket for it, its run directory, a pool mount. */
  private async release(s: DockerState) {
    if (s.apiSocket) await closeKernelApiSocket(s.apiSocket);
    if (s.runKey) removeRunDirs(s.runKey);
    if (s.poolDir) await releaseMountPoint(s.poolDir);
  }

  /**
   * Removes the containers of this deployment's jobs (named by its prefix: another Kiln on
   * the same engine keeps its own) whose run `ended` says is over; answers their run ids.
   */
  async removeEndedJobs(ended: (runIds: number[]) => Promise<Set<number>>): Promise<number[]> {
    const mine = `/${this.options.prefix}-r`;
    const jobs = (await this.docker.listContainers({ all: true, filters: { label: [`org.kiln.instance=${this.options.instance}`, "org.kiln.run-id"] } }))
      .map((c) => ({ id: c.Id, names: c.Names, label: c.Labels["org.kiln.run-id"]! }))
      // named by this deployment for the run it is labelled with; runs.id is an int4, so a larger id is no run of ours (and would fail the query)
      .filter((c) => RUN_ID_LABEL.test(c.label) && Number(c.label) <= INT4_MAX && c.names.includes(mine + c.label))
      .map((c) => ({ id: c.id, runId: Number(c.label) }));
    if (!jobs.length) return [];
    const over = await ended(jobs.map((j) => j.runId));
    const removed: number[] = [];
    for (const j of jobs) if (over.has(j.runId) && (await removeContainer(this.docker, j.id))) removed.push(j.runId);
    return removed;
  }

  async removeLeftovers(serverId: number): Promise<void> {
    await removeContainer(this.docker, serverContainerName(this.options, serverId));
    removeRunDirs(`s${serverId}`);
  }

  async adopt(state: SpawnerState, serverId: number): Promise<void> {
    const s = state as DockerState;
    if (s.runKey) await openKernelApiSocket(runDirs(s.runKey).apiSocket, socketOwner.server(serverId));
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

  upstream(state: SpawnerState) {
    return upstreamOf(state);
  }

  async homeOf(user: HomeOwner): Promise<string | null> {
    const name = homeVolumeName(this.options, user);
    return (await this.docker.getVolume(name).inspect().then(() => true, () => false)) ? name : null;
  }

  async deleteHome(location: string): Promise<void> {
    await this.docker.getVolume(location).remove().catch((e: { statusCode?: number }) => {
      if (e.statusCode !== 404) throw e;
    });
  }

  async imageDigest(state: SpawnerState): Promise<string> {
    return (await this.docker.getContainer((state as DockerState).containerId).inspect()).Image;
  }
}
