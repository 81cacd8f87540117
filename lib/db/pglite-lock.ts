import fs from "node:fs";
import path from "node:path";
import { ConfigError } from "../config";
import { processAlive } from "../process-alive";
import { readOrEmpty } from "../read-or-empty";

/**
 * One process at a time on an embedded database's directory. PostgreSQL's postmaster.pid
 * does this for a real server; PGlite has nothing of the kind, and two Kilns on one
 * KILN_DATA_DIR (`npm start` run twice) both wrote its WAL: the next start after a crash
 * then found no valid checkpoint and could not open the database at all (seen here).
 *
 * The lock is a file beside the directory naming its holder by pid and start time (a pid
 * used again by another process after a crash is not the holder). A holder that is gone
 * (killed) leaves a stale lock, which the next opener takes over.
 */
export interface PgliteLock {
  release(): void;
}

export function lockPgliteDir(dir: string): PgliteLock {
  const file = `${path.resolve(dir)}.lock`;
  const me = `${process.pid} ${startTimeOf(process.pid)}`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, me, { flag: "wx", mode: 0o600 });
      return { release: () => (readOrEmpty(file) === me ? fs.rmSync(file, { force: true }) : undefined) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 2) throw e;
    }
    const holder = readOrEmpty(file);
    const [pid, started] = holder.split(" ");
    if (holderAlive(Number(pid), started ?? "")) {
      throw new ConfigError([{ variable: "KILN_DATA_DIR", message: `${dir} is in use by another Kiln (pid ${pid}): stop it, or give this one a KILN_DATA_DIR of its own` }]);
    }
    // Stale: its holder is gone. Removed only if still the same stale content, then raced for again.
    if (readOrEmpty(file) === holder) fs.rmSync(file, { force: true });
  }
}

function holderAlive(pid: number, started: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return false;
  return startTimeOf(pid) === started;
}

/** The process's start time in clock ticks since boot (/proc/PID/stat, field 22): "" where unknown. */
function startTimeOf(pid: number): string {
  const stat = readOrEmpty(`/proc/${pid}/stat`);
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
}
