import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type Docker from "dockerode";
import { logger } from "../log";
import { containerSpec, homeVolumeName, serverContainerName } from "./docker-container";
import type { DockerState } from "./docker";
import { freeLoopbackPort } from "./free-port";
import { bindMount, makeSharedMountPoint, releaseMountPoint } from "./host-mount";
import type { ProgressEvent, SpawnSpec } from "./types";
import { waitForHttp } from "./wait-http";

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
  port: number;
  token: string;
  baseUrl: string;
  ready: boolean;
}

export interface WarmPoolOptions {
  docker: Docker;
  instance: string;
  /** Host directory holding one mount point per slot (KILN_DATA_DIR/pool). */
  dir: string;
}

const POOL_LABEL = "org.kiln.pool-slot";

/**
 * N ready Jupyter containers per image, handed out on demand and refilled. A pooled
 * container is nobody's until claimed; then Kiln binds it to the user: their home volume is
 * bind-mounted on the host over the slot's mount point (propagating into the container,
 * see host-mount.ts), CPU and memory are updated to what they asked, the container is renamed
 * to theirs, and Jupyter is told their environment (kiln_jupyter's claim endpoint, which
 * also moves the spare kernel into the new home). Host networking only (tests and single
 * hosts); a request the pool cannot serve (GPUs, an image without a pool) starts cold.
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
      id, entry, dir: path.join(this.o.dir, id), port: 0, token: crypto.randomBytes(32).toString("hex"), baseUrl: `/kiln-pool/${id}/`, ready: false,
    };
    this.slots.push(slot); // counted before the first await: a second refill does not start it again
    try {
      slot.port = await freeLoopbackPort();
      await makeSharedMountPoint(slot.dir);
      fs.chownSync(slot.dir, 1000, 1000);
      const container = await this.o.docker.createContainer(
        containerSpec({
          name: `${this.o.instance}-pool-${id}`, image: entry.reference, network: "host", port: slot.port, baseUrl: slot.baseUrl,
          // The spare kernel starts before the home is mounted: its IPython files stay out of it.
          jupyterToken: slot.token, env: { IPYTHONDIR: "/tmp/ipython-unclaimed" }, cpu: entry.cpu, memoryMb: entry.memoryMb, gpuIds: [],
          labels: { "org.kiln.managed": "true", "org.kiln.instance": this.o.instance, [POOL_LABEL]: id },
          home: { Type: "bind", Source: slot.dir, Propagation: "rslave" },
        }),
      );
      slot.containerId = container.id;
      await container.start();
      // Warm means the spare kernel is ready too, not just Jupyter answering.
      await waitForHttp(`http://127.0.0.1:${slot.port}${slot.baseUrl}kiln/warm`, { authorization: `token ${slot.token}` }, AbortSignal.timeout(120_000),
        async () => (await container.inspect()).State.Running);
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
      const volume = homeVolumeName(this.o.instance, spec.user);
      await docker.createVolume({ Name: volume }); // returns the existing one if there is one
      const { Mountpoint } = await docker.getVolume(volume).inspect();
      const st = fs.statSync(Mountpoint);
      if (st.uid === 0 && fs.readdirSync(Mountpoint).length === 0) fs.chownSync(Mountpoint, 1000, 1000); // a new home
      await bindMount(Mountpoint, slot.dir);
      await container.update({ NanoCpus: Math.round(spec.cpu * 1e9), Memory: spec.memoryMb * 1024 * 1024, MemorySwap: spec.memoryMb * 1024 * 1024 });
      const name = serverContainerName(this.o.instance, spec.user, spec.serverName);
      await docker.getContainer(name).remove({ force: true }).catch(() => {});
      await container.rename({ name });
      const r = await fetch(`http://127.0.0.1:${slot.port}${slot.baseUrl}kiln/claim`, {
        method: "POST", headers: { authorization: `token ${slot.token}` }, body: JSON.stringify({ env: { ...spec.env, IPYTHONDIR: "/home/jovyan/.ipython" } }),
        signal: AbortSignal.timeout(30_000),
      });
      if (r.status !== 204) throw new Error(`claim answered ${r.status}`);
      return {
        containerId: slot.containerId!, host: "127.0.0.1", port: slot.port, upstreamBaseUrl: slot.baseUrl, poolDir: slot.dir,
        jupyterToken: slot.token,
      };
    } catch (e) {
      logger().warn({ err: e, image: slot.entry.image }, "warm pool: claim failed; starting a server cold");
      await this.destroy(slot);
      return null;
    }
  }

  private async destroy(slot: Slot) {
    if (slot.containerId) await this.o.docker.getContainer(slot.containerId).remove({ force: true }).catch(() => {});
    await releaseMountPoint(slot.dir).catch((e) => logger().warn({ err: e, dir: slot.dir }, "warm pool: could not release a mount point"));
  }

  /** Unclaimed containers of an earlier run go; claimed ones (renamed, owned by a server row) stay. */
  private async removeStale() {
    const all = await this.o.docker.listContainers({ all: true, filters: { label: [`org.kiln.instance=${this.o.instance}`, POOL_LABEL] } });
    const kept = new Set<string>();
    for (const c of all) {
      const unclaimed = c.Names.some((n) => n.startsWith(`/${this.o.instance}-pool-`));
      if (unclaimed) await this.o.docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
      else kept.add(c.Labels[POOL_LABEL]!);
    }
    fs.mkdirSync(this.o.dir, { recursive: true });
    for (const d of fs.readdirSync(this.o.dir)) if (!kept.has(d)) await releaseMountPoint(path.join(this.o.dir, d)).catch(() => {});
  }

  /** At shutdown: unclaimed containers go (claimed ones keep running, as every user server does). */
  async close() {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => this.destroy(s)));
  }
}
