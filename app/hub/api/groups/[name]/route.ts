import { endpoints } from "@/lib/api/endpoints";
import { createGroup, deleteGroup, getGroup } from "@/lib/groups/manage";
import { handle, json, noContent } from "@/lib/http/handle";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.getGroup, async ({ ctx, params }) => json(await getGroup({ ctx, input: params })));
export const POST = handle(endpoints.createGroup, async ({ ctx, params, body }) =>
  json(await createGroup({ ctx, input: { name: params.name, users: body.users } }), 201),
);
export const DELETE = handle(endpoints.deleteGroup, async ({ ctx, params }) => {
  await deleteGroup({ ctx, input: params });
  return noContent();
});
