import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Db } from "../db";
import { images } from "../db/schema";

const recipe = z.object({
  name: z.string(),
  reference: z.string(),
  description: z.string().default(""),
  defaults: z.object({ cpu: z.number().positive(), memory_mb: z.number().int().positive() }),
  limits: z.object({ cpu: z.number().positive(), memory_mb: z.number().int().positive(), gpus: z.number().int().min(0) }),
});

/** The catalog's starting point: kernels/<name>/image.json. Admins' later edits are kept. */
export async function seedImages(db: Db, kernelsDir = path.resolve(process.cwd(), "kernels")): Promise<void> {
  if (!fs.existsSync(kernelsDir)) return;
  for (const dir of fs.readdirSync(kernelsDir)) {
    const file = path.join(kernelsDir, dir, "image.json");
    if (!fs.existsSync(file)) continue;
    const r = recipe.parse(JSON.parse(fs.readFileSync(file, "utf8")));
    await db
      .insert(images)
      .values({
        name: r.name, reference: r.reference, description: r.description,
        defaultCpu: r.defaults.cpu, defaultMemoryMb: r.defaults.memory_mb,
        maxCpu: r.limits.cpu, maxMemoryMb: r.limits.memory_mb, maxGpus: r.limits.gpus,
      })
      .onConflictDoNothing();
  }
}
