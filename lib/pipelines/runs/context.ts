import { eq } from "drizzle-orm";
import type { Ctx } from "../../auth/principal";
import type { Db } from "../../db";
import { users } from "../../db/schema";
import { NotFoundError } from "../../errors";

/**
 * A pipeline's steps act as its owner (a schedule fires with nobody signed in): datasets
 * are found, pinned and written with the owner's rights, never more.
 */
export async function ownerCtx(db: Db, ownerId: number): Promise<Ctx> {
  const [user] = await db.select().from(users).where(eq(users.id, ownerId));
  if (!user) throw new NotFoundError(`The pipeline's owner (${ownerId}) is gone`);
  return { db, actor: { kind: "user", user, via: "token" } };
}
