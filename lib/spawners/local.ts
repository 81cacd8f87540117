import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";
import { getConfig } from "../config";
import { closeKernelApiSocket, openKernelApiSocket, socketOwner } from "../kernel-api/sockets";
import { kilnIsRoot, prepareRunDirs, removeRunDirs, runDirs } from "./run-dirs";
import type { HomeOwner, JobHandle, JobRunner, JobSpec, ProgressEvent, SpawnerState, Spawner, SpawnSpec } from "./types";
import { processAlive } from "../process-alive";
import { readOrEmpty } from "../read-or-empty";
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
  /** Started in a network namespace of its own: its kiln module reaches Kiln on this socket. */
  apiSocket?: string;
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

/** In a server's run directory: the pid of its Jupyter, written as soon as it is spawned. */
const PID_FILE = "pid";

const run = promisify(execFile);

/** Where a user's files are: named by user id (accounts from before keep their name-based one). */
export function localHome(dataDir: string, spec: { userId: number; user: string; legacyHome: boolean }) {
  return spec.legacyHome ? path.join(dataDir, "homes", spec.user) : path.join(dataDir, "uhomes", String(spec.userId));
}

/**
 * How a local server is launched. When Kiln is root, each server gets a network namespace
 * of its own (`unshare --net`: only a loopback, brought up for Jupyter's kernel ports) and
 * then drops to the user's uid (`setpriv`): its code cannot reach the host's ports, Kiln's
 * or other users' kernels, and reaches Kiln only through the socket Kiln opens in its run
 * directory, as containers do. unshare, sh and setpriv each exec the next, so the pid Kiln
 * keeps is Jupyter's. A Kiln that is not root can do neither: the server runs as Kiln's
 * account on the host's network (said on the Admin page, refused for strangers).
 */
