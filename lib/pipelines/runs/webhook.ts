import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { unseal } from "../../auth/at-rest";
import { getConfig } from "../../config";
import type { Db } from "../../db";
import { pipelineRuns, pipelines, pipelineStepRuns } from "../../db/schema";
import { logger } from "../../log";

/**
 * Tells a pipeline's webhook that a run ended: one POST of JSON (the run, its status, the
 * failed steps and their errors), signed with the pipeline's secret as GitHub signs its
 * webhooks (`X-Kiln-Signature: sha256=<HMAC of the body>`). Tried three times, 5 s each;
 * the answer's body is never read (a webhook cannot be used to read what a URL serves).
 */
export async function notifyRunEnded(db: Db, pipelineRunId: number): Promise<void> {
  const [row] = await db.select({ run: pipelineRuns, p: pipelines }).from(pipelineRuns).innerJoin(pipelines, eq(pipelines.id, pipelineRuns.pipelineId)).where(eq(pipelineRuns.id, pipelineRunId));
  if (!row?.p.webhookUrl) return;
  const steps = await db.select().from(pipelineStepRuns).where(eq(pipelineStepRuns.pipelineRunId, pipelineRunId));
  const body = JSON.stringify({
    event: `pipeline_run.${row.run.status}`,
    pipeline: { id: row.p.id, name: row.p.name },
    run: { id: row.run.id, version: row.run.version, status: row.run.status, error: row.run.error, url: `${getConfig().publicUrl}/pipelines/runs/${row.run.id}` },
    steps: steps.map((s) => ({ step: s.step, status: s.status, attempts: s.attempt, error: s.error })),
  });
  const secret = row.p.webhookSecret ? unseal(row.p.webhookSecret) : "";
  const signature = `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`;
  for (let i = 0; i < 3; i++) {
    try {
      const res = await fetch(row.p.webhookUrl, {
        method: "POST", body, redirect: "manual", signal: AbortSignal.timeout(5000),
        headers: { "content-type": "application/json", "user-agent": "Kiln-Webhook", "x-kiln-event": `pipeline_run.${row.run.status}`, "x-kiln-signature": signature },
      });
      await res.body?.cancel();
      if (res.status < 500) return;
    } catch (e) {
      if (i === 2) logger().warn({ err: (e as Error).message, pipeline: row.p.id }, "pipeline webhook unreachable");
    }
    await new Promise((r) => setTimeout(r, 1000 * (i + 1)));
  }
}
