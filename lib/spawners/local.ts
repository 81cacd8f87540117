import { getConfig } from "../config";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freeLoopbackPort } from "./free-port";
import type { ProgressEvent, SpawnerState, Spawner, SpawnSpec } from "./types";
import { waitForHttp } from "./wait-http";

export interface LocalSpawnerOptions {
  /** A Python with jupyter_server and ipykernel (Debian's /usr/bin/python3 by default). */
  python: string;
  /** Each user's working directory is <homes>/<user>. */
  homes: string;
}

interface LocalState extends SpawnerState {
  pid: number;
  port: number;
}

/** The images' Jupyter config and extension (TCP_NODELAY, spare kernel) apply here too. */
const COMMON = path.resolve(process.cwd(), "kernels", "common");

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Jupyter Servers as local child processes, for one machine without Docker (`npm start`
 * on a laptop): no isolation between users beyond their working directories, so it suits a
 * single user or a trusted group only (README says so). Servers run in their own process
 * group, detached, so they outlive a Kiln restart and are re-adopted by pid.
 */
export class LocalProcessSpawner implements Spawner {
  readonly kind = "local";
  constructor(private readonly options: LocalSpawnerOptions) {}

  async start(spec: SpawnSpec, progress: (e: ProgressEvent) => void, signal: AbortSignal) {
    const port = await freeLoopbackPort();
    const home = path.join(this.options.homes, spec.user);
    fs.mkdirSync(home, { recursive: true });
    progress({ progress: 40, message: "Starting Jupyter" });
    const child = spawn(
      this.options.python,
      ["-m", "jupyter_server", "--ServerApp.ip=127.0.0.1", `--ServerApp.port=${port}`, "--ServerApp.port_retries=0",
        `--ServerApp.base_url=${spec.baseUrl}`, `--ServerApp.root_dir=${home}`, "--ServerApp.open_browser=False",
        // Jupyter refuses root unless told; local servers run as whoever runs Kiln.
        ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
        `--config=${path.join(COMMON, "jupyter_server_config.py")}`],
      {
        cwd: home,
        detached: true,
        stdio: ["ignore", "ignore", fs.openSync(path.join(home, ".kiln-jupyter.log"), "a")],
        // Only what Jupyter needs: Kiln's own environment (secrets, DATABASE_URL) stays out.
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8", JUPYTER_TOKEN: spec.jupyterToken,
          PYTHONPATH: COMMON, // kiln_jupyter, the extension the config loads
          // The granted devices only; none granted hides them all from this server's kernels.
          CUDA_VISIBLE_DEVICES: spec.gpuIds.join(","),
          ...spec.env,
        } as unknown as NodeJS.ProcessEnv,
      },
    );
    child.unref();
    const state: LocalState = { pid: child.pid!, port };
    try {
      await waitForHttp(`${this.url(state)}${spec.baseUrl}api`, { authorization: `token ${spec.jupyterToken}` }, signal, async () => alive(state.pid));
    } catch (e) {
      await this.stop(state);
      throw e;
    }
    return { url: this.url(state), state };
  }

  async stop(state: SpawnerState): Promise<void> {
    const { pid } = state as LocalState;
    if (!pid || !alive(pid)) return;
    try {
      process.kill(-pid, "SIGTERM"); // the server and its kernels
    } catch {
      /* already gone */
    }
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(-pid, "SIGKILL");
  }

  async poll(state: SpawnerState): Promise<number | null> {
    return alive((state as LocalState).pid) ? null : 0;
  }

  url(state: SpawnerState): string {
    return `http://127.0.0.1:${(state as LocalState).port}`;
  }

  /** No image here: the interpreter and its Jupyter packages are the host's. */
  async imageDigest(): Promise<string> {
    return `local:${getConfig().servers.localPython}`;
  }
}
