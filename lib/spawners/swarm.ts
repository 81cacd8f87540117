import fs from "node:fs";
import path from "node:path";
import type Docker from "dockerode";
import { closeKernelApiSocket, openKernelApiSocket, socketOwner } from "../kernel-api/sockets";
import { logger } from "../log";
import { emitProgress, progressKey } from "../servers/progress";
import { homeVolumeLabels, homeVolumeName, jobCommand, jobEnv, jobLabels, type Names, serverContainerName, serverLabels } from "./docker-container";
import { jupyterSocketMode, prepareRunDirs, removeRunDirs, runDirs } from "./run-dirs";
import { listSwarmNodes, nodeHolding, pinnedNode, setHomePin, type SwarmNode } from "./swarm-nodes";
import { followJob } from "./swarm-jobs";
import { serviceSpec } from "./swarm-service";
import { type SwarmTask, TERMINAL, taskStopReason, tasksOf, waitForTask } from "./swarm-tasks";
import type { HomeOwner, JobHandle, JobRunner, JobSpec, ProgressEvent, SpawnerState, Spawner, SpawnSpec } from "./types";
import { upstreamOf } from "./upstream";
import { waitForJupyter } from "./wait-jupyter";

export interface SwarmSpawnerOptions extends Names {
  /** pin: a user's servers go to the node their home volume is on; volume-driver: homes on a shared driver, servers anywhere. */
  homes: { kind: "pin" } | { kind: "volume-driver"; driver: string };
  /** KILN_SWARM_NETWORK: an overlay the operator made for user servers (egress); null: no network. */
  network: string | null;
}

export interface SwarmState extends SpawnerState {
  serviceName: string;
  /** The task started for it: once it is no longer running, the server has stopped (never a replacement). */
  taskId: string;
  nodeId: string;
  socketPath: string;
  apiSocket: string;
  runKey: string;
  image: string;
  home: string;
  userId: number;
  serverName: string;
}

const isNotFound = (e: unknown) => (e as { statusCode?: number }).statusCode === 404;

/**
 * Each server a swarm service of one replica (as dockerspawner's SwarmSpawner), shaped as
 * DockerSpawner's container (swarm-service.ts); GPUs as generic resources on the node that
 * declares the uuids the allocator granted. Kiln reaches the task's Jupyter through the
 * Unix socket in its run directory, bind-mounted from KILN_DATA_DIR/run: the node must see
 * the same directory as Kiln (one machine, or a shared filesystem that carries sockets).
 */
export class SwarmSpawner implements Spawner, JobRunner {
  readonly kind = "swarm";
  /** Tasks whose stop was already reported (poll runs every few seconds until the watch forgets the server). */
  private reported = new Set<string>();
  constructor(readonly docker: Docker, readonly options: SwarmSpawnerOptions) {}

  async start(spec: SpawnSpec, progress: (e: ProgressEvent) => void, signal: AbortSignal) {
    const runKey = `s${spec.serverId}`;
    const run = prepareRunDirs(runKey, { uid: 1000, gid: 1000 });
    const owner = { id: spec.userId, name: spec.user, legacyHome: spec.legacyHome };
    const state: SwarmState = {
      serviceName: serverContainerName(this.options, spec.serverId), taskId: "", nodeId: "", socketPath: run.jupyterSocket, apiSocket: run.apiSocket,
      runKey, image: spec.image, home: homeVolumeName(this.options, owner), userId: spec.userId, serverName: spec.serverName,
    };
    try {
      const { nodes, pinned } = await this.groundwork(state, socketOwner.server(spec.serverId));
      progress({ progress: 15, message: "Creating swarm service" });
      await this.docker.createService(serviceSpec({
        name: state.serviceName, image: spec.image, baseUrl: spec.baseUrl, jupyterToken: spec.jupyterToken, socketMode: jupyterSocketMode(),
        env: spec.env, labels: serverLabels(this.options, spec), cpu: spec.cpu, memoryMb: spec.memoryMb, gpuIds: spec.gpuIds, run,
        home: { name: state.home, labels: homeVolumeLabels(this.options, owner), driver: this.options.homes.kind === "volume-driver" ? this.options.homes.driver : null },
        constraints: this.placement(spec, nodes, pinned, progress), network: this.options.network,
      }));
      const task = await waitForTask(this.docker, state.serviceName, nodes, progress, signal);
      Object.assign(state, { taskId: task.ID, nodeId: task.NodeID ?? "" });
      if (this.options.homes.kind === "pin" && !pinned && state.nodeId)
        await setHomePin(this.docker, state.nodeId, state.home, true, this.options.instance).catch((e) => logger().warn({ err: e, home: state.home }, "could not record the node a home is on"));
      progress({ progress: 60, message: "Starting Jupyter and a first kernel" });
      await waitForJupyter(upstreamOf(state), spec.baseUrl, spec.jupyterToken, signal, async () => (await this.poll(state)) === null);
    } catch (e) {
      await this.stop(state);
      throw e;
    }
    return { state };
  }

