import { addGroupUsers, createGroup, deleteGroup, getGroup, listGroups, removeGroupUsers } from "../../groups/manage";
import { handle, json, noContent } from "../../http/handle";
import { endpoints } from "../endpoints";

export const listGroupsHandler = handle(endpoints.listGroups, async ({ ctx }) => json(await listGroups({ ctx })));
export const getGroupHandler = handle(endpoints.getGroup, async ({ ctx, params }) => json(await getGroup({ ctx, input: params })));
export const createGroupHandler = handle(endpoints.createGroup, async ({ ctx, params, body }) =>
  json(await createGroup({ ctx, input: { name: params.name, users: body.users } }), 201),
);
export const deleteGroupHandler = handle(endpoints.deleteGroup, async ({ ctx, params }) => {
  await deleteGroup({ ctx, input: params });
  return noContent();
});
export const addGroupUsersHandler = handle(endpoints.addGroupUsers, async ({ ctx, params, body }) =>
  json(await addGroupUsers({ ctx, input: { name: params.name, users: body.users } })),
);
export const removeGroupUsersHandler = handle(endpoints.removeGroupUsers, async ({ ctx, params, body }) =>
  json(await removeGroupUsers({ ctx, input: { name: params.name, users: body.users } })),
);
