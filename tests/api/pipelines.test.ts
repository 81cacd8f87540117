import { describe, expect, inject, test } from "vitest";
import { call, makeUser } from "../helpers/http";
import { uniq } from "../helpers/kiln";

/** clean -> features -> train, as promoted from a notebook: each step reads the one before. */
function threeSteps(dataset: string) {
  return {
    description: "raw data to a model",
    steps: [
      { name: "clean", code: "df = kiln.load_dataset(raw)\nclean = df.dropna()", inputs: { raw: { dataset } }, outputs: { clean: { kind: "dataset" } } },
      { name: "features", code: "features = clean.assign(x2=clean.x ** 2)", parameters: { scale: 2 }, inputs: { clean: { step: "clean", output: "clean" } }, outputs: { features: { kind: "dataset" } } },
      { name: "train", code: "model = fit(features, lr=lr)", parameters: { lr: 0.1 }, inputs: { features: { step: "features", output: "features" } }, outputs: { model: { kind: "model" } }, retries: 2 },
    ],
  };
}

describe.each(inject("servers"))("pipelines on $backend", (s) => {
  async function setUp() {
    const alice = await makeUser(s, "pipea");
    const ds = uniq("raw");
    expect((await call(s.url, "POST", "/api/datasets", { token: alice.token, body: { name: ds } })).status).toBe(201);
    return { alice, ds };
  }

  test("a three-step DAG is version 1, in order; an edit is version 2 and version 1 stays as it was", async () => {
    const { alice, ds } = await setUp();
    const created = await call(s.url, "POST", "/api/pipelines", { token: alice.token, body: { name: "churn", definition: threeSteps(ds) } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "churn", owner: alice.name, version: 1, order: ["clean", "features", "train"], versions: [{ version: 1 }] });
    // defaults are filled in and stored: what the version runs is exactly what it shows
    expect(created.body.definition.steps[0]).toMatchObject({ timeout_s: 3600, retries: 0, cache: false, resources: {} });
    const id = created.body.id;

    const edited = threeSteps(ds);
    edited.steps[2]!.parameters = { lr: 0.01 };
    const v2 = await call(s.url, "PUT", `/api/pipelines/${id}`, { token: alice.token, body: { definition: edited } });
    expect(v2.status).toBe(200);
    expect(v2.body.version).toBe(2);
    expect(v2.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const v1 = await call(s.url, "GET", `/api/pipelines/${id}/versions/1`, { token: alice.token });
    expect(v1.body.definition.steps[2].parameters).toEqual({ lr: 0.1 });
    expect((await call(s.url, "GET", `/api/pipelines/${id}`, { token: alice.token })).body.definition.steps[2].parameters).toEqual({ lr: 0.01 });
    expect((await call(s.url, "GET", "/api/pipelines", { token: alice.token })).body.pipelines).toEqual([expect.objectContaining({ id, name: "churn", version: 2 })]);
    expect((await call(s.url, "POST", "/api/pipelines", { token: alice.token, body: { name: "churn", definition: threeSteps(ds) } })).status).toBe(409);
  });

  test("the same definition as YAML is the same pipeline", async () => {
    const { alice, ds } = await setUp();
    const yaml = `
steps:
  - name: clean
    code: |
      df = kiln.load_dataset(raw)
    inputs: { raw: { dataset: ${ds} } }
    outputs: { clean: { kind: dataset } }
  - name: train
    code: model = fit(clean)
    inputs:
      clean: { step: clean, output: clean }
`;
    const r = await call(s.url, "POST", "/api/pipelines", { token: alice.token, body: { name: "from-yaml", definition: yaml } });
    expect(r.status).toBe(201);
    expect(r.body.order).toEqual(["clean", "train"]);
    expect(r.body.definition.steps[0].code).toBe("df = kiln.load_dataset(raw)\n");
  });

  test("a cycle, an unknown input, a missing output, a bad parameter, a dataset you cannot read, bad YAML: 400 naming it, and nothing stored", async () => {
    const { alice, ds } = await setUp();
    const bad = async (definition: unknown) => (await call(s.url, "POST", "/api/pipelines", { token: alice.token, body: { name: uniq("bad"), definition } })).body.error;

    const cycle = threeSteps(ds);
    cycle.steps[0]!.inputs = { back: { step: "train", output: "model" } } as never;
    expect(await bad(cycle)).toMatchObject({ field: "definition.steps", message: expect.stringContaining('"clean" -> "features" -> "train" -> "clean"') });

    const unknownStep = threeSteps(ds);
    unknownStep.steps[2]!.inputs = { features: { step: "featurez", output: "features" } };
    expect(await bad(unknownStep)).toMatchObject({ field: "definition.steps.2.inputs.features.step", message: expect.stringContaining('"featurez", which is not a step') });

    const missingOutput = threeSteps(ds);
    missingOutput.steps[2]!.inputs = { features: { step: "features", output: "table" } };
    expect(await bad(missingOutput)).toMatchObject({ field: "definition.steps.2.inputs.features.output", message: expect.stringContaining('output "table"') });

    const badParam = threeSteps(ds);
    badParam.steps[1]!.parameters = { "2fast": 1 } as never;
    expect(await bad(badParam)).toMatchObject({ field: "definition.steps.1.parameters.2fast", message: expect.stringContaining("Python identifier") });

    const twice = threeSteps(ds);
    twice.steps[1]!.name = "clean";
    expect(await bad(twice)).toMatchObject({ field: "definition.steps.1.name" });

    const bob = await makeUser(s, "pipeb");
    const bobsData = uniq("private");
    expect((await call(s.url, "POST", "/api/datasets", { token: bob.token, body: { name: bobsData } })).status).toBe(201);
    expect(await bad(threeSteps(`${bob.name}:${bobsData}`))).toMatchObject({ field: "definition.steps.0.inputs.raw.dataset", message: expect.stringContaining("does not exist or you may not read it") });

    expect(await bad("steps: [ { name: a, code: x }")).toMatchObject({ field: "definition", message: expect.stringContaining("not valid YAML") });
    expect((await call(s.url, "GET", "/api/pipelines", { token: alice.token })).body.pipelines).toEqual([]);
  });

  test("bob cannot see, edit, version or delete alice's pipeline: 404 as if it did not exist", async () => {
    const { alice, ds } = await setUp();
    const bob = await makeUser(s, "pipeb");
    const id = (await call(s.url, "POST", "/api/pipelines", { token: alice.token, body: { name: "mine", definition: threeSteps(ds) } })).body.id;
    expect((await call(s.url, "GET", `/api/pipelines/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call(s.url, "GET", `/api/pipelines/${id}/versions/1`, { token: bob.token })).status).toBe(404);
    expect((await call(s.url, "PUT", `/api/pipelines/${id}`, { token: bob.token, body: { definition: threeSteps(ds) } })).status).toBe(404);
    expect((await call(s.url, "DELETE", `/api/pipelines/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call(s.url, "GET", "/api/pipelines", { token: bob.token })).body.pipelines).toEqual([]);
    // still alice's, at version 1
    expect((await call(s.url, "GET", `/api/pipelines/${id}`, { token: alice.token })).body).toMatchObject({ version: 1, owner: alice.name });
    // an admin sees it; a token without pipeline scopes does not reach it
    expect((await call(s.url, "GET", `/api/pipelines/${id}`, { token: s.adminToken })).status).toBe(200);
    const narrow = (await call(s.url, "POST", `/hub/api/users/${alice.name}/tokens`, { token: alice.token, body: { scopes: ["read:notebooks"] } })).body.token;
    expect((await call(s.url, "GET", `/api/pipelines/${id}`, { token: narrow })).status).toBe(403);
    expect((await call(s.url, "DELETE", `/api/pipelines/${id}`, { token: alice.token })).status).toBe(204);
    expect((await call(s.url, "GET", `/api/pipelines/${id}`, { token: alice.token })).status).toBe(404);
  });
});

describe.each(inject("servers"))("promoting notebook cells to steps on $backend", (s) => {
  const cells = [
    { id: "c-load", cell_type: "code", source: "raw = load()", metadata: {}, outputs: [], execution_count: null },
    { id: "c-md", cell_type: "markdown", source: "# Cleaning", metadata: {} },
    { id: "c-clean", cell_type: "code", source: "clean = raw.dropna()\n", metadata: {}, outputs: [], execution_count: null },
    { id: "c-train", cell_type: "code", source: "model = fit(clean)", metadata: {}, outputs: [], execution_count: null },
  ];
  async function notebook(token: string) {
    const r = await call(s.url, "POST", "/api/notebooks", { token, body: { name: uniq("promote"), cells: cells.map(({ id, cell_type, source }) => ({ id, cell_type, source })) } });
    expect(r.status).toBe(201);
    return r.body as { id: number; revision: number };
  }

  test("cells become chained steps, each a new version; the notebook knows which cells became which step, and when an edit leaves a step behind", async () => {
    const alice = await makeUser(s, "promo");
    const nb = await notebook(alice.token);
    const promote = (body: Record<string, unknown>) => call(s.url, "POST", "/api/pipelines/promote", { token: alice.token, body: { pipeline: "flow", notebook_id: nb.id, ...body } });
    // given out of order, taken in the notebook's order; the markdown cell is no step's
    const first = await promote({ step: "clean", cell_ids: ["c-clean", "c-load"], outputs: { clean: { kind: "dataset" } } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ version: 1, promoted: "clean", definition: { steps: [{ name: "clean", code: "raw = load()\n\nclean = raw.dropna()\n", cells: [{ notebook_id: nb.id, cell_id: "c-load" }, { notebook_id: nb.id, cell_id: "c-clean" }] }] } });
    const second = await promote({ step: "train", cell_ids: ["c-train"], inputs: { clean: { step: "clean", output: "clean" } } });
    expect(second.body).toMatchObject({ version: 2, order: ["clean", "train"] });
    expect((await call(s.url, "GET", `/api/notebooks/${nb.id}/steps`, { token: alice.token })).body.steps).toEqual([
      { pipeline_id: first.body.id, pipeline: "flow", version: 2, step: "clean", cell_ids: ["c-load", "c-clean"], up_to_date: true },
      { pipeline_id: first.body.id, pipeline: "flow", version: 2, step: "train", cell_ids: ["c-train"], up_to_date: true },
    ]);

    // the cell changes: its step no longer runs what the notebook holds
    const changed = cells.map(({ id, cell_type, source }) => ({ id, cell_type, source: id === "c-train" ? "model = fit(clean, lr=0.1)" : source }));
    expect((await call(s.url, "PATCH", `/api/notebooks/${nb.id}`, { token: alice.token, body: { revision: nb.revision, cells: changed } })).status).toBe(200);
    const stale = (await call(s.url, "GET", `/api/notebooks/${nb.id}/steps`, { token: alice.token })).body.steps;
    expect(stale.map((x: { step: string; up_to_date: boolean }) => [x.step, x.up_to_date])).toEqual([["clean", true], ["train", false]]);
    // promoting again updates it (its inputs kept): version 3
    const third = await promote({ step: "train", cell_ids: ["c-train"] });
    expect(third.body).toMatchObject({ version: 3, definition: { steps: [{ name: "clean" }, { name: "train", code: "model = fit(clean, lr=0.1)\n", inputs: { clean: { step: "clean", output: "clean" } } }] } });
    expect((await call(s.url, "GET", `/api/notebooks/${nb.id}/steps`, { token: alice.token })).body.steps.every((x: { up_to_date: boolean }) => x.up_to_date)).toBe(true);
  });

  test("a cell not in the notebook, a markdown cell, a bad chain: 400 naming it; bob cannot promote alice's cells", async () => {
    const alice = await makeUser(s, "promo");
    const nb = await notebook(alice.token);
    const promote = (token: string, body: Record<string, unknown>) => call(s.url, "POST", "/api/pipelines/promote", { token, body: { pipeline: "p", step: "a", notebook_id: nb.id, ...body } });
    expect((await promote(alice.token, { cell_ids: ["nope"] })).body.error).toMatchObject({ field: "cell_ids", message: expect.stringContaining("no cell nope") });
    expect((await promote(alice.token, { cell_ids: ["c-md"] })).body.error).toMatchObject({ field: "cell_ids", message: expect.stringContaining("not a code cell") });
    expect((await promote(alice.token, { cell_ids: ["c-load"], inputs: { x: { step: "zzz", output: "o" } } })).body.error).toMatchObject({ field: "definition.steps.0.inputs.x.step" });
    const bob = await makeUser(s, "promob");
    expect((await promote(bob.token, { cell_ids: ["c-load"] })).status).toBe(404);
    expect((await call(s.url, "GET", `/api/notebooks/${nb.id}/steps`, { token: bob.token })).status).toBe(404);
    expect((await call(s.url, "GET", "/api/pipelines", { token: alice.token })).body.pipelines).toEqual([]);
    expect((await call(s.url, "GET", "/api/pipelines", { token: bob.token })).body.pipelines).toEqual([]);
  });
});
