import { afterAll, beforeAll, expect, test } from "vitest";
import { containerOf, removeInstance } from "../helpers/docker";
import { call, makeUser, startServer } from "../helpers/http";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

// KILN_SERVER_DISK limits a container's writable layer where the engine's storage driver can
// (overlay2 on xfs with project quotas, btrfs, zfs). Where it cannot (overlay2 on ext4, as on
// these machines) servers still start, and the Admin page says the limit does not hold.
const adminToken = randomToken();
const instance = `disk-${randomToken().slice(0, 8)}`;
let kiln: RunningKiln;
beforeAll(async () => {
  kiln = await startKiln({ env: { KILN_DATA_DIR: tempDir("disk"), KILN_ADMIN_TOKEN: adminToken, KILN_INSTANCE_NAME: instance, KILN_SERVER_DISK: "2G" } });
}, 120_000);
afterAll(async () => {
  await kiln?.stop();
  await removeInstance(instance);
});

test("the disk limit is set where the engine enforces it, and the Admin page says truly whether it holds", async () => {
  const u = await makeUser({ backend: "pglite", url: kiln.url, adminToken }, "disk");
  await startServer(kiln.url, u);
  const limit = (await containerOf(u.name, "", instance))!.HostConfig.StorageOpt?.size ?? null;
  const iso = (await call(kiln.url, "GET", "/api/isolation", { token: adminToken })).body;
  expect(iso.disk_limit).toBe(limit);
  if (limit === null) expect(iso.notes.join(" ")).toContain("KILN_SERVER_DISK=2G is not enforced");
  else expect(limit).toBe("2G");
  await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
}, 120_000);
