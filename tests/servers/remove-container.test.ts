import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { removeContainer } from "@/lib/spawners/remove-container";
import { docker } from "../helpers/docker";

const LABEL = "org.kiln.test=remove-container";
const stuck: string[] = [];
const chattr = (flag: "+i" | "-i", file: string) => {
  const r = spawnSync("chattr", [flag, file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`chattr ${flag} ${file}: ${r.stderr}`);
};

afterAll(async () => {
  for (const f of stuck) if (fs.existsSync(f)) chattr("-i", f);
  for (const c of await docker.listContainers({ all: true, filters: { label: [LABEL] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
});

async function runningContainer() {
  const c = await docker.createContainer({
    Image: "kiln/python:latest", Cmd: ["sleep", "infinity"], Labels: { "org.kiln.test": "remove-container" },
    HostConfig: { NetworkMode: "none", Init: true },
  });
  await c.start();
  return c;
}

/**
 * A file in the container's writable layer that nobody can unlink: the engine's removal
 * then fails after it has marked the container dead, as one whose mount is still busy does.
 */
async function pinLayer(id: string) {
  // overlay2's data; dockerode types GraphDriver.Data as devicemapper's
  const upper = ((await docker.getContainer(id).inspect()).GraphDriver.Data as unknown as { UpperDir?: string }).UpperDir;
  if (!upper) throw new Error("this storage driver shows no writable layer directory");
  const file = path.join(upper, "pinned");
  fs.writeFileSync(file, "x");
  chattr("+i", file);
  stuck.push(file);
  return file;
}

const gone = async (id: string) => (await docker.getContainer(id).inspect().then(() => false, (e) => e.statusCode === 404));

describe("removing a container", () => {
  test("one the engine leaves dead on a first removal is removed on a retry", async () => {
    const c = await runningContainer();
    const pinned = await pinLayer(c.id);
    // tried every 0.1-0.5 s for about a minute and a half: the unpinned layer goes on the next try
    const removal = removeContainer(docker, c.id, { attempts: 200, firstDelayMs: 100, maxDelayMs: 500 });
    // The engine's own answer: dead, with the reason its filesystem could not go.
    await expect.poll(async () => (await c.inspect()).State, { timeout: 30_000 }).toMatchObject({ Dead: true, Error: expect.stringMatching(/remov/i) });
    chattr("-i", pinned);
    expect(await removal).toBe(true);
    expect(await gone(c.id)).toBe(true);
  }, 120_000);

  test("one that cannot be removed at all is reported, not taken for gone", async () => {
    const c = await runningContainer();
    await pinLayer(c.id);
    expect(await removeContainer(docker, c.id, { attempts: 3, firstDelayMs: 50 })).toBe(false);
    expect((await c.inspect()).State.Dead).toBe(true);
  }, 60_000);

  test("two removals racing (a cancel, and the job's own end) both answer once it is gone", async () => {
    const c = await runningContainer();
    expect(await Promise.all([removeContainer(docker, c.id), removeContainer(docker, c.id)])).toEqual([true, true]);
    expect(await gone(c.id)).toBe(true);
  }, 60_000);
});
