// What an admin needs to keep users apart: the isolation this instance has, deleted users' homes.
import { z } from "zod";
import { endpoint } from "./endpoint";
import { errorModel, idParam } from "./schemas";

const err = (description: string) => ({ description, schema: errorModel });
const authErrors = { 401: err("No valid credentials"), 403: err("Not allowed") };

export const homeModel = z.object({
  id: z.number(), user: z.string(), user_id: z.number(), spawner: z.string(), location: z.string().describe("Docker volume or directory"),
  mode: z.enum(["delete", "archive"]), deleted_at: z.string(), purge_after: z.string().nullable().describe("When it is deleted; null: archived"),
});

export const isolationModel = z.object({
  spawner: z.enum(["docker", "local", "swarm"]),
  level: z.enum(["containers", "processes"]).describe("containers: a container per server (swarm: a service's task, a container on one of the nodes); processes: local servers, processes on Kiln's host"),
  network: z.string().describe("The network user servers get: 'none' (a namespace of their own, loopback only), a Docker network, or 'host' (a local server when Kiln is not root)"),
  runs_as: z.string().describe("Who user code runs as"),
  local_trusted: z.boolean().describe("KILN_LOCAL_TRUSTED: the operator states that users of local servers trust each other"),
  disk_limit: z.string().nullable().describe("Each container's writable-layer limit, when set and enforced"),
  pids_limit: z.number().nullable().describe("Processes per server; null: not limited"),
  notes: z.array(z.string()),
});

export const adminEndpoints = {
  listHomes: endpoint({
    method: "GET", path: "/api/homes", tag: "admin", auth: "admin", scopes: ["admin:users"], summary: "Deleted users' homes still kept (deleted after the grace period, or archived)",
    responses: { 200: { description: "Kept homes", schema: z.object({ homes: z.array(homeModel) }) }, ...authErrors },
  }),
  deleteHome: endpoint({
    method: "DELETE", path: "/api/homes/{id}", tag: "admin", auth: "admin", scopes: ["admin:users"], summary: "Delete a kept home now",
    params: z.object({ id: idParam }),
    responses: { 204: { description: "Deleted" }, 404: err("No such kept home"), ...authErrors },
  }),
  isolation: endpoint({
    method: "GET", path: "/api/isolation", tag: "admin", auth: "admin", scopes: ["read:hub"], summary: "How this instance keeps users apart (what the Admin page shows)",
    responses: { 200: { description: "Isolation", schema: isolationModel }, ...authErrors },
  }),
};
