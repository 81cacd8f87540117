import { clientIp, rateLimits } from "../../auth/rate-limit";
import { handle, json, noContent, publicOrigin } from "../../http/handle";
import { createInvite, listInvites, revokeInvite } from "../../invites";
import { getSettings } from "../../settings";
import { updateSettings } from "../../settings/update";
import { signUp } from "../../users/signup";
import { endpoints } from "../endpoints";

export const signUpHandler = handle(endpoints.signUp, async ({ ctx, req, body }) => {
  await rateLimits().perAddress.hit(ctx.db, clientIp(req.headers), "sign-up attempts from this address");
  return json(await signUp({ db: ctx.db, input: body }), 201);
});

export const getSettingsHandler = handle(endpoints.getSettings, async ({ ctx }) => json(await getSettings({ ctx })));
export const patchSettingsHandler = handle(endpoints.patchSettings, async ({ ctx, body }) => json(await updateSettings({ ctx, input: body })));

export const listInvitesHandler = handle(endpoints.listInvites, async ({ ctx }) => json(await listInvites({ ctx })));
export const createInviteHandler = handle(endpoints.createInvite, async ({ ctx, req, body }) =>
  json(await createInvite({ ctx, input: { ...body, baseUrl: publicOrigin(req) } }), 201),
);
export const revokeInviteHandler = handle(endpoints.revokeInvite, async ({ ctx, params }) => {
  await revokeInvite({ ctx, input: params });
  return noContent();
});
