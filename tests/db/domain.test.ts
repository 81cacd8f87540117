import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { principalFromToken } from "../../lib/auth/authenticate";
import type { Ctx } from "../../lib/auth/principal";
import { apiTokens, users } from "../../lib/db/schema";
import type { Database } from "../../lib/db/types";
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, UnprocessableError, ValidationError } from "../../lib/errors";
import { addGroupUsers, createGroup, listGroups } from "../../lib/groups/manage";
import { createToken } from "../../lib/tokens/create";
import { listTokens } from "../../lib/tokens/list";
import { revokeToken } from "../../lib/tokens/revoke";
import { createUser } from "../../lib/users/create";
import { deleteUser } from "../../lib/users/delete";
import { getUser } from "../../lib/users/get";
import { signUp } from "../../lib/users/signup";
import { updateUser } from "../../lib/users/update";
import { backends } from "./backends";

const service: Ctx["actor"] = { kind: "service", name: "kiln-admin-token" };

describe.each(backends)("the domain on $name", (backend) => {
  let database: Database;
  let reopen: () => Promise<Database>;
  let dispose: () => Promise<void>;
  const admin = (): Ctx => ({ db: database.db, actor: service });

  beforeAll(async () => {
    ({ database, reopen, dispose } = await backend.fresh());
  });
  afterAll(async () => dispose());

  test("the first sign-up becomes admin, later ones do not; emails are unique whatever their case", async () => {
    const first = await signUp({ db: database.db, input: { email: "first@example.com", password: "longenough1" } });
    const second = await signUp({ db: database.db, input: { email: "second@example.com", password: "longenough2", name: "second" } });
    expect(first.admin).toBe(true);
    expect(second.admin).toBe(false);
    await expect(signUp({ db: database.db, input: { email: "first@example.com", password: "longenough1" } })).rejects.toBeInstanceOf(ConflictError);
    await expect(signUp({ db: database.db, input: { email: "x@example.com", password: "longenough1", name: "second" } })).rejects.toMatchObject({ field: "name" });
  });

  test("migrations are idempotent: opening the same database again keeps its data", async () => {
    await createUser({ ctx: admin(), input: { name: "keepme", admin: false } });
    if (backend.name === "pglite") await database.close(); // PGlite is single-process: one opener at a time
    const again = await reopen();
    const [row] = await again.db.select().from(users).where(eq(users.name, "keepme"));
    expect(row?.name).toBe("keepme");
    if (backend.name === "pglite") database = again;
    else await again.close();
  });

  test("names are derived from emails and made unique", async () => {
    const a = await signUp({ db: database.db, input: { email: "Zoë.O'Neil@example.com", password: "longenough1" } });
    const b = await signUp({ db: database.db, input: { email: "zoe.o-neil@other.example", password: "longenough1" } });
    expect(a.name).toMatch(/^[a-z0-9][a-z0-9._-]*$/);
    expect(b.name).not.toBe(a.name);
  });

  test("text is stored verbatim: quotes, unicode, SQL-looking strings", async () => {
    const nasty = `'; DELETE FROM users; --  "Ünïcødé" 🔥 \\x00 $$ %`;
    const u = await createUser({ ctx: admin(), input: { name: "verbatim", admin: false, display_name: nasty } });
    expect(u.display_name).toBe(nasty);
    const t = await createToken({ ctx: admin(), input: { name: "verbatim", note: nasty } });
    expect(t.note).toBe(nasty);
    const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(row!.n).toBeGreaterThan(1); // the users table is still there
  });

  test("tokens are stored hashed, resolve to their user, expire, and are gone once revoked", async () => {
    await createUser({ ctx: admin(), input: { name: "tok", admin: false } });
    const t = await createToken({ ctx: admin(), input: { name: "tok", note: "" } });
    const stored = await database.db.select().from(apiTokens).where(eq(apiTokens.note, ""));
    expect(stored.some((r) => r.hash === t.token || r.prefix === t.token)).toBe(false);
    const p = await principalFromToken(database.db, t.token);
    expect(p.kind === "user" && p.user.name).toBe("tok");

    const soon = await createToken({ ctx: admin(), input: { name: "tok", note: "short", expires_in: 1 } });
    await database.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiTokens.note, "short"));
    await expect(principalFromToken(database.db, soon.token)).rejects.toBeInstanceOf(UnauthorizedError);

    await revokeToken({ ctx: admin(), input: { name: "tok", tokenId: Number(t.id.slice(1)) } });
    await expect(principalFromToken(database.db, t.token)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  test("a user acts on themself only; another user's resources are 403", async () => {
    await createUser({ ctx: admin(), input: { name: "owner", admin: false } });
    await createUser({ ctx: admin(), input: { name: "other", admin: false } });
    const [other] = await database.db.select().from(users).where(eq(users.name, "other"));
    const asOther: Ctx = { db: database.db, actor: { kind: "user", user: other!, via: "token" } };
    await expect(getUser({ ctx: asOther, input: { name: "owner" } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listTokens({ ctx: asOther, input: { name: "owner" } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createToken({ ctx: asOther, input: { name: "owner", note: "" } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createUser({ ctx: asOther, input: { name: "sneaky", admin: true } })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await getUser({ ctx: asOther, input: { name: "other" } })).name).toBe("other");
  });

  test("deleting a user removes their tokens and memberships; the last admin stays", async () => {
    await createUser({ ctx: admin(), input: { name: "leaver", admin: false } });
    const t = await createToken({ ctx: admin(), input: { name: "leaver", note: "" } });
    await createGroup({ ctx: admin(), input: { name: "crew", users: ["leaver"] } });
    await deleteUser({ ctx: admin(), input: { name: "leaver" } });
    await expect(principalFromToken(database.db, t.token)).rejects.toBeInstanceOf(UnauthorizedError);
    expect((await listGroups({ ctx: admin() })).find((g) => g.name === "crew")?.users).toEqual([]);
    await expect(deleteUser({ ctx: admin(), input: { name: "leaver" } })).rejects.toBeInstanceOf(NotFoundError);

    await createUser({ ctx: admin(), input: { name: "chief", admin: true } });
    await database.db.update(users).set({ admin: false }).where(eq(users.admin, true));
    await database.db.update(users).set({ admin: true }).where(eq(users.name, "chief"));
    await expect(updateUser({ ctx: admin(), input: { name: "chief", admin: false } })).rejects.toBeInstanceOf(UnprocessableError);
    await expect(deleteUser({ ctx: admin(), input: { name: "chief" } })).rejects.toBeInstanceOf(UnprocessableError);
  });

  test("groups reject unknown users and keep memberships unique", async () => {
    await createUser({ ctx: admin(), input: { name: "gm", admin: false } });
    await createGroup({ ctx: admin(), input: { name: "g1", users: [] } });
    await expect(addGroupUsers({ ctx: admin(), input: { name: "g1", users: ["ghost"] } })).rejects.toBeInstanceOf(ValidationError);
    await addGroupUsers({ ctx: admin(), input: { name: "g1", users: ["gm"] } });
    const g = await addGroupUsers({ ctx: admin(), input: { name: "g1", users: ["gm"] } });
    expect(g.users).toEqual(["gm"]);
    await expect(createGroup({ ctx: admin(), input: { name: "g1", users: [] } })).rejects.toBeInstanceOf(ConflictError);
  });
});

describe.each(backends)("conflicts on $name name the field at fault", (backend) => {
  test("a taken name is reported on `name`, a taken email on `email`", async () => {
    const { database, dispose } = await backend.fresh();
    try {
      const ctx: Ctx = { db: database.db, actor: service };
      await createUser({ ctx, input: { name: "ann", admin: false, email: "ann@example.com" } });
      await expect(createUser({ ctx, input: { name: "ann", admin: false } })).rejects.toMatchObject({ status: 409, field: "name" });
      await expect(createUser({ ctx, input: { name: "ann2", admin: false, email: "ann@example.com" } })).rejects.toMatchObject({ status: 409, field: "email" });
    } finally {
      await dispose();
    }
  });
});
