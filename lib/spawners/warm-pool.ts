import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type Docker from "dockerode";
import { ensureImage } from "../images/builder";
import { logger } from "../log";
import { assignKernelApiSocket, closeKernelApiSocket, openKernelApiSocket } from "../kernel-api/sockets";
import { ensureHomeVolume, serverContainerName } from "./docker-container";
import type { DockerSpawner, DockerState } from "./docker";
import { bindMount, makeSharedMountPoint, releaseMountPoint } from "./host-mount";
import { removeContainer } from "./remove-container";
import { jupyterSocketMode, prepareRunDirs, removeRunDirs, type RunDirs } from "./run-dirs";
import type { ProgressEvent, SpawnSpec } from "./types";
import { upstreamFetch } from "./upstream";
import { waitForJupyter } from "./wait-jupyter";

export interface PoolEntry {
  /** Catalog name, for logs and metrics. */
  image: string;
  /** Image reference the containers run. */
  reference: string;
  size: number;
  cpu: number;
  memoryMb: number;
}

interface Slot {
  id: string;
  entry: PoolEntry;
  dir: string;
  containerId?: string;
  run?: RunDirs;
  token: string;
  baseUrl: string;
  ready: boolean;
}

export interface WarmPoolOptions {
  docker: Docker;
  /** Creates containers (with the disk limit where the engine enforces one). */
  spawner: DockerSpawner;
  instance: string;
  prefix: string;
  /** Host directory holding one mount point per slot (KILN_DATA_DIR/pool). */
  dir: string;
}

const POOL_LABEL = "org.kiln.pool-slot";

/**
 * N ready Jupyter containers per image, handed out on demand and refilled. A pooled
 * container is nobody's until claimed; then Kiln binds it to the user: their home volume is
 * bind-mounted on the host over the slot's mount point (propagating into the container,
 * see host-mount.ts), CPU and memory are updated to what they asked, the container is renamed
 * to theirs, Kiln's kernel API socket for the slot starts speaking for their server, and
 * Jupyter is told their environment (kiln_jupyter's claim endpoint, which also moves the
 * spare kernel into the new home). Pooled containers have no network, as every server; a
 * request the pool cannot serve (GPUs, an image without a pool) starts cold.
 */
export class WarmPool {
  private slots: Slot[] = [];
  private entries: PoolEntry[] = [];
  private closed = false;

  constructor(private readonly o: WarmPoolOptions) {}

  /** Removes what a previous Kiln left unclaimed, then fills the pool. */
  async configure(entries: PoolEntry[]): Promise<void> {
    this.entries = entries.filter((e) => e.size > 0);
    await this.removeStale();
    this.refill();
  }

  status() {
    return this.entries.map((e) => ({
      image: e.image, size: e.size,
      ready: this.slots.filter((s) => s.entry === e && s.ready).length,
      starting: this.slots.filter((s) => s.entry === e && !s.ready).length,
    }));
  }

  private refill() {
    if (this.closed) return;
    for (const e of this.entries) {
      const have = this.slots.filter((s) => s.entry === e).length;
      for (let i = have; i < e.size; i++) void this.startSlot(e);
    }
  }

  private async startSlot(entry: PoolEntry) {
    const id = crypto.randomBytes(6).toString("hex");
    const slot: Slot = {
      id, entry, dir: path.join(this.o.dir, id), token: crypto.randomBytes(32).toString("hex"), baseUrl: `/kiln-pool/${id}/`, ready: false,
    };
    this.slots.push(slot); // counted before the first await: a second refill does not start it again
    try {
      await ensureImage(this.o.docker, entry.reference); // a fresh machine builds it first
      await makeSharedMountPoint(slot.dir);
      fs.chownSync(slot.dir, 1000, 1000);
      slot.run = prepareRunDirs(`p${id}`, { uid: 1000, gid: 1000 });
      await openKernelApiSocket(slot.run.apiSocket, null); // nobody's until claimed: refuses everything
      const container = await this.o.spawner.create({
        name: `${this.o.prefix}-pool-${id}`, image: entry.reference, network: this.o.spawner.options.network, baseUrl: slot.baseUrl,
        // The spare kernel starts before the home is mounted: its IPython files stay out of it.
        jupyterToken: slot.token, socketMode: jupyterSocketMode(), env: { IPYTHONDIR: "/tmp/ipython-unclaimed" },
        cpu: entry.cpu, memoryMb: entry.memoryMb, gpuIds: [], run: slot.run,
        labels: { "org.kiln.managed": "true", "org.kiln.instance": this.o.instance, [POOL_LABEL]: id },
        home: { Type: "bind", Source: slot.dir, Propagation: "rslave" },
      });
      slot.containerId = container.id;
      await container.start();
      // Warm means the spare kernel is ready too, not just Jupyter answering.
      await waitForJupyter({ socketPath: slot.run.jupyterSocket }, slot.baseUrl, slot.token, AbortSignal.timeout(120_000),
        async () => (await container.inspect()).State.Running, Infinity);
      if (this.closed) throw new Error("pool closed");
      slot.ready = true;
    } catch (e) {
      if (!this.closed) logger().warn({ err: e, image: entry.image }, "warm pool: a container did not start");
      this.slots = this.slots.filter((s) => s !== slot);
      await this.destroy(slot);
      if (!this.closed) setTimeout(() => this.refill(), 10_000).unref(); // try again later, not in a tight loop
    }
  }

