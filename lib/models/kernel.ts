import type { Ctx } from "../auth/principal";
import { currentRunOf } from "../runs/kernel-verbs";
import { registerVersion } from "./registry";

/** kiln.register_model: a model the running cell's run logged, registered in its owner's namespace. */
export async function kernelRegisterModel({ ctx, req, input }: { ctx: Ctx; req: Request; input: { name: string; artifact?: string; description?: string } }) {
  return registerVersion({ ctx, input: { ...input, run_id: await currentRunOf(ctx, req) } });
}
