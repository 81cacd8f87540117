import { clientIp, rateLimits } from "../../auth/rate-limit";
import { handle, json } from "../../http/handle";
import { getSettings, updateSettings } from "../../settings";
import { signUp } from "../../users/signup";
import { endpoints } from "../endpoints";

export const signUpHandler = handle(endpoints.signUp, async ({ ctx, req, body }) => {
  rateLimits().perAddress.hit(clientIp(req.headers), "sign-up attempts from this address");
  return json(await signUp({ db: ctx.db, input: body }), 201);
});

export const getSettingsHandler = handle(endpoints.getSettings, async ({ ctx }) => json(await getSettings({ ctx })));
export const patchSettingsHandler = handle(endpoints.patchSettings, async ({ ctx, body }) => json(await updateSettings({ ctx, input: body })));
