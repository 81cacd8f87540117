import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { getConfig } from "../config";
import type { Db } from "../db";
import { settings } from "../db/schema";
import { isSealed, seal, unseal } from "./at-rest";

const KEY = Symbol.for("kiln.sessionSecret");
type G = typeof globalThis & { [KEY]?: string };

/**
 * The key that signs session cookies: KILN_SECRET when set, else one generated on first
 * start and kept in the database, encrypted (at-rest.ts), so sessions survive restarts.
 */
export async function loadSessionSecret(db: Db): Promise<string> {
  const g = globalThis as G;
  if (g[KEY]) return g[KEY];
  const configured = getConfig().secret;
  if (configured) return (g[KEY] = configured);
  await db
    .insert(settings)
    .values({ key: "session_secret", value: seal(crypto.randomBytes(32).toString("base64url")) })
    .onConflictDoNothing();
  const [row] = await db.select().from(settings).where(eq(settings.key, "session_secret"));
  const stored = String(row!.value);
  // Stored in the clear by an earlier Kiln: encrypted now, the secret itself unchanged (sessions stay valid).
  if (!isSealed(stored)) await db.update(settings).set({ value: seal(stored) }).where(eq(settings.key, "session_secret"));
  return (g[KEY] = unseal(stored));
}

/** The secret loaded at start-up (server.ts calls loadSessionSecret before serving). */
export function sessionSecret(): string {
  const s = (globalThis as G)[KEY];
  if (!s) throw new Error("session secret not loaded yet");
  return s;
}
