import { endpoints } from "@/lib/api/endpoints";
import { handle, json, noContent } from "@/lib/http/handle";
import { createUser } from "@/lib/users/create";
import { deleteUser } from "@/lib/users/delete";
import { getUser } from "@/lib/users/get";
import { updateUser } from "@/lib/users/update";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.getUser, async ({ ctx, params }) => json(await getUser({ ctx, input: params })));
export const POST = handle(endpoints.createUser, async ({ ctx, params, body }) =>
  json(await createUser({ ctx, input: { ...body, name: params.name } }), 201),
);
export const PATCH = handle(endpoints.patchUser, async ({ ctx, params, body }) =>
  json(await updateUser({ ctx, input: { ...body, name: params.name } })),
);
export const DELETE = handle(endpoints.deleteUser, async ({ ctx, params }) => {
  await deleteUser({ ctx, input: params });
  return noContent();
});
