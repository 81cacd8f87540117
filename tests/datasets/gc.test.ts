import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Ctx } from "../../lib/auth/principal";
import { setBlobStore } from "../../lib/datasets/blobs";
import { collectGarbage, GC_GRACE_MS } from "../../lib/datasets/gc";
import { ingestStream, LocalBlobStore } from "../../lib/datasets/store";
import { abortUpload } from "../../lib/datasets/uploads/abort";
import { commitUpload } from "../../lib/datasets/uploads/commit";
import { putUploadFile } from "../../lib/datasets/uploads/put-file";
import { startUpload } from "../../lib/datasets/uploads/start";
import { models, modelVersions, users } from "../../lib/db/schema";
import type { Database } from "../../lib/db/types";
import { tempDir, uniq } from "../helpers/kiln";
import { backends } from "../db/backends";

async function* once(text: string) {
  yield Buffer.from(text);
}

describe.each(backends)("the blob store's garbage collection on $name", (backend) => {
  let database: Database;
  let dispose: () => Promise<void>;
  let ctx: Ctx;
  const store = new LocalBlobStore({ root: tempDir("gc-blobs") });

  beforeAll(async () => {
    ({ database, dispose } = await backend.fresh());
    setBlobStore(store);
    const [user] = await database.db.insert(users).values({ name: uniq("gc") }).returning();
    ctx = { db: database.db, actor: { kind: "user", user: user!, via: "token" } };
  });
  afterAll(async () => {
    setBlobStore(undefined);
    await dispose();
  });

  test("an aborted upload's chunks go after the grace period; a version's chunks (shared or not) stay", async () => {
    const kept = await startUpload({ ctx, input: { ref: "gc", runId: null, body: {} } });
    await putUploadFile({ ctx, input: { ref: "gc", uploadId: kept.upload_id, path: "shared.txt", bytes: once("shared bytes") } });
    await commitUpload({ ctx, input: { ref: "gc", uploadId: kept.upload_id, runId: null } });
    const dropped = await startUpload({ ctx, input: { ref: "gc", runId: null, body: {} } });
    await putUploadFile({ ctx, input: { ref: "gc", uploadId: dropped.upload_id, path: "shared.txt", bytes: once("shared bytes") } });
    await putUploadFile({ ctx, input: { ref: "gc", uploadId: dropped.upload_id, path: "only-here.txt", bytes: once("bytes nobody keeps") } });
    await abortUpload({ ctx, input: { ref: "gc", uploadId: dropped.upload_id } });
    expect((await store.usage()).blobs).toBe(2);

    const now = Date.now();
    expect(await collectGarbage(database.db, store, now)).toEqual({ deleted: 0, pending: 1 }); // seen once: the clock starts
    expect(await collectGarbage(database.db, store, now + GC_GRACE_MS - 1)).toEqual({ deleted: 0, pending: 1 });
    expect(await collectGarbage(database.db, store, now + GC_GRACE_MS)).toEqual({ deleted: 1, pending: 0 });
    expect((await store.usage()).blobs).toBe(1); // the committed version's chunk, shared with the aborted upload, stays
    expect(await collectGarbage(database.db, store, now + 3 * GC_GRACE_MS)).toEqual({ deleted: 0, pending: 0 });
  });

  test("a registered model version's bytes stay when no run artifact names them any more (its run was deleted)", async () => {
    const stored = await ingestStream(store, once("onnx bytes of a registered model"));
    const [m] = await database.db.insert(models).values({ ownerId: ctx.actor!.kind === "user" ? ctx.actor!.user.id : 0, name: uniq("m") }).returning();
    await database.db.insert(modelVersions).values({
      modelId: m!.id, version: 1, runId: 999_999, artifactPath: "m/m.onnx", size: stored.size, sha256: stored.sha256, chunks: stored.chunks,
      signature: { inputs: [], outputs: [], columns: null, task: null, classes: null },
    });
    const now = Date.now() + 10 * GC_GRACE_MS;
    await collectGarbage(database.db, store, now);
    await collectGarbage(database.db, store, now + GC_GRACE_MS);
    expect(await store.has(stored.chunks[0]!.hash)).toBe(true);
  });
});
