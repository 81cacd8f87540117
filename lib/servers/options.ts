import { eq, sql } from "drizzle-orm";
import { getConfig } from "../config";
import { z } from "zod";
import type { Db } from "../db";
import { images } from "../db/schema";
import { NotFoundError, ValidationError } from "../errors";

export const serverName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit")
  .refine((s) => !s.includes(".."), "must not contain '..'");

/** Memory as megabytes, or a string with a unit: "512M", "2G", "1.5G". */
export const memory = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+(\.\d+)?\s*[MG]i?B?$/i, "must be megabytes or a size such as '512M' or '2G'")
    .transform((s) => Math.round(parseFloat(s) * (/g/i.test(s) ? 1024 : 1))),
]);

export const serverOptions = z
  .object({
    image: z.string().min(1).optional().describe("Catalog image name; KILN_DEFAULT_IMAGE when left out"),
    cpu: z.number().positive().optional(),
    memory: memory.optional().describe("Megabytes, or '2G'"),
    gpus: z.number().int().min(0).optional(),
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
