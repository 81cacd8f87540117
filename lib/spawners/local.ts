import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { getConfig } from "../config";
import { kilnIsRoot, prepareRunDirs, removeRunDirs } from "./run-dirs";
import type { HomeOwner, ProgressEvent, SpawnerState, Spawner, SpawnSpec } from "./types";
import { upstreamOf } from "./upstream";
import { waitForJupyter } from "./wait-jupyter";

export interface LocalSpawnerOptions {
  /** A Python with jupyter_server and ipykernel (Debian's /usr/bin/python3 by default). */
  python: string;
  /** Kiln's data directory: homes and run directories live under it. */
  dataDir: string;
}

interface LocalState extends SpawnerState {
  pid: number;
  socketPath: string;
  runKey: string;
}

/** The images' Jupyter config and extension (TCP_NODELAY, spare kernel) apply here too. */
const COMMON = path.resolve(process.cwd(), "kernels", "common");

/**
 * When Kiln runs as root, each user's local servers run as their own unprivileged uid
 * (no account needed: the uid is only an owner for files and processes), never as root.
 * Far above ordinary accounts and the 100000-165535 range Debian gives containers.
 */
const UID_BASE = 2_000_000;
export const localUidOf = (userId: number) => UID_BASE + userId;

const run = promisify(execFile);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Where a user's files are: named by user id (accounts from before keep their name-based one). */
export function localHome(dataDir: string, spec: { userId: number; user: string; legacyHome: boolean }) {
  return spec.legacyHome ? path.join(dataDir, "homes", spec.user) : path.join(dataDir, "uhomes", String(spec.userId));
}

/**
 * Jupyter Servers as local child processes, for one machine without Docker (`npm start` on
 * a laptop). Each runs as the user's own uid when Kiln is root (else as Kiln's account),
 * on a Unix socket in its run directory; but it shares the host's network and sees every
 * local port, so it suits a single user or a group who trust each other only (Kiln refuses
 * to serve a network with open sign-up on it unless told they do: lib/servers/isolation.ts).
 * Servers run in their own process group, detached, so they outlive a Kiln restart.
 */
export class LocalProcessSpawner implements Spawner {
  readonly kind = "local";
  constructor(private readonly options: LocalSpawnerOptions) {}

  async start(spec: SpawnSpec, progress: (e: ProgressEvent) => void, signal: AbortSignal) {
    const root = kilnIsRoot();
    const owner = root ? { uid: localUidOf(spec.userId), gid: localUidOf(spec.userId) } : null;
    const home = localHome(this.options.dataDir, spec);
    fs.mkdirSync(path.dirname(home), { recursive: true, mode: 0o711 });
    fs.chmodSync(path.dirname(home), 0o711);
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    // A home from before servers ran as their user's uid holds root's files: hand them over once.
    if (owner && fs.statSync(home).uid !== owner.uid) await run("chown", ["-R", `${owner.uid}:${owner.gid}`, home]);
    const runKey = `s${spec.serverId}`;
    const dirs = prepareRunDirs(runKey, owner ?? { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 });
    progress({ progress: 40, message: "Starting Jupyter" });
    const log = fs.openSync(path.join(dirs.root, "jupyter.log"), "a", 0o600);
    const child = spawn(
      this.options.python,
      ["-m", "jupyter_server", `--ServerApp.sock=${dirs.jupyterSocket}`, "--ServerApp.sock_mode=0600",
        `--ServerApp.base_url=${spec.baseUrl}`, `--ServerApp.root_dir=${home}`, "--ServerApp.open_browser=False",
        `--config=${path.join(COMMON, "jupyter_server_config.py")}`],
      {
        cwd: home,
        detached: true,
        stdio: ["ignore", "ignore", log],
        ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
        // Only what Jupyter needs: Kiln's own environment (secrets, DATABASE_URL) stays out.
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, USER: `kiln-${spec.user}`, LANG: "C.UTF-8",
          JUPYTER_TOKEN: spec.jupyterToken, JUPYTER_RUNTIME_DIR: path.join(dirs.jupyterDir, "runtime"),
          PYTHONPATH: COMMON, // kiln_jupyter, the extension the config loads
          // The granted devices only; none granted hides them all from this server's kernels.
          CUDA_VISIBLE_DEVICES: spec.gpuIds.join(","),
          KILN_API_URL: getConfig().kernelApiUrl,
          ...spec.env,
        } as unknown as NodeJS.ProcessEnv,
      },
    );
    fs.closeSync(log);
    child.unref();
    const state: LocalState = { pid: child.pid!, socketPath: dirs.jupyterSocket, runKey };
    try {
      await waitForJupyter(upstreamOf(state), spec.baseUrl, spec.jupyterToken, signal, async () => alive(state.pid));
    } catch (e) {
      await this.stop(state);
      throw e;
    }
    return { state };
  }

  async stop(state: SpawnerState): Promise<void> {
    const { pid, runKey } = state as LocalState;
    if (pid && alive(pid)) {
      try {
        process.kill(-pid, "SIGTERM"); // the server and its kernels
      } catch {
        /* already gone */
      }
      for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      if (alive(pid)) process.kill(-pid, "SIGKILL");
    }
    if (runKey) removeRunDirs(runKey);
  }

  /** Local kernels reach Kiln on its TCP port: nothing to take up again. */
  async adopt(): Promise<void> {}

  async poll(state: SpawnerState): Promise<number | null> {
    return alive((state as LocalState).pid) ? null : 0;
  }

  upstream(state: SpawnerState) {
    return upstreamOf(state);
  }

  async homeOf(user: HomeOwner): Promise<string | null> {
    const dir = localHome(this.options.dataDir, { userId: user.id, user: user.name, legacyHome: user.legacyHome });
    return fs.existsSync(dir) ? dir : null;
  }

  async deleteHome(location: string): Promise<void> {
    // Only ever a directory this spawner named: never follow a path elsewhere.
    const homes = [path.join(this.options.dataDir, "uhomes"), path.join(this.options.dataDir, "homes")];
    if (!homes.some((h) => path.dirname(location) === h)) throw new Error(`not a local home: ${location}`);
    fs.rmSync(location, { recursive: true, force: true });
  }

  /** No image here: the interpreter and its Jupyter packages are the host's. */
  async imageDigest(): Promise<string> {
    return `local:${getConfig().servers.localPython}`;
  }
}
