import { eq, sql } from "drizzle-orm";
import { getConfig } from "../config";
import { z } from "zod";
import type { Db } from "../db";
import { images } from "../db/schema";
import { NotFoundError, ValidationError } from "../errors";
import { MAX_CPU, MAX_GPUS, MAX_MEMORY_MB, MIN_CPU, MIN_MEMORY_MB } from "./limits";

export const serverName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit")
  .refine((s) => !s.includes(".."), "must not contain '..'");

/**
 * Memory as megabytes, or a string with a unit: "512M", "2G", "1.5G". Checked against the
 * floor after conversion: "0.4M" must not become 0, which Docker reads as unlimited.
 */
export const memory = z
  .union([
    z.number().int(),
    z
      .string()
      .regex(/^\d{1,9}(\.\d{1,6})?\s*[MG]i?B?$/i, "must be megabytes or a size such as '512M' or '2G'")
      .transform((s) => Math.floor(parseFloat(s) * (/g/i.test(s) ? 1024 : 1))),
  ])
  .pipe(z.number().min(MIN_MEMORY_MB, `must be at least ${MIN_MEMORY_MB} MB`).max(MAX_MEMORY_MB, `must be at most ${MAX_MEMORY_MB} MB`));

export const serverOptions = z
  .object({
    image: z.string().min(1).optional().describe("Catalog image name; KILN_DEFAULT_IMAGE when left out"),
    cpu: z.number().min(MIN_CPU, `must be at least ${MIN_CPU}`).max(MAX_CPU, `must be at most ${MAX_CPU}`).optional(),
    memory: memory.optional().describe("Megabytes, or '2G'"),
    gpus: z.number().int().min(0).max(MAX_GPUS).optional(),
    /** With GPUs: false refuses the start (409) when they are not free now, instead of queueing it. */
    wait: z.boolean().optional(),
  })
  .default({});

export type ServerOptions = z.output<typeof serverOptions>;

/** Resolves options against the catalog: unknown image or a value over its maximum is a 400. */
export async function resolveOptions(db: Db, o: ServerOptions) {
  const [image] = o.image
    ? await db.select().from(images).where(eq(images.name, o.image))
    : await db
        .select()
        .from(images)
        .where(eq(images.enabled, true))
        // the configured default first, then by name
        .orderBy(sql`${images.name} <> ${getConfig().servers.defaultImage}`, images.name)
        .limit(1);
  if (!image || !image.enabled) {
    if (o.image) throw new ValidationError(`Unknown image: ${o.image}`, "image");
    throw new NotFoundError("The image catalog is empty");
  }
  const cpu = o.cpu ?? image.defaultCpu;
  const memoryMb = o.memory ?? image.defaultMemoryMb;
  const gpus = o.gpus ?? 0;
  if (cpu > image.maxCpu) throw new ValidationError(`cpu: at most ${image.maxCpu} for image ${image.name}`, "cpu");
  if (memoryMb > image.maxMemoryMb) throw new ValidationError(`memory: at most ${image.maxMemoryMb} MB for image ${image.name}`, "memory");
  if (gpus > image.maxGpus) throw new ValidationError(`gpus: at most ${image.maxGpus} for image ${image.name}`, "gpus");
  return { image, cpu, memoryMb, gpus };
}
