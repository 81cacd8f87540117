import fs from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Ctx } from "../../lib/auth/principal";
import { setBlobStore } from "../../lib/datasets/blobs";
import { requirePassingVersion } from "../../lib/datasets/checks";
import { createDataset } from "../../lib/datasets/create";
import { datasetLineage } from "../../lib/datasets/lineage";
import { resolveForRun } from "../../lib/datasets/resolve";
import { LocalBlobStore } from "../../lib/datasets/store";
import { bodyBytes } from "../../lib/datasets/uploads/body";
import { commitUpload } from "../../lib/datasets/uploads/commit";
import { purgeStaleUploads } from "../../lib/datasets/uploads/purge";
import { putUploadFile } from "../../lib/datasets/uploads/put-file";
import { startUpload } from "../../lib/datasets/uploads/start";
import { getVersion } from "../../lib/datasets/versions";
import { datasetUploads, runs, users } from "../../lib/db/schema";
import type { Database } from "../../lib/db/types";
import { NotFoundError, UnprocessableError, ValidationError } from "../../lib/errors";
import { tempDir, uniq } from "../helpers/kiln";
import { backends } from "../db/backends";

async function* once(text: string) {
  yield Buffer.from(text);
}

describe.each(backends)("dataset pins and lineage on $name", (backend) => {
  let database: Database;
  let dispose: () => Promise<void>;
  let ctx: Ctx;
  const blobs = tempDir("blobs");

  beforeAll(async () => {
    ({ database, dispose } = await backend.fresh());
    setBlobStore(new LocalBlobStore({ root: blobs }));
    const [user] = await database.db.insert(users).values({ name: uniq("pin") }).returning();
    ctx = { db: database.db, actor: { kind: "user", user: user!, via: "token" } };
  });
  afterAll(async () => {
    setBlobStore(undefined);
    await dispose();
    fs.rmSync(blobs, { recursive: true, force: true });
  });

  const newRun = async () => {
    const [run] = await database.db
      .insert(runs)
      .values({ ownerId: (ctx.actor as { user: { id: number } }).user.id, notebookName: "nb", notebookRevision: 1, kind: "interactive", status: "running", image: "python", resources: { cpu: 1, memory_mb: 1024, gpus: 0, gpu_ids: [] } })
      .returning();
    return run!.id;
  };
  const save = async (ref: string, files: Record<string, string>, runId: number | null = null, checks?: object) => {
    const { upload_id } = await startUpload({ ctx, input: { ref, runId: null, body: { checks } } });
    for (const [path, text] of Object.entries(files)) await putUploadFile({ ctx, input: { ref, uploadId: upload_id, path, bytes: once(text) } });
    return commitUpload({ ctx, input: { ref, uploadId: upload_id, runId } });
  };

  test("a run's first read pins the version; later reads without a version get the pin, an explicit other version is answered but not pinned", async () => {
    await save("iris", { "iris.csv": "a\n1\n" });
    await save("iris", { "iris.csv": "a\n1\n2\n" });
    const run = await newRun();
    expect((await resolveForRun({ ctx, input: { ref: "iris", runId: run } })).version).toBe(2);
    await save("iris", { "iris.csv": "a\n1\n2\n3\n" });
    expect((await resolveForRun({ ctx, input: { ref: "iris", runId: run } })).version).toBe(2);
    const explicit = await resolveForRun({ ctx, input: { ref: "iris", runId: run, version: 1 } });
    expect(explicit).toMatchObject({ dataset: "iris", version: 1, files: [{ path: "iris.csv", size: 4 }] });
    expect((await resolveForRun({ ctx, input: { ref: "iris", runId: run } })).version).toBe(2);

    const other = await newRun();
    expect((await resolveForRun({ ctx, input: { ref: "iris", runId: other, version: 1 } })).version).toBe(1);
    expect((await resolveForRun({ ctx, input: { ref: "iris", runId: other } })).version).toBe(1);
    await expect(resolveForRun({ ctx, input: { ref: "iris", runId: other, version: 9 } })).rejects.toBeInstanceOf(NotFoundError);
  });

  test("a version saved by a run names the run and the versions it read; the lineage graph links them", async () => {
    await save("raw", { "raw.csv": "x\n1\n" });
    const run = await newRun();
    await resolveForRun({ ctx, input: { ref: "raw", runId: run } });
    const derived = await save("clean", { "clean.csv": "x\n1\n" }, run);
    expect(derived.lineage.produced_by_run_id).toBe(run);
    expect(derived.lineage.parents).toEqual([{ dataset: "raw", owner: derived.owner, version: 1 }]);
    const graph = await datasetLineage({ ctx, input: { ref: "clean" } });
    expect(graph.nodes.map((n) => [n.kind, n.label])).toEqual([["version", "clean v1"], ["run", `run ${run}`], ["version", `${derived.owner}:raw v1`]]);
    const [v, r, p] = graph.nodes.map((n) => n.id);
    expect(graph.edges).toEqual([{ from: r, to: v }, { from: p, to: r }]);
  });

  test("a version that failed its checks is refused where a passing one is required", async () => {
    await createDataset({ ctx, input: { name: "gate", description: "", checks: { rows: [2, 10] } } });
    await save("gate", { "t.csv": "a\n1\n" });
    await save("gate", { "t.csv": "a\n1\n2\n" });
    await expect(requirePassingVersion(ctx, "gate", 1)).rejects.toBeInstanceOf(UnprocessableError);
    expect((await requirePassingVersion(ctx, "gate", 2)).version.checksStatus).toBe("passed");
  });

  test("uploads abandoned for more than 24 h are purged; younger ones stay", async () => {
    const old = await startUpload({ ctx, input: { ref: "purge", runId: null, body: {} } });
    const young = await startUpload({ ctx, input: { ref: "purge", runId: null, body: {} } });
    await database.db.update(datasetUploads).set({ createdAt: new Date(Date.now() - 25 * 3600_000) }).where(eq(datasetUploads.id, old.upload_id));
    expect(await purgeStaleUploads(database.db)).toBe(1);
    await expect(commitUpload({ ctx, input: { ref: "purge", uploadId: old.upload_id, runId: null } })).rejects.toBeInstanceOf(NotFoundError);
    await putUploadFile({ ctx, input: { ref: "purge", uploadId: young.upload_id, path: "a.txt", bytes: once("a") } });
    expect((await commitUpload({ ctx, input: { ref: "purge", uploadId: young.upload_id, runId: null } })).version).toBe(1);
  });

  test("a body that breaks off, or ends short of its Content-Length, is refused and not recorded", async () => {
    const { upload_id } = await startUpload({ ctx, input: { ref: "broken", runId: null, body: {} } });
    let sent = 0;
    const breaking = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 3) c.enqueue(new Uint8Array(200_000).fill(97));
        else c.error(new Error("socket hang up"));
      },
    });
    const put = (bytes: AsyncIterable<Uint8Array>) => putUploadFile({ ctx, input: { ref: "broken", uploadId: upload_id, path: "f.bin", bytes } });
    await expect(put(bodyBytes(breaking, 1_000_000))).rejects.toBeInstanceOf(ValidationError);
    const short = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new Uint8Array(10)), c.close()) });
    await expect(put(bodyBytes(short, 20))).rejects.toMatchObject({ field: "body" });
    const [row] = await database.db.select().from(datasetUploads).where(eq(datasetUploads.id, upload_id));
    expect(row!.files).toEqual([]);
    await expect(getVersion({ ctx, input: { ref: "broken", version: 1 } })).rejects.toBeInstanceOf(NotFoundError);
  });
});
