import { count, eq, sql } from "drizzle-orm";
import type { UserModel } from "../api/schemas";
import { hashPassword } from "../auth/password";
import { getConfig } from "../config";
import type { Db } from "../db";
import { users } from "../db/schema";
import { ConflictError, ForbiddenError, isUniqueViolation } from "../errors";
import { consumeInvite, markInviteUser } from "../invites";
import { readSettings } from "../settings";
import { findUserByName } from "./find";
import { toUserModel } from "./serialize";

interface SignUpInput {
  email: string;
  password: string;
  name?: string;
  display_name?: string;
  invite?: string;
}

/** A user name from an email's local part: "Zoë.O'Neil@x" -> "zo.o-neil", made unique. */
export async function nameFromEmail(db: Db, email: string): Promise<string> {
  const base =
    email.split("@")[0]!.normalize("NFKD").toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "").slice(0, 50) || "user";
  for (let i = 0; i < 1000; i++) {
    const candidate = i === 0 ? base : `${base}-${i + 1}`;
    if (!(await findUserByName(db, candidate))) return candidate;
  }
  throw new ConflictError("Could not find a free user name; choose one", "name");
}

/**
 * Email + password sign-up. The first account on an instance becomes admin, as do the
 * emails in KILN_ADMIN_EMAILS. While sign-up is closed, only those emails and holders of
 * an invitation may sign up (an invitation offered while sign-up is open is used too).
 */
export async function signUp({ db, input }: { db: Db; input: SignUpInput }): Promise<UserModel> {
  const config = getConfig();
  const listedAdmin = config.adminEmails.includes(input.email);
  if ((await readSettings(db)).signup === "closed" && !listedAdmin && !input.invite)
    throw new ForbiddenError("Sign-up is closed on this instance: ask an admin for an invitation");
  const passwordHash = await hashPassword(input.password);
  try {
    const row = await db.transaction(async (tx) => {
      // Serialise sign-ups so exactly one "first user" can exist.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('kiln.signup'))`);
      const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(users);
      const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, input.email));
      if (taken) throw new ConflictError("An account with this email already exists", "email");
      if (input.invite) await consumeInvite(tx, input.invite, input.email);
      const name = input.name ?? (await nameFromEmail(tx, input.email));
      const [created] = await tx
        .insert(users)
        .values({ name, email: input.email, displayName: input.display_name || null, passwordHash, admin: n === 0 || listedAdmin })
        .returning();
      if (input.invite) await markInviteUser(tx, input.invite, created!.id);
      return created!;
    });
    return toUserModel(db, row);
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError(`The user name ${input.name ?? ""} is taken`.replace("  ", " "), "name");
    throw e;
  }
}
