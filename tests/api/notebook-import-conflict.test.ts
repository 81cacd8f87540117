import { describe, expect, inject, test } from "vitest";
import { call, makeUser } from "../helpers/http";

const nb = (source: string) => ({
  nbformat: 4, nbformat_minor: 5, metadata: {},
  cells: [{ id: "c1", cell_type: "code", source, metadata: {}, outputs: [], execution_count: null }],
});
const post = (s: { url: string }, token: string, query: string, file: unknown) => call(s.url, "POST", `/api/notebooks/import?${query}`, { token, body: file });

describe.each(inject("servers"))("re-importing a notebook under a name in use on $backend", (s) => {
  test("is refused by default, naming the choices; copy imports beside it; overwrite replaces it and keeps the old content as a revision", async () => {
    const alice = await makeUser(s, "imp");
    const first = await post(s, alice.token, "name=analysis", nb("x = 1"));
    expect(first.status).toBe(201);

    const refused = await post(s, alice.token, "name=analysis", nb("x = 2"));
    expect(refused.status).toBe(409);
    expect(refused.body.error.field).toBe("name");
    expect(refused.body.error.message).toMatch(/on_conflict=copy.*on_conflict=overwrite|on_conflict=overwrite.*on_conflict=copy/);

    const copy = await post(s, alice.token, "name=analysis&on_conflict=copy", nb("x = 2"));
    expect(copy.status).toBe(201);
    expect(copy.body.name).toBe("analysis copy");
    expect(copy.body.content.cells[0].source).toBe("x = 2");
    const copy2 = await post(s, alice.token, "name=analysis&on_conflict=copy", nb("x = 3"));
    expect(copy2.body.name).toBe("analysis copy 2");

    const over = await post(s, alice.token, "name=analysis&on_conflict=overwrite", nb("x = 4"));
    expect(over.status).toBe(200);
    expect(over.body.id).toBe(first.body.id); // the same notebook: its links and runs stay
    expect(over.body.revision).toBe(first.body.revision + 1);
    expect(over.body.content.cells[0].source).toBe("x = 4");
    const revs = await call(s.url, "GET", `/api/notebooks/${first.body.id}/revisions`, { token: alice.token });
    expect(revs.body[0]).toMatchObject({ reason: "import", revision: first.body.revision });
    // restoring that revision brings the old content back
    const restored = await call(s.url, "POST", `/api/notebooks/${first.body.id}/revisions/${revs.body[0].id}/restore`, { token: alice.token });
    expect(restored.body.content.cells[0].source).toBe("x = 1");

    // overwrite of a name not in use simply imports; an invalid file overwrites nothing
    expect((await post(s, alice.token, "name=fresh&on_conflict=overwrite", nb("y = 1"))).status).toBe(201);
    const broken = await post(s, alice.token, "name=analysis&on_conflict=overwrite", { nbformat: 4, cells: "no" });
    expect(broken.status).toBe(400);
    const after = await call(s.url, "GET", `/api/notebooks/${first.body.id}`, { token: alice.token });
    expect(after.body.content.cells[0].source).toBe("x = 1");

    const bad = await post(s, alice.token, "name=analysis&on_conflict=merge", nb("z"));
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("query.on_conflict");
    // another user's notebook of the same name is no conflict
    const bob = await makeUser(s, "impbob");
    expect((await post(s, bob.token, "name=analysis", nb("b"))).status).toBe(201);
  });
});
