// GPU sharing: the inventory and queue an admin watches, quotas, the usage report (lib/gpus).
import { z } from "zod";
import { endpoint } from "./endpoint";
import { errorModel, idParam, userName } from "./schemas";

const err = (description: string) => ({ description, schema: errorModel });
const authErrors = { 401: err("No valid credentials"), 403: err("Not allowed") };

const gpuModel = z.object({
  uuid: z.string(), host: z.string(), index: z.number(), model: z.string(), memory_mb: z.number(), state: z.enum(["available", "lost"]),
  held_by: z.string().nullable(), held_since: z.string().nullable(), utilization: z.number().nullable().describe("Percent, where nvidia-smi reports it"),
});
const queueModel = z.object({
  id: z.number(), position: z.number(), user: z.string(), holder: z.string().nullable(), count: z.number(), priority: z.number(),
  user_holds: z.number().describe("GPUs the user holds now (fewest first)"), since: z.string(),
});
const quotaSubject = z.object({ kind: z.enum(["user", "group"]), name: userName });
const limits = z
  .object({
    max_gpus: z.number().int("must be a whole number").min(0, "must be 0 or more").max(100_000).nullable().describe("GPUs held at once; null: no limit here"),
    max_gpu_hours: z.number().min(0, "must be 0 or more").max(1e9).nullable().describe("GPU-hours per calendar month (UTC); null: no limit here"),
  })
  .strict();
const quotaModel = quotaSubject.extend(limits.shape);
const usageRow = z.object({ gpu_seconds: z.number(), gpu_hours: z.number(), holdings: z.number() });
const usageModel = z.object({
  month: z.string(),
  users: z.array(usageRow.extend({ user: z.string() })),
  groups: z.array(usageRow.extend({ group: z.string() })),
});

export const gpuEndpoints = {
  gpuOverview: endpoint({
    method: "GET", path: "/api/gpus", tag: "gpus", auth: "admin", scopes: ["read:hub"], summary: "The GPU inventory with holders, and the queue in the order it is served",
    responses: { 200: { description: "Inventory and queue", schema: z.object({ gpus: z.array(gpuModel), queue: z.array(queueModel) }) }, ...authErrors },
  }),
  rescanGpus: endpoint({
    method: "POST", path: "/api/gpus/rescan", tag: "gpus", auth: "admin", scopes: ["admin:hub"], summary: "Ask the hosts again (nvidia-smi or the declared inventory): new GPUs join, vanished ones are marked lost",
    responses: { 200: { description: "Reconciled", schema: z.object({ available: z.number(), lost: z.array(z.string()), freed: z.number() }) }, 400: err("The inventory could not be read"), ...authErrors },
  }),
  cancelGpuRequest: endpoint({
    method: "DELETE", path: "/api/gpus/queue/{id}", tag: "gpus", auth: "admin", scopes: ["admin:hub"], summary: "Cancel a waiting request (its start fails with the reason)",
    params: z.object({ id: idParam }),
    responses: { 204: { description: "Cancelled" }, 404: err("No such request"), ...authErrors },
  }),
  moveGpuRequest: endpoint({
    method: "PATCH", path: "/api/gpus/queue/{id}", tag: "gpus", auth: "admin", scopes: ["admin:hub"], summary: "Move a waiting request: lower priority is served first among users holding as many GPUs",
    params: z.object({ id: idParam }),
    body: z.object({ priority: z.number().int().min(-1000).max(1000) }).strict(),
    responses: { 204: { description: "Moved" }, 404: err("No such request"), ...authErrors },
  }),
  listGpuQuotas: endpoint({
    method: "GET", path: "/api/gpu-quotas", tag: "gpus", auth: "admin", scopes: ["read:hub"], summary: "Users' and groups' GPU quotas, and the instance default",
    responses: { 200: { description: "Quotas", schema: z.object({ default: limits, quotas: z.array(quotaModel) }) }, ...authErrors },
  }),
  setGpuQuota: endpoint({
    method: "PUT", path: "/api/gpu-quotas/{kind}/{name}", tag: "gpus", auth: "admin", scopes: ["admin:hub"], summary: "Set a user's or a group's GPU quota (the most generous of a user's own and their groups' applies)",
    params: quotaSubject, body: limits,
    responses: { 200: { description: "Set", schema: quotaModel }, 400: err("A bad limit"), 404: err("No such user or group"), ...authErrors },
  }),
  deleteGpuQuota: endpoint({
    method: "DELETE", path: "/api/gpu-quotas/{kind}/{name}", tag: "gpus", auth: "admin", scopes: ["admin:hub"], summary: "Remove a user's or a group's own quota",
    params: quotaSubject,
    responses: { 204: { description: "Removed" }, 404: err("No such user, group or quota"), ...authErrors },
  }),
  gpuUsage: endpoint({
    method: "GET", path: "/api/gpu-usage", tag: "gpus", auth: "user", scopes: [], summary: "GPU usage per user and per group for a month (UTC), as JSON or CSV; a user sees only their own",
    query: z.object({
      month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "YYYY-MM").optional(),
      user: userName.optional(),
      format: z.enum(["json", "csv"]).default("json"),
    }),
    responses: { 200: { description: "The report", schema: usageModel }, 404: err("Not a user you may see"), ...authErrors },
  }),
  myGpuQuota: endpoint({
    method: "GET", path: "/api/user/gpu-quota", tag: "gpus", auth: "user", scopes: [], summary: "Your GPU quota, where it comes from, and what you use of it",
    responses: {
      200: {
        description: "Quota and use",
        schema: z.object({ max_gpus: z.number().nullable(), max_gpu_hours: z.number().nullable(), source: z.string(), gpus_held: z.number(), gpu_hours_this_month: z.number() }),
      },
      ...authErrors,
    },
  }),
};
