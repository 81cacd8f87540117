import type { Upstream } from "./upstream";

/** Whose home: homes are named by user id (older accounts keep a name-based one). */
export interface HomeOwner {
  id: number;
  name: string;
  legacyHome: boolean;
}

/** What a spawner needs to start one Jupyter server. */
export interface SpawnSpec {
  /** The servers row's id: containers, volumes and directories are named by ids, never by names. */
  serverId: number;
  userId: number;
  user: string;
  /** Accounts older than id-named homes keep the home named after them (users.legacy_home). */
  legacyHome: boolean;
  /** "" for the default server. */
  serverName: string;
  image: string;
  cpu: number;
  memoryMb: number;
  /** Devices the GPU allocator granted (empty: none). */
  gpuIds: string[];
  /** The URL prefix the proxy forwards unchanged: /user/{name}/[{server}/] */
  baseUrl: string;
  /** Jupyter's own token: Kiln adds it when proxying; browsers never see it. */
  jupyterToken: string;
  env: Record<string, string>;
}

/**
 * JSON the spawner keeps in the database to find its server again after a restart. Two keys
 * mean something outside the spawner: `jupyterToken` (set: it replaces the one Kiln chose;
 * stored encrypted, lib/servers/secrets.ts) and `upstreamBaseUrl` (set: the proxy maps
 * /user/{name}/... onto it, for servers started before their user was known, as the warm pool's).
 */
export type SpawnerState = Record<string, unknown>;

export interface ProgressEvent {
  progress: number;
  message: string;
}

/**
 * The pluggable part, as JupyterHub's Spawner: a small surface, state as JSON.
 * `start` resolves once Jupyter answers; `poll` is null while running, else an exit status.
 */
export interface Spawner {
  readonly kind: string;
  /** Before `start` and its timeout: what may take long once (building a missing image). */
  prepare?(spec: SpawnSpec, progress: (e: ProgressEvent) => void): Promise<void>;
  start(spec: SpawnSpec, progress: (e: ProgressEvent) => void, signal: AbortSignal): Promise<{ state: SpawnerState }>;
  stop(state: SpawnerState): Promise<void>;
  poll(state: SpawnerState): Promise<number | null>;
  /** Where the server's Jupyter listens (its Unix socket), from its state. */
  upstream(state: SpawnerState): Upstream;
  /** After a Kiln restart, for each server still running: take up what Kiln holds for it (the kernel API socket). */
  adopt(state: SpawnerState, serverId: number): Promise<void>;
  /** Where a user's files live for this spawner (a volume name, a directory), or null if there are none. */
  homeOf(user: HomeOwner): Promise<string | null>;
  /** Deletes a home `homeOf` named (its user is gone and the grace period is over). */
  deleteHome(location: string): Promise<void>;
  /** What exactly the server runs (a run records it, "Reproduce" requires it): the image's id. */
  imageDigest(state: SpawnerState): Promise<string>;
  /**
   * What a start cut short before it recorded any state (its Kiln died half-way) may have
   * left: found by the server's id, which names it. Harmless when there is nothing.
   */
  removeLeftovers?(serverId: number): Promise<void>;
}

/** A job: a pipeline step's program, run to its end in a fresh container (or process) with a server's isolation. */
export interface JobSpec {
  /** The tracked run it is: names the container and run directory, owns its kernel API socket. */
  runId: number;
  userId: number;
  user: string;
  legacyHome: boolean;
  image: string;
  cpu: number;
  memoryMb: number;
  gpuIds: string[];
  /** Steps see the owner's home read-only unless they ask to write it. */
  homeWritable: boolean;
  env: Record<string, string>;
  /** Files Kiln hands the job, read-only at /run/kiln/api/{name} (the runner and the step). */
  files: Record<string, string>;
  /** The program, with {api} standing for the directory those files are in. */
  command: string[];
  /**
   * Called as the container (process) is asked for, with the state that stops it: the
   * scheduling overhead ends here, and a caller that keeps the state now can stop (or
   * adopt) the job even if it dies before `runJob` answers.
   */
  onLaunch?: (state: SpawnerState) => Promise<void> | void;
}

/** A started job: its terminal's output as it comes, and its exit status. */
export interface JobHandle {
  /** Enough to stop it from another Kiln process (spawner kind and state go in the step's row). */
  state: SpawnerState;
  output: NodeJS.ReadableStream;
  exit: Promise<number>;
}

/** Spawners that can run jobs (pipeline steps). */
export interface JobRunner {
  runJob(spec: JobSpec): Promise<JobHandle>;
  /** What exactly a job of this image runs (a cached step compares it): the image's id, built first if missing. */
  imageId(image: string): Promise<string>;
  /** Kills the job and removes what it held; harmless on one that has ended or is gone. */
  stopJob(state: SpawnerState): Promise<void>;
  /**
   * After the Kiln that started it died: the job again, if it is still there (its output from
   * now on, its exit, its kernel-API socket listened on again), or null when it cannot be
   * (gone, or a local process whose output went with its parent).
   */
  adoptJob(state: SpawnerState, runId: number): Promise<JobHandle | null>;
}
