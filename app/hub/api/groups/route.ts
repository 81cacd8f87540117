import { endpoints } from "@/lib/api/endpoints";
import { listGroups } from "@/lib/groups/manage";
import { handle, json } from "@/lib/http/handle";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.listGroups, async ({ ctx }) => json(await listGroups({ ctx })));