  /**
   * Where the server may go: the node with its GPUs; with KILN_SWARM_HOMES=pin, the node its
   * user's home is on (unless GPUs are elsewhere: they win, and the server gets a home of its
   * own on their node, which the progress says).
   */
  private placement(spec: { gpuIds: string[] }, nodes: SwarmNode[], pinned: SwarmNode | undefined, progress: (e: ProgressEvent) => void): string[] {
    if (spec.gpuIds.length) {
      const gpuNode = nodeHolding(nodes, spec.gpuIds);
      if (!gpuNode) throw new Error(`no swarm node declares the granted GPUs ${spec.gpuIds.join(", ")}`);
      if (pinned && pinned.id !== gpuNode.id)
        progress({ progress: 12, message: `The GPUs are on node ${gpuNode.hostname}, your home on ${pinned.hostname}: this server gets a separate home there` });
      return [`node.id==${gpuNode.id}`];
    }
    return pinned ? [`node.id==${pinned.id}`] : [];
  }

  /**
   * A pipeline step or sweep trial: a one-replica service of the server's shape (the same
   * hardening, limits, labels, no network, placement: the GPUs' node, else the node holding
   * the user's home) with restart policy none, whose task runs the program on a TTY. Its
   * output is the service's log through the manager; its exit, the task's end. The state
   * (the service's name, from the run id) can stop it before the service exists.
   */
  async runJob(spec: JobSpec): Promise<JobHandle> {
    const runKey = `r${spec.runId}`;
    const run = prepareRunDirs(runKey, { uid: 1000, gid: 1000 });
    for (const [name, text] of Object.entries(spec.files)) fs.writeFileSync(path.join(run.apiDir, name), text, { mode: 0o644 });
    const owner = { id: spec.userId, name: spec.user, legacyHome: spec.legacyHome };
    const state: SwarmState = {
      serviceName: `${this.options.prefix}-r${spec.runId}`, taskId: "", nodeId: "", socketPath: "", apiSocket: run.apiSocket,
      runKey, image: spec.image, home: homeVolumeName(this.options, owner), userId: spec.userId, serverName: "",
    };
    try {
      const { nodes, pinned } = await this.groundwork(state, socketOwner.run(spec.runId));
      const constraints = this.placement(spec, nodes, pinned, () => {});
      await spec.onLaunch?.(state);
      await this.docker.createService(serviceSpec({
        name: state.serviceName, image: spec.image, baseUrl: "/", jupyterToken: "", socketMode: jupyterSocketMode(),
        env: jobEnv(spec), labels: jobLabels(this.options, spec), cpu: spec.cpu, memoryMb: spec.memoryMb, gpuIds: spec.gpuIds, run,
        home: { name: state.home, labels: homeVolumeLabels(this.options, owner), driver: this.options.homes.kind === "volume-driver" ? this.options.homes.driver : null },
        constraints, network: this.options.network, command: jobCommand(spec.command), homeReadOnly: !spec.homeWritable,
      }));
      let pin = this.options.homes.kind === "pin" && !pinned;
      const { output, exit } = followJob(this.docker, state.serviceName, (task) => {
        Object.assign(state, { taskId: task.ID, nodeId: task.NodeID ?? "" });
        // The user's first work anywhere made their home on this node (its container exists): their later servers and jobs go there.
        if (pin && task.NodeID && task.Status.ContainerStatus?.ContainerID) {
          pin = false;
          void setHomePin(this.docker, task.NodeID, state.home, true, this.options.instance).catch((e) => logger().warn({ err: e, home: state.home }, "could not record the node a home is on"));
        }
      });
      return { state, output, exit };
    } catch (e) {
      await this.stopJob(state);
      throw e;
    }
  }

  /** The image's id on the manager's engine: each node is expected to hold the same image (loaded or pulled; Kiln builds none for swarm nodes). */
  async imageId(image: string): Promise<string> {
    return (await this.docker.getImage(image).inspect().catch((e) => {
      if (isNotFound(e)) throw new Error(`the image ${image} is not on the swarm manager's engine: load or pull it on every node`);
      throw e;
    })).Id;
  }

  /** Removes the job's service (killing its task) and what Kiln held for it; harmless when it is gone. */
  async stopJob(state: SpawnerState): Promise<void> {
    await this.stop(state);
  }

  /**
   * After the Kiln that started it died: the service again, while it is there (its whole log
   * from the start, its task's end, its kernel-API socket listened on again). Null when it is
   * gone or its task never ran (rejected, or failed before its program started): the caller
   * removes it and runs the job again.
   */
  async adoptJob(state: SpawnerState, runId: number): Promise<JobHandle | null> {
    const s = state as SwarmState;
    if (!s.serviceName || !s.runKey) return null;
    const exists = await this.docker.getService(s.serviceName).inspect().then(() => true, (e) => (isNotFound(e) ? false : Promise.reject(e)));
    if (!exists) return null;
    const [task] = await tasksOf(this.docker, s.serviceName);
    if (task && TERMINAL.has(task.Status.State) && !task.Status.ContainerStatus?.ContainerID) return null;
    await openKernelApiSocket(runDirs(s.runKey).apiSocket, socketOwner.run(runId));
    const { output, exit } = followJob(this.docker, s.serviceName, (t) => Object.assign(s, { taskId: t.ID, nodeId: t.NodeID ?? "" }));
    return { state, output, exit };
  }

