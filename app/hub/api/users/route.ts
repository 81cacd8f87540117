import { endpoints } from "@/lib/api/endpoints";
import { handle, json } from "@/lib/http/handle";
import { createUsers } from "@/lib/users/create";
import { listUsers } from "@/lib/users/list";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.listUsers, async ({ ctx, query }) => json(await listUsers({ ctx, input: query })));
export const POST = handle(endpoints.createUsers, async ({ ctx, body }) => json(await createUsers({ ctx, input: body }), 201));
