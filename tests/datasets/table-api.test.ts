import { describe, expect, inject, test } from "vitest";
import { call, makeUser } from "../helpers/http";

const seg = (ref: string) => encodeURIComponent(ref);

async function upload(base: string, token: string, ref: string, files: Record<string, string>) {
  const started = await call(base, "POST", `/api/datasets/${seg(ref)}/uploads`, { token, body: {} });
  for (const [path, content] of Object.entries(files))
    expect((await call(base, "PUT", `/api/datasets/${seg(ref)}/uploads/${started.body.upload_id}/files/${path}`, { token, rawBody: content })).status).toBe(200);
  const committed = await call(base, "POST", `/api/datasets/${seg(ref)}/uploads/${started.body.upload_id}/commit`, { token });
  expect(committed.status).toBe(201);
  return committed.body;
}

// 30 rows: id 1..30, score with every 5th missing, a label of three values
const csv = ["id,score,label", ...Array.from({ length: 30 }, (_, i) => `${i + 1},${i % 5 === 0 ? "" : (i / 2).toFixed(1)},${["cat", "dog", '"bird, small"'][i % 3]}`)].join("\r\n") + "\r\n";

describe.each(inject("servers"))("a version's table preview and column profile on $backend", (s) => {
  test("GET .../table/{path}: the first rows and the profile stored at commit; other files and other users are refused", async () => {
    const alice = await makeUser(s, "tbl");
    const v = await upload(s.url, alice.token, "pets", { "pets.csv": csv, "README.md": "# pets\n" });
    expect(v.files.find((f: { path: string }) => f.path === "pets.csv")).toEqual({ path: "pets.csv", size: csv.length, sha256: expect.any(String), rows: 30 }); // no profile in the version itself

    const t = await call(s.url, "GET", `/api/datasets/pets/versions/1/table/pets.csv?rows=5`, { token: alice.token });
    expect(t.status).toBe(200);
    expect(t.body.rows).toBe(30);
    expect(t.body.preview).toEqual({
      header: ["id", "score", "label"],
      rows: [["1", "", "cat"], ["2", "0.5", "dog"], ["3", "1.0", "bird, small"], ["4", "1.5", "cat"], ["5", "2.0", "dog"]],
      more: true, hidden_columns: 0,
    });
    const col = (n: string) => t.body.columns.find((c: { name: string }) => c.name === n);
    expect(col("id")).toMatchObject({ type: "int", nulls: 0, distinct: 30, distinct_exact: true, min: 1, max: 30, mean: 15.5, top: null });
    expect(col("id").histogram.counts.reduce((a: number, b: number) => a + b, 0)).toBe(30);
    expect(col("score")).toMatchObject({ type: "float", nulls: 6, values: 24, min: 0.5, max: 14.5 });
    expect(col("label")).toMatchObject({ type: "string", distinct: 3, histogram: null, mean: null, top: [{ value: "bird, small", count: 10 }, { value: "cat", count: 10 }, { value: "dog", count: 10 }] });
    expect(t.body.columns_total).toBe(3);

    const all = await call(s.url, "GET", `/api/datasets/pets/versions/1/table/pets.csv`, { token: alice.token });
    expect(all.body.preview.rows).toHaveLength(20);
    const readme = await call(s.url, "GET", `/api/datasets/pets/versions/1/table/README.md`, { token: alice.token });
    expect([readme.status, readme.body.error?.field]).toEqual([400, "path"]);
    const tooMany = await call(s.url, "GET", `/api/datasets/pets/versions/1/table/pets.csv?rows=100000`, { token: alice.token });
    expect([tooMany.status, tooMany.body.error?.field]).toEqual([400, "query.rows"]);
    expect((await call(s.url, "GET", `/api/datasets/pets/versions/1/table/missing.csv`, { token: alice.token })).status).toBe(404);
    const bob = await makeUser(s, "tblbob");
    expect((await call(s.url, "GET", `/api/datasets/${seg(`${alice.name}:pets`)}/versions/1/table/pets.csv`, { token: bob.token })).status).toBe(404);
  });
});
