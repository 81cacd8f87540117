import { handle, json, noContent } from "../../http/handle";
import { paginatedJson } from "../../http/pagination";
import { createUser, createUsers } from "../../users/create";
import { currentIdentity } from "../../users/current";
import { deleteUser } from "../../users/delete";
import { endUserSessions } from "../../users/end-sessions";
import { getUser } from "../../users/get";
import { listUsers } from "../../users/list";
import { recordActivity } from "../../users/record-activity";
import { updateUser } from "../../users/update";
import { endpoints } from "../endpoints";

export const currentUserHandler = handle(endpoints.currentUser, async ({ ctx }) => json(await currentIdentity({ ctx })));
export const listUsersHandler = handle(endpoints.listUsers, async ({ ctx, query, req }) => paginatedJson(req, query, await listUsers({ ctx, input: query })));
export const createUsersHandler = handle(endpoints.createUsers, async ({ ctx, body }) => json(await createUsers({ ctx, input: body }), 201));
export const getUserHandler = handle(endpoints.getUser, async ({ ctx, params }) => json(await getUser({ ctx, input: params })));
export const createUserHandler = handle(endpoints.createUser, async ({ ctx, params, body }) =>
  json(await createUser({ ctx, input: { ...body, name: params.name } }), 201),
);
export const patchUserHandler = handle(endpoints.patchUser, async ({ ctx, params, body }) =>
  json(await updateUser({ ctx, input: { ...body, name: params.name } })),
);
export const deleteUserHandler = handle(endpoints.deleteUser, async ({ ctx, params, query }) => {
  await deleteUser({ ctx, input: { ...params, home: query.home } });
  return noContent();
});
export const userActivityHandler = handle(endpoints.userActivity, async ({ ctx, params, body }) => {
  await recordActivity({ ctx, input: { ...body, name: params.name } });
  return noContent();
});
export const endSessionsHandler = handle(endpoints.endSessions, async ({ ctx, params }) => json(await endUserSessions({ ctx, input: params })));
