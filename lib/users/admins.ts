import { and, count, eq, ne } from "drizzle-orm";
import type { Db } from "../db";
import { users } from "../db/schema";
import { UnprocessableError } from "../errors";

/** An instance must keep at least one admin user, or nobody could administer it from the UI. */
export async function assertAnotherAdminRemains(db: Db, userId: number): Promise<void> {
  const [r] = await db.select({ n: count() }).from(users).where(and(eq(users.admin, true), ne(users.id, userId)));
  if ((r?.n ?? 0) === 0) throw new UnprocessableError("This is the last admin: make another user admin first");
}
