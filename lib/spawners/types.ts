/** What a spawner needs to start one Jupyter server. */
export interface SpawnSpec {
  user: string;
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
 * mean something outside the spawner: `jupyterToken` (set: it replaces the one Kiln chose)
 * and `upstreamBaseUrl` (set: the proxy maps /user/{name}/... onto it, for servers started
 * before their user was known, as the warm pool's).
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
  start(spec: SpawnSpec, progress: (e: ProgressEvent) => void, signal: AbortSignal): Promise<{ url: string; state: SpawnerState }>;
  stop(state: SpawnerState): Promise<void>;
  poll(state: SpawnerState): Promise<number | null>;
  /** The server's upstream URL (http://host:port) from its state. */
  url(state: SpawnerState): string;
  /** What exactly the server runs (a run records it, "Reproduce" requires it): the image's id. */
  imageDigest(state: SpawnerState): Promise<string>;
}
