import { eq } from "drizzle-orm";
import { z } from "zod";
import { settingsModel } from "../api/schemas";
import { type Ctx, requireAdmin } from "../auth/principal";
import { getConfig } from "../config";
import type { Db } from "../db";
import { settings } from "../db/schema";

export type Settings = z.infer<typeof settingsModel>;

/** Settings as stored, falling back to the configured defaults for keys never set. */
export async function readSettings(db: Db): Promise<Settings> {
  const [row] = await db.select().from(settings).where(eq(settings.key, "signup"));
  const signup = z.enum(["open", "closed"]).safeParse(row?.value);
  return { signup: signup.success ? signup.data : getConfig().signupDefault };
}

export async function getSettings({ ctx }: { ctx: Ctx }): Promise<Settings> {
  requireAdmin(ctx.actor);
  return readSettings(ctx.db);
}