  /** Removes a service and waits (a while) for its container to be gone: its GPUs, volume and directories are free after. */
  /** Before a server's or a job's service: the nodes, no leftover of its name (a crash's), Kiln listening on its socket, its home's node. */
  private async groundwork(state: SwarmState, owner: ReturnType<(typeof socketOwner)[keyof typeof socketOwner]>) {
    const [nodes] = await Promise.all([listSwarmNodes(this.docker), this.removeService(state.serviceName), openKernelApiSocket(state.apiSocket, owner)]);
    const pinned = this.options.homes.kind === "pin" ? await pinnedNode(this.docker, nodes, state.home) : undefined;
    return { nodes, pinned };
  }

  async removeLeftovers(serverId: number): Promise<void> {
    await this.removeService(serverContainerName(this.options, serverId));
    removeRunDirs(`s${serverId}`);
  }

  private async removeService(name: string): Promise<void> {
    const removed = await this.docker.getService(name).remove().then(() => true, (e) => {
      if (isNotFound(e)) return false;
      throw e;
    });
    for (let i = 0; removed && i < 120; i++) {
      const live = (await tasksOf(this.docker, name).catch(() => [])).filter((t) => !TERMINAL.has(t.Status.State));
      if (!live.length) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async stop(state: SpawnerState): Promise<void> {
    const s = state as SwarmState;
    await this.removeService(s.serviceName);
    if (s.apiSocket) await closeKernelApiSocket(s.apiSocket);
    if (s.runKey) removeRunDirs(s.runKey);
  }

  async poll(state: SpawnerState): Promise<number | null> {
    const s = state as SwarmState;
    const tasks = await tasksOf(this.docker, s.serviceName);
    const exists = tasks.length > 0 || (await this.docker.getService(s.serviceName).inspect().then(() => true, (e) => (isNotFound(e) ? false : Promise.reject(e))));
    if (!exists) return 0;
    const task: SwarmTask | undefined = s.taskId ? tasks.find((t) => t.ID === s.taskId) : tasks.sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt))[0];
    if (!task) return 0; // swarm forgot it: it is not running
    const stopped = task.DesiredState !== "running" || TERMINAL.has(task.Status.State);
    if (!stopped) return null;
    if (s.taskId && !this.reported.has(task.ID)) {
      this.reported.add(task.ID);
      // The watch says the container exited; this says why (a drained or lost node, the task's error).
      const reason = taskStopReason(task, await listSwarmNodes(this.docker).catch(() => []));
      logger().info({ service: s.serviceName, reason }, "a swarm server's task stopped");
      emitProgress(progressKey(s.userId, s.serverName), { progress: 100, message: `Server stopped: ${reason}` });
    }
    return task.Status.ContainerStatus?.ExitCode ?? (task.Status.State === "complete" ? 0 : 1);
  }

  upstream(state: SpawnerState) {
    return upstreamOf(state);
  }

  async adopt(state: SpawnerState, serverId: number): Promise<void> {
    const s = state as SwarmState;
    if (s.runKey) await openKernelApiSocket(runDirs(s.runKey).apiSocket, socketOwner.server(serverId));
  }

  /** `volume@node` (pin) or the volume (shared driver): where the user's files are. */
  async homeOf(user: HomeOwner): Promise<string | null> {
    const volume = homeVolumeName(this.options, user);
    if (this.options.homes.kind === "volume-driver") return (await this.docker.getVolume(volume).inspect().then(() => true, () => false)) ? volume : null;
    const node = await pinnedNode(this.docker, await listSwarmNodes(this.docker), volume);
    return node ? `${volume}@${node.id}` : null;
  }

  /**
   * Kiln talks to the manager's engine only: a home on the manager's node (or on a shared
   * driver) is removed; one on another node is refused with what to run there, so the
   * archive row stays until an operator has removed it.
   */
  async deleteHome(location: string): Promise<void> {
    const [volume, nodeId] = location.split("@") as [string, string | undefined];
    const self = (await this.docker.info()).Swarm?.NodeID as string | undefined;
    if (nodeId && nodeId !== self) {
      const node = (await listSwarmNodes(this.docker)).find((n) => n.id === nodeId);
      if (node) throw new Error(`the home volume ${volume} is on swarm node ${node.hostname} (${nodeId}), whose engine Kiln does not reach: run \`docker volume rm ${volume}\` there`);
    }
    await this.docker.getVolume(volume).remove().catch((e) => {
      if (!isNotFound(e)) throw e;
    });
    if (nodeId) await setHomePin(this.docker, nodeId, volume, false, this.options.instance);
  }

  /** The image's id on the manager's engine (each node loads or pulls the same image), else its reference. */
  async imageDigest(state: SpawnerState): Promise<string> {
    const image = (state as SwarmState).image;
    return (await this.docker.getImage(image).inspect().then((i) => i.Id, () => null)) ?? image;
  }
}
