import { eq } from "drizzle-orm";
import { z } from "zod";
import { email as emailSchema } from "../api/schemas";
import { getConfig } from "../config";
import type { Db } from "../db";
import { users, type UserRow } from "../db/schema";
import { dummyHash, verifyPassword } from "./password";
import { clientIp, rateLimits } from "./rate-limit";

const credentials = z.object({ email: emailSchema, password: z.string().min(1).max(1024) });

/**
 * Checks an email and password. Unknown emails cost the same scrypt as known ones.
 * Attempts are limited per client address, and per account and address, so a stranger
 * guessing at an account is stopped without locking its owner out. Once an account has had
 * too many failures from anywhere, only addresses that have not failed on it yet are still
 * checked: a spread-out guesser gets one try per address, the owner signs in from theirs.
 */
export async function verifyCredentials(db: Db, raw: unknown, headers: Headers): Promise<UserRow | null> {
  const parsed = credentials.safeParse(raw);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const limits = rateLimits();
  const address = clientIp(headers);
  const pair = `${address} ${email}`;
  await limits.perAddress.hit(db, address, "sign-in attempts from this address");
  await limits.perAccountAddress.hit(db, pair, "sign-in attempts for this account from this address");
  if ((await limits.accountFailures.exceeded(db, email)) && (await limits.perAccountAddress.count(db, pair)) > 1)
    throw await limits.accountFailures.refusal(db, email, "failed sign-in attempts for this account");
  const [user] = await db.select().from(users).where(eq(users.email, email));
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user?.passwordHash || !ok) {
    await limits.accountFailures.add(db, email);
    return null;
  }
  await limits.perAccountAddress.reset(db, pair);
  if (!user.admin && getConfig().adminEmails.includes(email)) {
    const [promoted] = await db.update(users).set({ admin: true }).where(eq(users.id, user.id)).returning();
    return promoted!;
  }
  return user;
}