function launchCommand(python: string, jupyterArgs: string[], owner: { uid: number; gid: number } | null) {
  if (!owner) return { file: python, args: jupyterArgs };
  const drop = ["setpriv", `--reuid=${owner.uid}`, `--regid=${owner.gid}`, "--clear-groups", "--no-new-privs", "--", python, ...jupyterArgs];
  return { file: "unshare", args: ["--net", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", ...drop] };
}

/**
 * Jupyter Servers as local child processes, for one machine without Docker (`npm start` on
 * a laptop). When Kiln is root, each runs as the user's own uid in its own network
 * namespace (launchCommand); it still shares the host's filesystem (read as that uid),
 * process list and has no CPU or memory limit, so it suits a group who trust each other
 * (Kiln refuses to serve a network with open sign-up on it unless told they do:
 * lib/servers/isolation.ts). Servers run in their own process group, detached, so they
 * outlive a Kiln restart.
 */
export class LocalProcessSpawner implements Spawner, JobRunner {
  readonly kind = "local";
  constructor(private readonly options: LocalSpawnerOptions) {}

  async start(spec: SpawnSpec, progress: (e: ProgressEvent) => void, signal: AbortSignal) {
    const root = kilnIsRoot();
    const owner = root ? { uid: localUidOf(spec.userId), gid: localUidOf(spec.userId) } : null;
    const home = await this.prepareHome(spec, owner);
    const runKey = `s${spec.serverId}`;
    const dirs = prepareRunDirs(runKey, owner ?? { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 });
    progress({ progress: 40, message: "Starting Jupyter" });
    const log = fs.openSync(path.join(dirs.root, "jupyter.log"), "a", 0o600);
    // Its own namespace has no route to Kiln's port: the kiln module comes through a socket.
    const apiSocket = owner ? dirs.apiSocket : undefined;
    if (apiSocket) await openKernelApiSocket(apiSocket, socketOwner.server(spec.serverId));
    const launch = launchCommand(
      this.options.python,
      ["-m", "jupyter_server", `--ServerApp.sock=${dirs.jupyterSocket}`, "--ServerApp.sock_mode=0600",
        `--ServerApp.base_url=${spec.baseUrl}`, `--ServerApp.root_dir=${home}`, "--ServerApp.open_browser=False",
        `--config=${path.join(COMMON, "jupyter_server_config.py")}`],
      owner,
    );
    const child = spawn(
      launch.file,
      launch.args,
      {
        cwd: home,
        detached: true,
        stdio: ["ignore", "ignore", log],
        // Only what Jupyter needs: Kiln's own environment (secrets, DATABASE_URL) stays out.
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, USER: `kiln-${spec.user}`, LANG: "C.UTF-8",
          JUPYTER_TOKEN: spec.jupyterToken, JUPYTER_RUNTIME_DIR: path.join(dirs.jupyterDir, "runtime"),
          PYTHONPATH: COMMON, // kiln_jupyter, the extension the config loads
          // The granted devices only; none granted hides them all from this server's kernels.
          CUDA_VISIBLE_DEVICES: spec.gpuIds.join(","),
          ...(apiSocket ? { KILN_API_URL: "http://kiln", KILN_API_SOCKET: apiSocket } : { KILN_API_URL: getConfig().kernelApiUrl }),
          ...spec.env,
        } as unknown as NodeJS.ProcessEnv,
      },
    );
    fs.closeSync(log);
    child.unref();
    // Named in its run directory at once: a Kiln killed before the start ends (no row says
    // the pid yet) leaves the next one a way to find it (removeLeftovers).
    fs.writeFileSync(path.join(dirs.root, PID_FILE), String(child.pid));
    const state: LocalState = { pid: child.pid!, socketPath: dirs.jupyterSocket, runKey, apiSocket };
    try {
      await waitForJupyter(upstreamOf(state), spec.baseUrl, spec.jupyterToken, signal, async () => processAlive(state.pid));
    } catch (e) {
      await this.stop(state);
      throw e;
    }
    return { state };
  }

  /** The user's home, made if missing, owned by the uid their code runs as. */
  private async prepareHome(spec: { userId: number; user: string; legacyHome: boolean }, owner: { uid: number; gid: number } | null) {
    const home = localHome(this.options.dataDir, spec);
    fs.mkdirSync(path.dirname(home), { recursive: true, mode: 0o711 });
    fs.chmodSync(path.dirname(home), 0o711);
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    // A home from before servers ran as their user's uid holds root's files: hand them over once.
    if (owner && fs.statSync(home).uid !== owner.uid) await run("chown", ["-R", `${owner.uid}:${owner.gid}`, home]);
    return home;
  }

  /**
   * A pipeline step as a local process, isolated as a local server is (its own uid and
   * network namespace when Kiln is root), on a pseudo-terminal (stdout and stderr as one
   * terminal shows them). The home is the owner's directory; read-only cannot be enforced
   * here (no mount namespace).
   */
  async runJob(spec: JobSpec): Promise<JobHandle> {
    const root = kilnIsRoot();
    const owner = root ? { uid: localUidOf(spec.userId), gid: localUidOf(spec.userId) } : null;
    const home = await this.prepareHome(spec, owner);
    const runKey = `r${spec.runId}`;
    const dirs = prepareRunDirs(runKey, owner ?? { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 });
    for (const [name, text] of Object.entries(spec.files)) fs.writeFileSync(path.join(dirs.apiDir, name), text, { mode: 0o644 });
    const apiSocket = owner ? dirs.apiSocket : undefined;
    if (apiSocket) await openKernelApiSocket(apiSocket, socketOwner.run(spec.runId));
    const [program, ...args] = spec.command.map((a) => a.replaceAll("{api}", dirs.apiDir));
    // On a pseudo-terminal, as a container step is: colours and progress bars come out as a
    // terminal shows them. Python's pty module (no native addon to build) relays it to the pipe.
    const python = this.options.python;
    const launch = launchCommand(python, [path.join(COMMON, "kiln_pty_relay.py"), program === "python3" ? python : program!, ...args], owner);
    await spec.onLaunch?.({ pid: 0, socketPath: "", runKey, apiSocket } satisfies LocalState);
    const child = spawn(launch.file, launch.args, {
      cwd: home,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, USER: `kiln-${spec.user}`, LANG: "C.UTF-8", PYTHONUNBUFFERED: "1",
        PYTHONPATH: COMMON, CUDA_VISIBLE_DEVICES: spec.gpuIds.join(","),
        ...(apiSocket ? { KILN_API_URL: "http://kiln", KILN_API_SOCKET: apiSocket } : { KILN_API_URL: getConfig().kernelApiUrl }),
        ...spec.env,
      } as unknown as NodeJS.ProcessEnv,
    });
    const output = new PassThrough();
    let open = 2;
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on("data", (b: Buffer) => output.write(b));
      stream.on("end", () => --open === 0 && output.end());
    }
    const exit = new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1))));
    return { state: { pid: child.pid!, socketPath: "", runKey, apiSocket } satisfies LocalState, output, exit };
  }

  async imageId(): Promise<string> {
    return this.imageDigest();
  }

  /** A local step's output was a pipe to the Kiln that died: it cannot be followed again. */
  async adoptJob(): Promise<JobHandle | null> {
    return null;
  }

  async stopJob(state: SpawnerState): Promise<void> {
    await this.stop(state);
  }

  async stop(state: SpawnerState): Promise<void> {
    const { pid, runKey, apiSocket } = state as LocalState;
    if (pid && processAlive(pid)) {
      try {
        process.kill(-pid, "SIGTERM"); // the server and its kernels
      } catch {
        /* already gone */
      }
      for (let i = 0; i < 50 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      // The rest of the group too: a kernel or a step that ignored SIGTERM outlives its leader.
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        /* the whole group is gone */
      }
    }
    if (apiSocket) await closeKernelApiSocket(apiSocket);
    if (runKey) removeRunDirs(runKey);
  }

  /**
   * A start whose Kiln died before it ended: the process its run directory names is stopped,
   * if it is still that server's Jupyter (its command line names the run directory's socket:
   * a pid used again since is some other process, left alone).
   */
  async removeLeftovers(serverId: number): Promise<void> {
    const runKey = `s${serverId}`;
    const dirs = runDirs(runKey);
    const pid = Number(readOrEmpty(path.join(dirs.root, PID_FILE)).trim());
    const cmdline = Number.isInteger(pid) && pid > 1 ? readOrEmpty(`/proc/${pid}/cmdline`) : "";
    const ours = cmdline.split("\0").includes(`--ServerApp.sock=${dirs.jupyterSocket}`);
    await this.stop({ pid: ours ? pid : 0, runKey, apiSocket: dirs.apiSocket });
  }

  /** A server in its own namespace reaches Kiln through its socket: listen on it again. */
  async adopt(state: SpawnerState, serverId: number): Promise<void> {
    const s = state as LocalState;
    if (s.apiSocket && s.runKey) await openKernelApiSocket(runDirs(s.runKey).apiSocket, socketOwner.server(serverId));
  }

  async poll(state: SpawnerState): Promise<number | null> {
    return processAlive((state as LocalState).pid) ? null : 0;
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

