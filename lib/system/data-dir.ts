import fs from "node:fs";
import path from "node:path";

/** What local servers' users must be able to reach under KILN_DATA_DIR (their homes, their sockets). */
const TRAVERSED = new Set(["run", "uhomes", "homes", "pool"]);

/**
 * KILN_DATA_DIR holds the embedded database, the blob store and the at-rest key: user code
 * must not read it. The directory itself can be passed through (0711: no listing) to reach
 * the homes and run directories below it; everything else in it is Kiln's alone (0700/0600).
 */
export function secureDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o711);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) fs.chmodSync(p, TRAVERSED.has(entry.name) ? 0o711 : 0o700);
    else if (entry.isFile()) fs.chmodSync(p, 0o600);
  }
}
