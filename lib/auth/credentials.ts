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
 * Checks an email and password. Unknown emails cost the same scrypt as known ones, and
 * attempts are limited per email and per client address.
 */
export async function verifyCredentials(db: Db, raw: unknown, headers: Headers): Promise<UserRow | null> {
  const parsed = credentials.safeParse(raw);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  rateLimits().perEmail.hit(email, "sign-in attempts for this account");
  rateLimits().perAddress.hit(clientIp(headers), "sign-in attempts from this address");
  const [user] = await db.select().from(users).where(eq(users.email, email));
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user?.passwordHash || !ok) return null;
  rateLimits().perEmail.reset(email);
  if (!user.admin && getConfig().adminEmails.includes(email)) {
    const [promoted] = await db.update(users).set({ admin: true }).where(eq(users.id, user.id)).returning();
    return promoted!;
  }
  return user;
}
