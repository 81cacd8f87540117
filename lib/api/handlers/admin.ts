import { deleteHome, listHomes } from "../../homes/manage";
import { handle, json, noContent } from "../../http/handle";
import { describeIsolation } from "../../servers/isolation";
import { adminEndpoints as e } from "../admin-endpoints";

export const listHomesHandler = handle(e.listHomes, async ({ ctx }) => json(await listHomes({ ctx })));
export const deleteHomeHandler = handle(e.deleteHome, async ({ ctx, params }) => {
  await deleteHome({ ctx, input: params });
  return noContent();
});
export const isolationHandler = handle(e.isolation, async ({ ctx }) => json(await describeIsolation({ ctx })));
