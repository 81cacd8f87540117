import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { randomToken } from "../helpers/kiln";
import { runs, users } from "@/lib/db/schema";
import type { Database } from "@/lib/db/types";
import { sweepEndedJobs } from "@/lib/jobs/sweep";
import { DockerSpawner } from "@/lib/spawners/docker";
import { backends } from "../db/backends";
import { docker, removeInstance } from "../helpers/docker";

/** A job's container as the Docker spawner names and labels it (kiln/python, asleep). */
async function jobContainer(instance: string, prefix: string, runId: number) {
  const c = await docker.createContainer({
    name: `${prefix}-r${runId}`, Image: "kiln/python:latest", Cmd: ["sleep", "infinity"],
    Labels: { "org.kiln.managed": "true", "org.kiln.instance": instance, "org.kiln.run-id": String(runId), "org.kiln.user": "sweeper", "org.kiln.user-id": "1" },
    HostConfig: { NetworkMode: "none", Init: true },
  });
  await c.start();
  return c.id;
}

const exists = (id: string) => docker.getContainer(id).inspect().then(() => true, (e) => (e.statusCode === 404 ? false : Promise.reject(e)));

describe.each(backends)("the sweep of ended jobs' containers on $name", (backend) => {
  const instance = `test-jobsweep-${randomToken().slice(0, 8)}`;
  let database: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ database, dispose } = await backend.fresh());
  });
  afterAll(async () => {
    await removeInstance(instance);
    await dispose();
  });

  test("removes the containers of runs that ended or are gone, never a live run's, another deployment's or one named past the run ids; at most every ten minutes", async () => {
    const db = database.db;
    const [owner] = await db.insert(users).values({ name: "sweeper" }).returning();
    const run = async (status: "running" | "queued" | "finished" | "failed" | "killed") =>
      (await db.insert(runs).values({ ownerId: owner!.id, notebookName: "n", notebookRevision: 1, kind: "step", status, image: "python", resources: { cpu: 1, memory_mb: 512, gpus: 0, gpu_ids: [] } }).returning())[0]!.id;
    const [running, queued, finished, failed, killed] = [await run("running"), await run("queued"), await run("finished"), await run("failed"), await run("killed")];
    const deleted = killed + 1000; // a run that no longer exists
    const prefix = `${instance}-mine`;
    const jobs = new DockerSpawner(new Docker(), { network: "none", instance, prefix });
    const ids = Object.fromEntries(await Promise.all([running, queued, finished, failed, killed, deleted].map(async (r) => [r, await jobContainer(instance, prefix, r)] as const)));
    // the same run ids in another deployment (another database) on this engine: its own to judge
    const others = await Promise.all([finished, deleted].map((r) => jobContainer(instance, `${instance}-theirs`, r)));
    // a run id past runs.id's int4 is no run of this deployment: it is kept, and does not fail the sweep's query
    const outOfRange = await jobContainer(instance, prefix, 3_000_000_000);

    expect((await sweepEndedJobs(db, jobs)).sort((a, b) => a - b)).toEqual([finished, failed, killed, deleted]);
    for (const r of [finished, failed, killed, deleted]) expect(await exists(ids[r]!)).toBe(false);
    for (const r of [running, queued]) expect(await exists(ids[r]!)).toBe(true);
    for (const id of [...others, outOfRange]) expect(await exists(id)).toBe(true);

    // ended since: left for the next sweep, ten minutes on
    await db.update(runs).set({ status: "finished" });
    expect(await sweepEndedJobs(db, jobs)).toEqual([]);
    expect(await exists(ids[running]!)).toBe(true);
  }, 120_000);
});
