import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { logger } from "../../log";
import { processAlive } from "../../process-alive";

const PREFIX = "kiln-serving-";
/** Names the process that made the folder, so a later Kiln can tell a dead one's leftovers. */
const OWNER = "owner.pid";

/**
 * The folders of Kiln's that ended without stopping (SIGKILL, a crash, the machine's power):
 * its sockets and nothing else, left in the temporary folder. Only folders naming their
 * owner are removed, and only once that process is gone: another Kiln on this machine (a
 * replica, a test's) keeps its own; one from before owners were named is left alone.
 */
export function removeDeadOwnersDirs(tmp = os.tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = fs.readdirSync(tmp).filter((n) => n.startsWith(PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = path.join(tmp, name);
    let pid: number;
    try {
      const st = fs.lstatSync(dir);
      if (!st.isDirectory() || st.uid !== process.getuid?.()) continue; // someone else's, or not a folder of ours
      pid = Number(fs.readFileSync(path.join(dir, OWNER), "utf8").trim());
    } catch {
      continue; // no owner named, or not readable: not ours to judge
    }
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  if (removed.length) logger().info({ folders: removed }, "serving: removed the socket folders of Kiln processes that ended without stopping");
  return removed;
}

/** A new private folder (0700: only Kiln's account reaches the sockets in it), naming this process as its owner. */
export function makePrivateDir(tmp = os.tmpdir()): string {
  removeDeadOwnersDirs(tmp);
  const dir = fs.mkdtempSync(path.join(tmp, PREFIX));
  fs.writeFileSync(path.join(dir, OWNER), `${process.pid}\n`, { mode: 0o600 });
  return dir;
}
