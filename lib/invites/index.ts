import crypto from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { InviteModel } from "../api/schemas";
import { hashToken } from "../auth/token-secret";
import { type Ctx, requireAdmin } from "../auth/principal";
import type { Db } from "../db";
import { invites, type InviteRow } from "../db/schema";
import { NotFoundError, ValidationError } from "../errors";

const DEFAULT_TTL_S = 7 * 24 * 3600;

function toModel(r: InviteRow): InviteModel {
  const status = r.usedAt ? "used" : r.expiresAt.getTime() <= Date.now() ? "expired" : "pending";
  return {
    id: r.id, email: r.email, note: r.note, status,
    created: r.createdAt.toISOString(), expires_at: r.expiresAt.toISOString(), used_at: r.usedAt?.toISOString() ?? null,
  };
}

/** POST /api/invites (admin): the code and its sign-up link are returned once. */
export async function createInvite({ ctx, input }: { ctx: Ctx; input: { email?: string; note: string; expires_in?: number; baseUrl: string } }) {
  requireAdmin(ctx.actor);
  const code = crypto.randomBytes(24).toString("base64url");
  const [row] = await ctx.db
    .insert(invites)
    .values({
      codeHash: hashToken(code),
      email: input.email ?? null,
      note: input.note,
      createdBy: ctx.actor?.kind === "user" ? ctx.actor.user.id : null,
      expiresAt: new Date(Date.now() + (input.expires_in ?? DEFAULT_TTL_S) * 1000),
    })
    .returning();
  return { ...toModel(row!), code, url: `${input.baseUrl}/signup?invite=${code}` };
}

export async function listInvites({ ctx }: { ctx: Ctx }): Promise<InviteModel[]> {
  requireAdmin(ctx.actor);
  return (await ctx.db.select().from(invites).orderBy(desc(invites.createdAt), desc(invites.id))).map(toModel);
}

export async function revokeInvite({ ctx, input }: { ctx: Ctx; input: { id: number } }): Promise<void> {
  requireAdmin(ctx.actor);
  const gone = await ctx.db.delete(invites).where(eq(invites.id, input.id)).returning({ id: invites.id });
  if (gone.length === 0) throw new NotFoundError(`No such invitation: ${input.id}`);
}

/**
 * Marks an invitation used by `email`, inside the sign-up transaction; throws a 400 naming
 * the `invite` field when it is unknown, used, expired or meant for another email.
 */
export async function consumeInvite(tx: Db, code: string, email: string): Promise<void> {
  const [row] = await tx.select().from(invites).where(eq(invites.codeHash, hashToken(code)));
  if (!row || row.usedAt) throw new ValidationError("This invitation is not valid (unknown or already used)", "invite");
  if (row.expiresAt.getTime() <= Date.now()) throw new ValidationError("This invitation has expired", "invite");
  if (row.email && row.email !== email) throw new ValidationError("This invitation is for another email address", "invite");
  const [used] = await tx
    .update(invites)
    .set({ usedAt: new Date() })
    .where(and(eq(invites.id, row.id), isNull(invites.usedAt)))
    .returning({ id: invites.id });
  if (!used) throw new ValidationError("This invitation was just used", "invite");
}

export async function markInviteUser(tx: Db, code: string, userId: number): Promise<void> {
  await tx.update(invites).set({ usedBy: userId }).where(eq(invites.codeHash, hashToken(code)));
}
