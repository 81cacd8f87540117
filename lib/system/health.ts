import { getDatabase } from "../db";
import { KILN_VERSION } from "../version";

/** Health as a load balancer wants it: 'ok' only when the database answers within 2 s. */
export async function health() {
  try {
    const database = await getDatabase();
    await Promise.race([
      database.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("database ping timed out")), 2000).unref()),
    ]);
    return { status: "ok" as const, db: "ok" as const, backend: database.kind, version: KILN_VERSION };
  } catch {
    return { status: "error" as const, db: "unavailable" as const, version: KILN_VERSION };
  }
}
