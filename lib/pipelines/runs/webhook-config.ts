import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { seal } from "../../auth/at-rest";
import type { Ctx } from "../../auth/principal";
import { pipelines } from "../../db/schema";
import { ValidationError } from "../../errors";
import { requirePipeline } from "../manage";

/** Sets (or clears) a pipeline's webhook; a new URL gets a new secret, answered this once and kept sealed. */
export async function setWebhook({ ctx, input }: { ctx: Ctx; input: { id: number; url: string | null } }) {
  const p = await requirePipeline(ctx, input.id, true);
  if (input.url !== null) {
    const u = new URL(input.url);
    if (!["http:", "https:"].includes(u.protocol)) throw new ValidationError("A webhook is an http:// or https:// URL", "url");
    if (u.username || u.password) throw new ValidationError("A webhook URL carries no credentials: check the X-Kiln-Signature header instead", "url");
  }
  const secret = input.url ? crypto.randomBytes(32).toString("hex") : null;
  await ctx.db.update(pipelines).set({ webhookUrl: input.url, webhookSecret: secret ? seal(secret) : null }).where(eq(pipelines.id, p.id));
  return { url: input.url, secret };
}
