import { endpoints } from "@/lib/api/endpoints";
import { clientIp, rateLimits } from "@/lib/auth/rate-limit";
import { handle, json } from "@/lib/http/handle";
import { signUp } from "@/lib/users/signup";

export const dynamic = "force-dynamic";

export const POST = handle(endpoints.signUp, async ({ ctx, req, body }) => {
  rateLimits().perAddress.hit(clientIp(req.headers), "sign-up attempts from this address");
  return json(await signUp({ db: ctx.db, input: body }), 201);
});
