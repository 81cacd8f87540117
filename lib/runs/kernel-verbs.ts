import type { Ctx } from "../auth/principal";
import { ValidationError } from "../errors";
import { putArtifact } from "./artifacts";
import { executionHeader, kernelHeader, runOfExecution } from "./current";
import { logBatch } from "./log-batch";
import type { LogBatch } from "./schemas";

/** The kernel-facing routes need the running cell's id: that is how they find the run. */
export async function currentRunOf(ctx: Ctx, req: Request): Promise<number> {
  const msgId = executionHeader(req);
  if (!msgId) throw new ValidationError("X-Kiln-Execution: required (the msg_id of the running cell's execute_request)", "X-Kiln-Execution");
  return runOfExecution(ctx, msgId, kernelHeader(req));
}

export async function kernelLogBatch({ ctx, req, input }: { ctx: Ctx; req: Request; input: LogBatch }) {
  return logBatch(ctx, await currentRunOf(ctx, req), input);
}

export async function kernelPutArtifact({ ctx, req, input }: { ctx: Ctx; req: Request; input: { path: string; kind: "artifact" | "model"; name?: string; flavor?: string } }) {
  const runId = await currentRunOf(ctx, req);
  const metadata = input.kind === "model" ? { name: input.name ?? input.path.split("/")[0], flavor: input.flavor ?? "onnx" } : {};
  return putArtifact(ctx, { runId, path: input.path, kind: input.kind, metadata, body: req.body });
}
