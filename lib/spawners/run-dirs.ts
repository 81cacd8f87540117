import fs from "node:fs";
import path from "node:path";
import { getConfig } from "../config";

/**
 * Each server's host directory under KILN_DATA_DIR/run: `jupyter/` where its Jupyter
 * Server creates its Unix socket (owned by the server's user), and `api/` where Kiln
 * listens for that server's `kiln` module (read-only to the server). Containers see them
 * at /run/kiln/jupyter and /run/kiln/api.
 */
export interface RunDirs {
  root: string;
  jupyterDir: string;
  /** Jupyter's socket, as Kiln (on the host) reaches it. */
  jupyterSocket: string;
  apiDir: string;
  apiSocket: string;
}

export const CONTAINER_RUN = "/run/kiln";
export const CONTAINER_JUPYTER_SOCKET = `${CONTAINER_RUN}/jupyter/j.sock`;
export const CONTAINER_API_SOCKET = `${CONTAINER_RUN}/api/kiln.sock`;

/** Unix socket paths are limited to 107 bytes; the longest Kiln makes is the root + this. */
const LONGEST_SUFFIX = "/p0123456789ab/jupyter/j.sock".length;

export function runRoot(): string {
  return path.join(getConfig().dataDir, "run");
}

/** Refuses a data directory whose sockets could not be created (a path too long for AF_UNIX). */
export function checkRunRoot(root = runRoot()): string | null {
  const max = 107 - LONGEST_SUFFIX;
  return Buffer.byteLength(root) > max ? `KILN_DATA_DIR is too deep: ${root} must be at most ${max} bytes long (Unix socket paths are limited)` : null;
}

export function runDirs(key: string, root = runRoot()): RunDirs {
  if (!/^[a-z0-9]{1,14}$/.test(key)) throw new Error(`bad run directory key ${key}`);
  const dir = path.join(root, key);
  return {
    root: dir,
    jupyterDir: path.join(dir, "jupyter"),
    jupyterSocket: path.join(dir, "jupyter", "j.sock"),
    apiDir: path.join(dir, "api"),
    apiSocket: path.join(dir, "api", "kiln.sock"),
  };
}

export const kilnIsRoot = () => process.getuid?.() === 0;

/**
 * Creates the directories afresh: `jupyter/` owned by the account the server runs as, so
 * only it and Kiln (root) can reach the socket; `api/` Kiln's, readable by all. A Kiln
 * that is not root cannot give the directory away: it leaves `jupyter/` writable by all
 * and keeps the run root to itself (0700), so no other host account gets near.
 */
export function prepareRunDirs(key: string, owner: { uid: number; gid: number }, root = runRoot()): RunDirs {
  const d = runDirs(key, root);
  const asRoot = kilnIsRoot();
  fs.mkdirSync(root, { recursive: true });
  fs.chmodSync(root, asRoot ? 0o711 : 0o700);
  fs.rmSync(d.root, { recursive: true, force: true });
  fs.mkdirSync(d.jupyterDir, { recursive: true });
  fs.mkdirSync(d.apiDir);
  fs.chmodSync(d.root, 0o755);
  fs.chmodSync(d.apiDir, 0o755);
  if (asRoot) {
    fs.chownSync(d.jupyterDir, owner.uid, owner.gid);
    fs.chmodSync(d.jupyterDir, 0o700);
  } else fs.chmodSync(d.jupyterDir, 0o777);
  return d;
}

/** Jupyter's socket mode: only its owner, unless Kiln (not root) must connect as another account. */
export const jupyterSocketMode = () => (kilnIsRoot() ? "0600" : "0666");

export function removeRunDirs(key: string, root = runRoot()): void {
  fs.rmSync(runDirs(key, root).root, { recursive: true, force: true });
}
