import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../db";
import { settings } from "../db/schema";

const KEY = Symbol.for("kiln.deploymentId");
type G = typeof globalThis & { [KEY]?: string };

/**
 * A short random id of this database, made on first start. Container and volume names carry
 * it beside the server or user id: two Kilns with their own databases on one Docker engine
 * (a test and a production instance, both called "kiln") can never name, and so remove or
 * mount, each other's containers and homes.
 */
export async function loadDeploymentId(db: Db): Promise<string> {
  const g = globalThis as G;
  if (g[KEY]) return g[KEY];
  await db.insert(settings).values({ key: "deployment_id", value: crypto.randomBytes(3).toString("hex") }).onConflictDoNothing();
  const [row] = await db.select().from(settings).where(eq(settings.key, "deployment_id"));
  return (g[KEY] = String(row!.value));
}

export function deploymentId(): string {
  const id = (globalThis as G)[KEY];
  if (!id) throw new Error("the deployment id is not loaded yet");
  return id;
}
