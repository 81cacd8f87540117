import { endpoints } from "@/lib/api/endpoints";
import { handle, json, noContent } from "@/lib/http/handle";
import { getToken } from "@/lib/tokens/list";
import { revokeToken } from "@/lib/tokens/revoke";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.getToken, async ({ ctx, params }) =>
  json(await getToken({ ctx, input: { name: params.name, tokenId: params.token_id } })),
);
export const DELETE = handle(endpoints.deleteToken, async ({ ctx, params }) => {
  await revokeToken({ ctx, input: { name: params.name, tokenId: params.token_id } });
  return noContent();
});
