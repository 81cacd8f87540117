import fs from "node:fs";
import { and, eq, inArray, notInArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db";
import { gpus } from "../db/schema";
import { ValidationError } from "../errors";
import { logger } from "../log";
import { gpuEvents, releaseGpus } from "./allocator";

/** One host's devices, as nvidia-smi or a declared inventory gives them. */
export interface HostInventory {
  host: string;
  gpus: { uuid: string; index: number; model: string; memoryMb: number }[];
}

/**
 * `nvidia-smi --query-gpu=index,uuid,name,memory.total --format=csv,noheader,nounits`, read
 * strictly: every line must be an index, a GPU-uuid, a name (spaces allowed; nvidia-smi
 * never puts commas in it) and a whole number of MiB. Anything else is an error naming
 * the line, never a partial inventory.
 */
export function parseNvidiaSmi(stdout: string, host: string): HostInventory {
  const lines = stdout.split("\n").map((l) => l.trim()).filter(Boolean);
  const out: HostInventory["gpus"] = [];
  lines.forEach((line, i) => {
    const f = line.split(",").map((x) => x.trim());
    const ok = f.length === 4 && /^\d+$/.test(f[0]!) && /^GPU-[0-9a-fA-F-]{8,}$/.test(f[1]!) && f[2]!.length > 0 && /^\d+$/.test(f[3]!);
    if (!ok) throw new ValidationError(`nvidia-smi: line ${i + 1} is not "index, uuid, name, memory.total": ${JSON.stringify(line.slice(0, 120))}`, "nvidia-smi");
    out.push({ index: Number(f[0]), uuid: f[1]!, model: f[2]!, memoryMb: Number(f[3]) });
  });
  return { host, gpus: out };
}

const declared = z.object({
  hosts: z
    .array(
      z.object({
        name: z.string().min(1).max(200).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits, '.', '_', ':' and '-'"),
        gpus: z.array(
          z.object({
            uuid: z.string().regex(/^GPU-[0-9a-fA-F-]{8,}$/, "an NVIDIA GPU uuid (GPU-...)"),
            model: z.string().min(1).max(200),
            memory_mb: z.number().int().min(0),
            index: z.number().int().min(0).optional(),
          }),
        ),
      }),
    )
    .min(1),
});

/** KILN_GPU_INVENTORY: hosts Kiln cannot ask, declared in a JSON file. Errors name the field. */
export function readDeclaredInventory(file: string): HostInventory[] {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ValidationError(`KILN_GPU_INVENTORY: ${file} is not readable JSON (${(e as Error).message})`, "KILN_GPU_INVENTORY");
  }
  const r = declared.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ValidationError(`KILN_GPU_INVENTORY: ${issue.path.join(".") || "(the file)"}: ${issue.message}`, "KILN_GPU_INVENTORY");
  }
  const seen = new Set<string>();
  for (const h of r.data.hosts)
    for (const g of h.gpus) {
      if (seen.has(g.uuid)) throw new ValidationError(`KILN_GPU_INVENTORY: ${g.uuid} is declared twice`, "KILN_GPU_INVENTORY");
      seen.add(g.uuid);
    }
  return r.data.hosts.map((h) => ({ host: h.name, gpus: h.gpus.map((g, i) => ({ uuid: g.uuid, index: g.index ?? i, model: g.model, memoryMb: g.memory_mb })) }));
}

/**
 * Brings the inventory table in line with what the hosts report (start-up, an admin's
 * rescan). New devices become available; a device that disappeared is marked lost and its
 * holder told (it keeps the row, so the device is never handed to someone else; a rescan
 * that sees it again makes it available). A device seen on another host moves with it.
 */
export async function reconcileInventory(db: Db, hosts: HostInventory[]): Promise<{ available: number; lost: string[] }> {
  const lost: { uuid: string; holderKind: string | null; holderId: string | null }[] = [];
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('kiln.gpus'))`);
    for (const h of hosts) {
      for (const g of h.gpus) {
        await tx
          .insert(gpus)
          .values({ uuid: g.uuid, host: h.host, index: g.index, model: g.model, memoryMb: g.memoryMb, state: "available" })
          .onConflictDoUpdate({ target: gpus.uuid, set: { host: h.host, index: g.index, model: g.model, memoryMb: g.memoryMb, state: "available", seenAt: sql`now()` } });
      }
      const present = h.gpus.map((g) => g.uuid);
      const gone = await tx
        .select({ uuid: gpus.uuid, holderKind: gpus.holderKind, holderId: gpus.holderId })
        .from(gpus)
        .where(and(eq(gpus.host, h.host), eq(gpus.state, "available"), present.length ? notInArray(gpus.uuid, present) : sql`true`));
      if (gone.length) await tx.update(gpus).set({ state: "lost" }).where(inArray(gpus.uuid, gone.map((g) => g.uuid)));
      lost.push(...gone);
    }
  });
  for (const g of lost) {
    logger().warn({ gpu: g.uuid, holder: g.holderKind ? `${g.holderKind}:${g.holderId}` : null }, "a GPU disappeared from its host: marked lost");
    if (g.holderKind) gpuEvents.emit("lost", { uuid: g.uuid, holder: { kind: g.holderKind, id: g.holderId } });
  }
  const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(gpus).where(eq(gpus.state, "available"));
  return { available: Number(n), lost: lost.map((g) => g.uuid) };
}

/** At start-up: holders that no longer exist (a server row gone while Kiln was down) give their GPUs back. */
export async function releaseOrphans(db: Db, exists: (h: { kind: string; id: string }) => Promise<boolean>): Promise<number> {
  const holders = await db.selectDistinct({ kind: gpus.holderKind, id: gpus.holderId }).from(gpus).where(sql`${gpus.holderKind} is not null`);
  let n = 0;
  for (const h of holders) {
    if (!h.kind || !h.id || (await exists({ kind: h.kind, id: h.id }))) continue;
    await releaseGpus(db, { kind: h.kind as "server", id: h.id }, "holder gone at start-up");
    n++;
  }
  return n;
}
