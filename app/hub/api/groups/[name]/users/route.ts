import { endpoints } from "@/lib/api/endpoints";
import { addGroupUsers, removeGroupUsers } from "@/lib/groups/manage";
import { handle, json } from "@/lib/http/handle";

export const dynamic = "force-dynamic";

export const POST = handle(endpoints.addGroupUsers, async ({ ctx, params, body }) =>
  json(await addGroupUsers({ ctx, input: { name: params.name, users: body.users } })),
);
export const DELETE = handle(endpoints.removeGroupUsers, async ({ ctx, params, body }) =>
  json(await removeGroupUsers({ ctx, input: { name: params.name, users: body.users } })),
);
