import { handle, json, noContent } from "../../http/handle";
import { createToken } from "../../tokens/create";
import { getToken, listTokens } from "../../tokens/list";
import { revokeToken } from "../../tokens/revoke";
import { endpoints } from "../endpoints";

export const listTokensHandler = handle(endpoints.listTokens, async ({ ctx, params }) => json(await listTokens({ ctx, input: params })));
export const createTokenHandler = handle(endpoints.createToken, async ({ ctx, params, body }) =>
  json(await createToken({ ctx, input: { ...body, name: params.name } }), 201),
);
export const getTokenHandler = handle(endpoints.getToken, async ({ ctx, params }) =>
  json(await getToken({ ctx, input: { name: params.name, tokenId: params.token_id } })),
);
export const deleteTokenHandler = handle(endpoints.deleteToken, async ({ ctx, params }) => {
  await revokeToken({ ctx, input: { name: params.name, tokenId: params.token_id } });
  return noContent();
});
