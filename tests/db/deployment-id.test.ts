import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { settings } from "../../lib/db/schema";
import type { Database } from "../../lib/db/types";
import { loadDeploymentId } from "../../lib/system/deployment-id";
import { backends } from "./backends";

// The deployment id names containers and volumes. One that reads as a JSON number
// ("72e291") came back from drizzle's jsonb reader as 7.2e+292, and Docker refused the
// warm pool's container names made from it.
describe.each(backends)("the deployment id on $name", (backend) => {
  let database: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ database, dispose } = await backend.fresh()));
  afterAll(async () => dispose());

  test("an id that looks like a number is read back as the string it is", async () => {
    await database.db.insert(settings).values({ key: "deployment_id", value: "72e291" });
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("kiln.deploymentId")];
    expect(await loadDeploymentId(database.db)).toBe("72e291");
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("kiln.deploymentId")];
  });
});
