import { endpoints } from "@/lib/api/endpoints";
import { handle, json } from "@/lib/http/handle";
import { createToken } from "@/lib/tokens/create";
import { listTokens } from "@/lib/tokens/list";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.listTokens, async ({ ctx, params }) => json(await listTokens({ ctx, input: params })));
export const POST = handle(endpoints.createToken, async ({ ctx, params, body }) =>
  json(await createToken({ ctx, input: { ...body, name: params.name } }), 201),
);
