import { sql } from "drizzle-orm";
import { type Ctx, requireAdmin } from "../auth/principal";
import { settings } from "../db/schema";
import { refuseOpeningSignup } from "../servers/isolation";
import { readSettings, type Settings } from ".";

// Apart from index.ts, which pages and next-auth read: this one reaches the spawners (Docker), which Next must not bundle.
export async function updateSettings({ ctx, input }: { ctx: Ctx; input: Partial<Settings> }): Promise<Settings> {
  requireAdmin(ctx.actor);
  if (input.signup === "open") refuseOpeningSignup();
  if (input.signup) {
    await ctx.db
      .insert(settings)
      .values({ key: "signup", value: input.signup })
      .onConflictDoUpdate({ target: settings.key, set: { value: input.signup, updatedAt: sql`now()` } });
  }
  return readSettings(ctx.db);
}
