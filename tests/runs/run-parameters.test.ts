import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { fromPythonRepr, parameterNames } from "@/lib/runs/run-parameters";
import { call, makeUser, startServer } from "../helpers/http";

test("the names a parameters cell assigns, and Python's repr of a str read back", () => {
  const cell = (source: string, tags: string[]) => ({ id: "p", cell_type: "code" as const, source, metadata: { tags } });
  expect(parameterNames([cell("lr = 0.1\nepochs: int = 5\n# note = 1\nx == 2\n  y = 3\nname='a'", ["parameters"]), cell("z = 1", [])])).toEqual(["lr", "epochs", "name"]);
  expect(fromPythonRepr("'0.1'")).toBe("0.1");
  expect(fromPythonRepr(`"it's"`)).toBe("it's");
  expect(fromPythonRepr("'a\\nb\\\\c\\x00\\u00e9'")).toBe("a\nb\\c\u0000é");
  expect(fromPythonRepr("0.1")).toBeNull();
});

describe.each(inject("servers"))("a whole-notebook run's params on $backend", (s) => {
  let u: { name: string; token: string };
  beforeAll(async () => {
    u = await makeUser(s, "params");
    await startServer(s.url, u);
  }, 120_000);
  afterAll(async () => {
    if (u) await call(s.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
  });

  test("are the parameters it ran with: the values given, and the parameters cell's defaults for the rest", async () => {
    const cells = [
      { id: "p", cell_type: "code", source: "lr = 0.1\nepochs = 3\nname = 'baseline'\nlayers = [64, 32]", metadata: { tags: ["parameters"] } },
      { id: "t", cell_type: "code", source: "print(lr * epochs)", metadata: {} },
    ];
    const nb = await call(s.url, "POST", "/api/notebooks", { token: u.token, body: { name: "params", cells } });
    const run = await call(s.url, "POST", `/api/notebooks/${nb.body.id}/runs`, { token: u.token, body: { params: { epochs: 5, name: "wide" } } });
    expect([201, 202]).toContain(run.status);
    await expect.poll(async () => (await call(s.url, "GET", `/api/runs/${run.body.id}`, { token: u.token })).body.status, { timeout: 60_000 }).toBe("finished");
    const r = (await call(s.url, "GET", `/api/runs/${run.body.id}`, { token: u.token })).body;
    expect(r.params).toEqual({ lr: "0.1", epochs: "5", name: "wide", layers: "[64, 32]" });
    // ... so runs compare on them
    const listed = await call(s.url, "GET", `/api/runs?notebook_id=${nb.body.id}&param.epochs=5`, { token: u.token });
    expect(listed.body.runs.map((x: { id: number }) => x.id)).toEqual([run.body.id]);
  }, 120_000);
});
