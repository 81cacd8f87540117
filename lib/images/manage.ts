import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { getConfig } from "../config";
import { type Ctx, isAdmin, requireActor, requireAdmin } from "../auth/principal";
import { images, type ImageRow } from "../db/schema";
import { ConflictError, isUniqueViolation, NotFoundError, ValidationError } from "../errors";
import { referenceProblem } from "./reference";
import { MAX_CPU, MAX_GPUS, MAX_MEMORY_MB, MIN_CPU, MIN_MEMORY_MB } from "../servers/limits";

const fields = {
  reference: z
    .string()
    .min(1)
    .max(500)
    .superRefine((ref, c) => {
      const problem = referenceProblem(ref);
      if (problem) c.addIssue({ code: "custom", message: problem });
    })
    .describe("Docker image reference"),
  description: z.string().max(1000),
  default_cpu: z.number().min(MIN_CPU).max(MAX_CPU),
  default_memory_mb: z.number().int().min(MIN_MEMORY_MB).max(MAX_MEMORY_MB),
  max_cpu: z.number().min(MIN_CPU).max(MAX_CPU),
  max_memory_mb: z.number().int().min(MIN_MEMORY_MB).max(MAX_MEMORY_MB),
  max_gpus: z.number().int().min(0).max(MAX_GPUS),
  enabled: z.boolean(),
};
export const imageBody = z.object({
  ...fields,
  description: fields.description.default(""),
  max_gpus: fields.max_gpus.default(0),
  enabled: fields.enabled.default(true),
});
/** A patch changes only what it names: no defaults here, or they would overwrite stored values. */
export const imagePatch = z
  .object(fields)
  .partial()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "nothing to change" });

export function toImageModel(r: ImageRow) {
  return {
    name: r.name, reference: r.reference, description: r.description,
    default_cpu: r.defaultCpu, default_memory_mb: r.defaultMemoryMb,
    max_cpu: r.maxCpu, max_memory_mb: r.maxMemoryMb, max_gpus: r.maxGpus, enabled: r.enabled,
    default: r.name === getConfig().servers.defaultImage,
  };
}

function columns(b: z.infer<typeof imagePatch>) {
  return Object.fromEntries(
    Object.entries({
      reference: b.reference, description: b.description, defaultCpu: b.default_cpu, defaultMemoryMb: b.default_memory_mb,
      maxCpu: b.max_cpu, maxMemoryMb: b.max_memory_mb, maxGpus: b.max_gpus, enabled: b.enabled,
    }).filter(([, v]) => v !== undefined),
  );
}

function checkBounds(r: { defaultCpu: number; maxCpu: number; defaultMemoryMb: number; maxMemoryMb: number }) {
  if (r.defaultCpu > r.maxCpu) throw new ValidationError("default_cpu: must not exceed max_cpu", "default_cpu");
  if (r.defaultMemoryMb > r.maxMemoryMb) throw new ValidationError("default_memory_mb: must not exceed max_memory_mb", "default_memory_mb");
}

/** The catalog: users see enabled images, admins see all. */
export async function listImages({ ctx }: { ctx: Ctx }) {
  requireActor(ctx.actor);
  const rows = await ctx.db.select().from(images).orderBy(asc(images.name));
  return rows.filter((r) => r.enabled || isAdmin(ctx.actor)).map(toImageModel);
}

export async function createImage({ ctx, input }: { ctx: Ctx; input: { name: string } & z.infer<typeof imageBody> }) {
  requireAdmin(ctx.actor);
  const values = { name: input.name, ...columns(input) } as typeof images.$inferInsert;
  checkBounds(values as ImageRow);
  try {
    const [row] = await ctx.db.insert(images).values(values).returning();
    return toImageModel(row!);
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError(`Image ${input.name} already exists`, "name");
    throw e;
  }
}

export async function updateImage({ ctx, input }: { ctx: Ctx; input: { name: string; patch: z.infer<typeof imagePatch> } }) {
  requireAdmin(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const [old] = await tx.select().from(images).where(eq(images.name, input.name));
    if (!old) throw new NotFoundError(`No such image: ${input.name}`);
    const next = { ...old, ...columns(input.patch) } as ImageRow;
    checkBounds(next);
    const [row] = await tx.update(images).set(columns(input.patch)).where(eq(images.name, input.name)).returning();
    return toImageModel(row!);
  });
}
