import { eq } from "drizzle-orm";
import type { Db } from "../db";
import { users, type UserRow } from "../db/schema";
import { NotFoundError } from "../errors";

export async function findUserByName(db: Db, name: string): Promise<UserRow | undefined> {
  const [u] = await db.select().from(users).where(eq(users.name, name));
  return u;
}

export async function requireUserByName(db: Db, name: string): Promise<UserRow> {
  const u = await findUserByName(db, name);
  if (!u) throw new NotFoundError(`No such user: ${name}`);
  return u;
}
