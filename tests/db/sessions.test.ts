import { eq } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { authenticate } from "../../lib/auth/authenticate";
import { recheckSockets, registerSocket } from "../../lib/auth/live-sockets";
import { loadSessionSecret } from "../../lib/auth/session-secret";
import { endSession, sessionKey, startSession } from "../../lib/auth/sessions";
import { apiTokens, userSessions } from "../../lib/db/schema";
import type { Database } from "../../lib/db/types";
import { createToken } from "../../lib/tokens/create";
import { createUser } from "../../lib/users/create";
import { requireUserByName } from "../../lib/users/find";
import { backends } from "./backends";

describe.each(backends)("browser sessions on $name", (backend) => {
  let database: Database;
  let dispose: () => Promise<void>;
  let secret: string;
  beforeAll(async () => {
    ({ database, dispose } = await backend.fresh());
    secret = await loadSessionSecret(database.db);
  });
  afterAll(async () => dispose());

  /** Who a request carrying this JWT as next-auth's cookie is, as every page and API call asks. */
  async function whoIs(token: Record<string, unknown>) {
    const cookie = `next-auth.session-token=${await encode({ token, secret })}`;
    const actor = await authenticate(database.db, new Request("http://kiln.local/", { headers: { cookie } }));
    return actor?.kind === "user" ? actor.user.name : null;
  }

  test("a cookie is honoured only while its session row lives: not without a session id (issued before), not after sign-out or expiry, not for another user", async () => {
    const ctx = { db: database.db, actor: { kind: "service" as const, name: "kiln-admin-token" as const } };
    await createUser({ ctx, input: { name: "alice", admin: false } });
    await createUser({ ctx, input: { name: "bob", admin: false } });
    const aliceId = (await requireUserByName(database.db, "alice")).id;
    const bobId = (await requireUserByName(database.db, "bob")).id;

    const sid = await startSession(database.db, aliceId, "test browser");
    expect(await whoIs({ sub: String(aliceId), sid })).toBe("alice");
    // a well-signed cookie from before server-side sessions (no sid) is refused: sign in again
    expect(await whoIs({ sub: String(aliceId) })).toBeNull();
    // a session id is bound to its user
    expect(await whoIs({ sub: String(bobId), sid })).toBeNull();
    // only a hash of the id is stored
    const [row] = await database.db.select().from(userSessions).where(eq(userSessions.userId, aliceId));
    expect(row).toMatchObject({ id: sessionKey(sid), userAgent: "test browser" });
    expect(row!.id).not.toContain(sid);

    await endSession(database.db, sid);
    expect(await whoIs({ sub: String(aliceId), sid })).toBeNull();

    const old = await startSession(database.db, aliceId, "");
    await database.db.update(userSessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(userSessions.id, sessionKey(old)));
    expect(await whoIs({ sub: String(aliceId), sid: old })).toBeNull();
    // the next sign-in clears expired rows
    await startSession(database.db, aliceId, "");
    expect(await database.db.select().from(userSessions).where(eq(userSessions.id, sessionKey(old)))).toEqual([]);
  });

  test("another process's sign-out or revoke reaches this process's sockets at the next recheck", async () => {
    const ctx = { db: database.db, actor: { kind: "service" as const, name: "kiln-admin-token" as const } };
    await createUser({ ctx, input: { name: "carol", admin: false } });
    const carol = await requireUserByName(database.db, "carol");
    const sid = await startSession(database.db, carol.id, "");
    const token = await createToken({ ctx, input: { name: "carol", note: "" } });
    const tokenId = Number(token.id.slice(1));
    const closed: string[] = [];
    const off = [
      registerSocket({ kind: "user", user: carol, via: "session", sessionId: sessionKey(sid) }, () => closed.push("session")),
      registerSocket({ kind: "user", user: carol, via: "token", tokenId }, () => closed.push("token")),
    ];
    try {
      expect(await recheckSockets(database.db)).toBe(0);
      // rows deleted as another Kiln sharing the database would delete them: nothing in this process heard of it
      await database.db.delete(userSessions).where(eq(userSessions.id, sessionKey(sid)));
      expect(await recheckSockets(database.db)).toBe(1);
      expect(closed).toEqual(["session"]);
      await database.db.delete(apiTokens).where(eq(apiTokens.id, tokenId));
      expect(await recheckSockets(database.db)).toBe(1);
      expect(closed).toEqual(["session", "token"]);
    } finally {
      for (const f of off) f();
    }
  });
});
