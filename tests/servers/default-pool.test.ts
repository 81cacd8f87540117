import { afterAll, beforeAll, expect, test } from "vitest";
import { removeInstance } from "../helpers/docker";
import { call, makeUser } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

// The default configuration on Docker keeps one ready container of the default image, so a
// newcomer's first start is a claim, not a cold start (README says what it costs at idle).
const adminToken = randomToken();
const instance = `defpool-${randomToken().slice(0, 8)}`;
let kiln: RunningKiln;
beforeAll(async () => {
  kiln = await startKiln({ env: { KILN_DATA_DIR: tempDir("defpool"), KILN_ADMIN_TOKEN: adminToken, KILN_INSTANCE_NAME: instance, KILN_WARM_POOL: "" } });
}, 120_000);
afterAll(async () => {
  await kiln?.stop();
  await removeInstance(instance);
});

test("by default one container of the default image is kept ready, and a new user's first start takes it", async () => {
  const pool = async () => (await call(kiln.url, "GET", "/api/capacity", { token: adminToken })).body.warm_pool;
  expect(await pool()).toMatchObject([{ image: "python", size: 1 }]);
  await expect.poll(async () => (await pool())[0].ready, { timeout: 120_000, interval: 250 }).toBe(1);
  const u = await makeUser({ backend: "pglite", url: kiln.url, adminToken }, "newcomer");
  const r = await call(kiln.url, "POST", `/hub/api/users/${u.name}/server`, { token: u.token, body: {} });
  expect(r.status).toBe(201);
  expect((await pool())[0].ready).toBe(0); // it was this one
  const kernel = await jupyterClient(kiln.url, u.name, u.token).startNew({ name: "python3" });
  expect(await run(kernel, "print(1+1)")).toBe("2\n");
  await call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token });
}, 240_000);
