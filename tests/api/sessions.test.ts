import { describe, expect, inject, test } from "vitest";
import WebSocket from "ws";
import { call, makeUser, signedInUser, signIn, signOut } from "../helpers/http";

/** Opens a notebook channel with these headers: resolves with the socket, or rejects with the HTTP status. */
function openChannel(base: string, id: number, headers: Record<string, string>): Promise<WebSocket> {
  const ws = new WebSocket(`${base.replace(/^http/, "ws")}/api/notebooks/${id}/channel`, { headers });
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_q, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once("error", reject);
  });
}

const closed = (ws: WebSocket) => new Promise<number>((r) => (ws.readyState === WebSocket.CLOSED ? r(-1) : ws.once("close", (code) => r(code))));

describe.each(inject("servers"))("browser sessions on $backend", (s) => {
  test("sign-out ends the session on the server: the old cookie gets 401 on the API and cannot open the notebook channel", async () => {
    const alice = await signedInUser(s.url, "out");
    const me = await call(s.url, "GET", "/hub/api/user", { headers: { cookie: alice.cookie } });
    expect(me.status).toBe(200);
    expect(me.body.name).toBe(alice.name);
    const nb = await call(s.url, "POST", "/api/notebooks", { headers: { cookie: alice.cookie, origin: s.url }, body: { name: "signed-in" } });
    expect(nb.status).toBe(201);
    const ws = await openChannel(s.url, nb.body.id, { cookie: alice.cookie, origin: s.url });
    const wsClosed = closed(ws);

    expect([200, 302]).toContain(await signOut(s.url, alice.cookie));
    // the socket opened with the session went with it, with the code the page reads as "sign in again"
    expect(await wsClosed).toBe(4401);
    // the copied cookie is still well signed and unexpired: only the server can say it ended
    const after = await call(s.url, "GET", "/hub/api/user", { headers: { cookie: alice.cookie } });
    expect(after.status).toBe(401);
    expect((await call(s.url, "GET", "/api/auth/session", { headers: { cookie: alice.cookie } })).body).toEqual({});
    await expect(openChannel(s.url, nb.body.id, { cookie: alice.cookie, origin: s.url })).rejects.toMatchObject({ status: 401 });
    // signing in again gives a new, working session
    const again = await signIn(s.url, alice.email, alice.password);
    expect((await call(s.url, "GET", "/hub/api/user", { headers: { cookie: again.cookie } })).status).toBe(200);
  });

  test("DELETE /hub/api/users/{name}/sessions: the user or an admin signs them out everywhere; another user may not", async () => {
    const alice = await signedInUser(s.url, "every");
    const second = await signIn(s.url, alice.email, alice.password); // a second browser
    const bob = await makeUser(s, "bob");
    const status = async (cookie: string) => (await call(s.url, "GET", "/hub/api/user", { headers: { cookie } })).status;

    const refused = await call(s.url, "DELETE", `/hub/api/users/${alice.name}/sessions`, { token: bob.token });
    expect(refused.status).toBe(403);
    expect([await status(alice.cookie), await status(second.cookie)]).toEqual([200, 200]);
    expect((await call(s.url, "DELETE", "/hub/api/users/nosuchuser0/sessions", { token: s.adminToken })).status).toBe(404);

    // the user themself, from one of the browsers: both end
    const own = await call(s.url, "DELETE", `/hub/api/users/${alice.name}/sessions`, { headers: { cookie: second.cookie, origin: s.url } });
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ sessions_ended: 2 });
    expect([await status(alice.cookie), await status(second.cookie)]).toEqual([401, 401]);

    // an admin, for someone else; API tokens are not sessions and keep working
    const third = await signIn(s.url, alice.email, alice.password);
    const token = await call(s.url, "POST", `/hub/api/users/${alice.name}/tokens`, { headers: { cookie: third.cookie, origin: s.url }, body: {} });
    expect(token.status).toBe(201);
    const byAdmin = await call(s.url, "DELETE", `/hub/api/users/${alice.name}/sessions`, { token: s.adminToken });
    expect(byAdmin.body).toEqual({ sessions_ended: 1 });
    expect(await status(third.cookie)).toBe(401);
    expect((await call(s.url, "GET", "/hub/api/user", { token: token.body.token })).status).toBe(200);
  });

  test("deleting a user ends their sessions", async () => {
    const carol = await signedInUser(s.url, "gone");
    expect((await call(s.url, "GET", "/hub/api/user", { headers: { cookie: carol.cookie } })).status).toBe(200);
    expect((await call(s.url, "DELETE", `/hub/api/users/${carol.name}`, { token: s.adminToken })).status).toBe(204);
    expect((await call(s.url, "GET", "/hub/api/user", { headers: { cookie: carol.cookie } })).status).toBe(401);
  });
});
