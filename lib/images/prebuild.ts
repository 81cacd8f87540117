import { eq } from "drizzle-orm";
import { getConfig } from "../config";
import type { Db } from "../db";
import { images } from "../db/schema";
import type { DockerSpawner } from "../spawners/docker";
import { spawner } from "../spawners/registry";
import { prebuild } from "./builder";

/** With Docker, the default image's build (if it is missing) starts with Kiln, not with the first start. */
export async function prebuildDefaultImage(db: Db): Promise<void> {
  const [row] = await db.select().from(images).where(eq(images.name, getConfig().servers.defaultImage));
  if (row?.enabled) prebuild((spawner("docker") as DockerSpawner).docker, row.reference);
}
