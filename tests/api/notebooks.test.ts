import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, inject, test } from "vitest";
import { call, makeUser } from "../helpers/http";
import { tempDir } from "../helpers/kiln";

/** The official validator: Jupyter's own nbformat package (Debian's python3-nbformat). */
function nbformatValidate(text: string): string {
  const file = path.join(tempDir("nbv"), "nb.ipynb");
  fs.writeFileSync(file, text);
  return execFileSync("/usr/bin/python3", ["-c", "import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)); print('valid')", file], {
    encoding: "utf8",
  }).trim();
}

const cell = (id: string, source: string, cell_type = "code") => ({ id, cell_type, source, metadata: {} });

describe.each(inject("servers"))("notebooks API on $backend", (s) => {
  test("create, rename, save with revisions, search, duplicate, delete and undelete", async () => {
    const alice = await makeUser(s, "nbalice");
    const created = await call(s.url, "POST", "/api/notebooks", { token: alice.token, body: { name: "Exploration" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Exploration", revision: 1, cells: 1 });
    expect(created.body.content).toMatchObject({ nbformat: 4, nbformat_minor: 5, cells: [{ cell_type: "code", source: "" }] });
    const id = created.body.id;

    expect((await call(s.url, "POST", "/api/notebooks", { token: alice.token, body: { name: "Exploration" } })).status).toBe(409);
    const bad = await call(s.url, "POST", "/api/notebooks", { token: alice.token, body: { name: "a/b" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("name");

    const saved = await call(s.url, "PATCH", `/api/notebooks/${id}`, {
      token: alice.token, body: { revision: 1, cells: [cell("c1", "x = 1"), cell("m1", "# Title", "markdown")] },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.revision).toBe(2);
    expect(saved.body.content.cells.map((c: { source: string }) => c.source)).toEqual(["x = 1", "# Title"]);
    // a save from a tab that started at revision 1 does not overwrite revision 2
    const stale = await call(s.url, "PATCH", `/api/notebooks/${id}`, { token: alice.token, body: { revision: 1, cells: [cell("c1", "lost")] } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.field).toBe("revision");
    expect((await call(s.url, "GET", `/api/notebooks/${id}`, { token: alice.token })).body.content.cells[0].source).toBe("x = 1");

    // the first save kept the original as a revision: restore it (the current one is kept too)
    const revs = await call(s.url, "GET", `/api/notebooks/${id}/revisions`, { token: alice.token });
    expect(revs.body).toHaveLength(1);
    expect(revs.body[0]).toMatchObject({ revision: 1, reason: "autosave", cells: 1 });
    const restored = await call(s.url, "POST", `/api/notebooks/${id}/revisions/${revs.body[0].id}/restore`, { token: alice.token });
    expect(restored.body.content.cells).toHaveLength(1);
    expect((await call(s.url, "GET", `/api/notebooks/${id}/revisions`, { token: alice.token })).body).toHaveLength(2);

    expect((await call(s.url, "PATCH", `/api/notebooks/${id}`, { token: alice.token, body: { name: "Churn model" } })).body.name).toBe("Churn model");
    await call(s.url, "POST", "/api/notebooks", { token: alice.token, body: { name: "Scratch" } });
    const found = await call(s.url, "GET", "/api/notebooks?q=churn", { token: alice.token });
    expect(found.body.map((n: { name: string }) => n.name)).toEqual(["Churn model"]);

    const copy = await call(s.url, "POST", `/api/notebooks/${id}/duplicate`, { token: alice.token, body: {} });
    expect(copy.status).toBe(201);
    expect(copy.body.name).toBe("Churn model copy");

    expect((await call(s.url, "DELETE", `/api/notebooks/${id}`, { token: alice.token })).status).toBe(204);
    expect((await call(s.url, "GET", `/api/notebooks/${id}`, { token: alice.token })).status).toBe(404);
    const bin = await call(s.url, "GET", "/api/notebooks?deleted=1", { token: alice.token });
    expect(bin.body.map((n: { id: number }) => n.id)).toEqual([id]);
    expect((await call(s.url, "POST", `/api/notebooks/${id}/undelete`, { token: alice.token })).status).toBe(200);
    expect((await call(s.url, "GET", `/api/notebooks/${id}`, { token: alice.token })).body.name).toBe("Churn model");
  });

  test("import validates against the nbformat schema; export validates with nbformat and re-imports identically", async () => {
    const alice = await makeUser(s, "nbio");
    const before = (await call(s.url, "GET", "/api/notebooks", { token: alice.token })).body.length;
    const broken = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: "a", cell_type: "code", source: "1", metadata: {}, outputs: [{ output_type: "stream" }] }] };
    const r = await call(s.url, "POST", "/api/notebooks/import?name=broken", { token: alice.token, body: broken });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("invalid_notebook");
    expect(r.body.error.message).toMatch(/\/cells\/0/);
    expect((await call(s.url, "POST", "/api/notebooks/import?name=x", { token: alice.token, rawBody: "{not json", headers: { "content-type": "application/json" } })).status).toBe(400);
    expect((await call(s.url, "GET", "/api/notebooks", { token: alice.token })).body.length).toBe(before); // nothing stored

    // an nbformat 4.4 file (no cell ids), with outputs of every common kind
    const file = {
      nbformat: 4, nbformat_minor: 4,
      metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
      cells: [
        { cell_type: "markdown", metadata: {}, source: ["# Analysis\n", "$e^{i\\pi}+1=0$"] },
        {
          cell_type: "code", execution_count: 3, metadata: { tags: ["parameters"] }, source: "print(6*7)\n2+2",
          outputs: [
            { output_type: "stream", name: "stdout", text: ["42\n"] },
            { output_type: "execute_result", execution_count: 3, data: { "text/plain": ["4"] }, metadata: {} },
            { output_type: "display_data", data: { "image/png": "iVBORw0KGgo=", "text/plain": ["<Figure>"] }, metadata: {} },
            { output_type: "error", ename: "ZeroDivisionError", evalue: "division by zero", traceback: ["\u001b[0;31mZeroDivisionError\u001b[0m"] },
          ],
        },
      ],
    };
    const imported = await call(s.url, "POST", "/api/notebooks/import?name=analysis", { token: alice.token, body: file });
    expect(imported.status).toBe(201);
    const ids = imported.body.content.cells.map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(2); // ids were given

    const exported = await fetch(`${s.url}/api/notebooks/${imported.body.id}/export`, { headers: { authorization: `token ${alice.token}` } });
    expect(exported.headers.get("content-disposition")).toMatch(/analysis\.ipynb/);
    const text = await exported.text();
    expect(nbformatValidate(text)).toBe("valid");
    const again = await call(s.url, "POST", "/api/notebooks/import?name=analysis-2", { token: alice.token, rawBody: text, headers: { "content-type": "application/json" } });
    expect(again.status).toBe(201);
    expect(again.body.content.cells).toEqual(imported.body.content.cells);
    expect(again.body.content.cells[1].outputs).toEqual(file.cells[1]!.outputs);
  });

  test("bob cannot list, open, save, export, delete, execute or watch alice's notebook: 404 as if it did not exist", async () => {
    const alice = await makeUser(s, "nbowner");
    const bob = await makeUser(s, "nbother");
    const { body } = await call(s.url, "POST", "/api/notebooks", { token: alice.token, body: { name: "Private" } });
    const id = body.id;
    expect((await call(s.url, "GET", "/api/notebooks", { token: bob.token })).body).toEqual([]);
    for (const [method, p, b] of [
      ["GET", `/api/notebooks/${id}`], ["PATCH", `/api/notebooks/${id}`, { name: "mine" }], ["GET", `/api/notebooks/${id}/export`],
      ["DELETE", `/api/notebooks/${id}`], ["POST", `/api/notebooks/${id}/execute`, { cell_id: "c", code: "1" }],
      ["GET", `/api/notebooks/${id}/events`], ["GET", `/api/notebooks/${id}/revisions`], ["POST", `/api/notebooks/${id}/duplicate`, {}],
      ["GET", `/api/notebooks/${id}/kernel`], ["POST", `/api/notebooks/${id}/kernel/restart`],
    ] as [string, string, unknown?][]) {
      const r = await call(s.url, method, p, { token: bob.token, body: b });
      expect(r.status, `${method} ${p}`).toBe(404);
    }
    expect((await call(s.url, "GET", `/api/notebooks/${id}`, {})).status).toBe(401);
    expect((await call(s.url, "GET", `/api/notebooks/${id}`, { token: alice.token })).body.name).toBe("Private");
  });
});
