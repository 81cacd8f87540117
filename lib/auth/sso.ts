import { and, eq } from "drizzle-orm";
import { getConfig } from "../config";
import type { Db } from "../db";
import { accounts, users } from "../db/schema";
import { readSettings } from "../settings";
import { nameFromEmail } from "../users/signup";

interface SsoProfile {
  provider: string;
  providerAccountId: string;
  email?: string | null;
  displayName?: string | null;
  login?: string | null;
  /** Only a verified email may be linked to an existing account (or it could take it over). */
  emailVerified: boolean;
}

export type SsoRefusal = "SignupClosed" | "EmailInUse";

/**
 * Finds or creates the Kiln user for an external identity. An existing account with the
 * same email is linked when the provider vouches for the email; a new one is created only
 * while sign-up is open or the email is a configured admin. Returns the reason to refuse.
 */
export async function userForSso(db: Db, p: SsoProfile): Promise<number | SsoRefusal> {
  const [linked] = await db
    .select({ userId: accounts.userId })
    .from(accounts)
    .where(and(eq(accounts.provider, p.provider), eq(accounts.providerAccountId, p.providerAccountId)));
  if (linked) return linked.userId;
  const email = p.email?.toLowerCase() ?? null;
  const listedAdmin = !!email && getConfig().adminEmails.includes(email);
  let [user] = email ? await db.select().from(users).where(eq(users.email, email)) : [];
  if (user && !p.emailVerified) return "EmailInUse";
  if (!user) {
    if ((await readSettings(db)).signup === "closed" && !listedAdmin) return "SignupClosed";
    const name = await nameFromEmail(db, email ?? `${p.login ?? p.provider}@sso`);
    const anyone = await db.select({ id: users.id }).from(users).limit(1);
    [user] = await db
      .insert(users)
      .values({ name, email, displayName: p.displayName ?? null, admin: anyone.length === 0 || listedAdmin })
      .returning();
  }
  await db.insert(accounts).values({ provider: p.provider, providerAccountId: p.providerAccountId, userId: user!.id }).onConflictDoNothing();
  return user!.id;
}
