import crypto from "node:crypto";
import { eq, sql } from "drizzle-orm";
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
  // Read as text: drizzle's jsonb reader JSON.parses a string value again, so an id such as
  // "72e291" came back as the number 7.2e+292 (and named containers Docker refuses).
  const [row] = await db.select({ id: sql<string>`${settings.value} #>> '{}'` }).from(settings).where(eq(settings.key, "deployment_id"));
  return (g[KEY] = row!.id);
}

export function deploymentId(): string {
  const id = (globalThis as G)[KEY];
  if (!id) throw new Error("the deployment id is not loaded yet");
  return id;
}