  /** A ready container bound to `spec`'s user, or null (the caller starts one cold). */
  async claim(spec: SpawnSpec, progress: (e: ProgressEvent) => void): Promise<DockerState | null> {
    if (spec.gpuIds.length) return null; // devices cannot be added to a running container
    const slot = this.slots.find((s) => s.ready && s.entry.reference === spec.image);
    if (!slot) return null;
    this.slots = this.slots.filter((s) => s !== slot);
    this.refill();
    progress({ progress: 50, message: "Taking a ready server from the warm pool" });
    const docker = this.o.docker;
    const container = docker.getContainer(slot.containerId!);
    try {
      const volume = await ensureHomeVolume(docker, this.o, { id: spec.userId, name: spec.user, legacyHome: spec.legacyHome });
      const { Mountpoint } = await docker.getVolume(volume).inspect();
      const st = fs.statSync(Mountpoint);
      if (st.uid === 0 && fs.readdirSync(Mountpoint).length === 0) fs.chownSync(Mountpoint, 1000, 1000); // a new home
      await bindMount(Mountpoint, slot.dir);
      await container.update({ NanoCpus: Math.round(spec.cpu * 1e9), Memory: spec.memoryMb * 1024 * 1024, MemorySwap: spec.memoryMb * 1024 * 1024 });
      const name = serverContainerName(this.o, spec.serverId);
      await removeContainer(docker, name);
      await container.rename({ name });
      const run = slot.run!;
      assignKernelApiSocket(run.apiSocket, spec.serverId);
      const r = await upstreamFetch({ socketPath: run.jupyterSocket }, `${slot.baseUrl}kiln/claim`, {
        method: "POST", headers: { authorization: `token ${slot.token}` }, body: JSON.stringify({ env: { ...spec.env, IPYTHONDIR: "/home/jovyan/.ipython" } }),
        timeoutMs: 30_000,
      });
      if (r.status !== 204) throw new Error(`claim answered ${r.status}`);
      return {
        containerId: slot.containerId!, socketPath: run.jupyterSocket, apiSocket: run.apiSocket, runKey: `p${slot.id}`,
        upstreamBaseUrl: slot.baseUrl, poolDir: slot.dir, jupyterToken: slot.token,
      };
    } catch (e) {
      logger().warn({ err: e, image: slot.entry.image }, "warm pool: claim failed; starting a server cold");
      await this.destroy(slot);
      return null;
    }
  }

  private async destroy(slot: Slot) {
    if (slot.containerId) await removeContainer(this.o.docker, slot.containerId);
    if (slot.run) await closeKernelApiSocket(slot.run.apiSocket);
    removeRunDirs(`p${slot.id}`);
    await releaseMountPoint(slot.dir).catch((e) => logger().warn({ err: e, dir: slot.dir }, "warm pool: could not release a mount point"));
  }

  /** Unclaimed containers of an earlier run go; claimed ones (renamed, owned by a server row) stay. */
  private async removeStale() {
    const all = await this.o.docker.listContainers({ all: true, filters: { label: [`org.kiln.instance=${this.o.instance}`, POOL_LABEL] } });
    const kept = new Set<string>();
    for (const c of all) {
      const unclaimed = c.Names.some((n) => n.startsWith(`/${this.o.prefix}-pool-`));
      if (unclaimed) await removeContainer(this.o.docker, c.Id);
      else kept.add(c.Labels[POOL_LABEL]!);
    }
    fs.mkdirSync(this.o.dir, { recursive: true });
    for (const d of fs.readdirSync(this.o.dir)) {
      if (kept.has(d)) continue;
      await releaseMountPoint(path.join(this.o.dir, d)).catch(() => {});
      if (/^[0-9a-f]{12}$/.test(d)) removeRunDirs(`p${d}`);
    }
  }

  /** At shutdown: unclaimed containers go (claimed ones keep running, as every user server does). */
  async close() {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => this.destroy(s)));
  }
}
