import { endpoints } from "@/lib/api/endpoints";
import { handle, json } from "@/lib/http/handle";
import { getSettings, updateSettings } from "@/lib/settings";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.getSettings, async ({ ctx }) => json(await getSettings({ ctx })));
export const PATCH = handle(endpoints.patchSettings, async ({ ctx, body }) => json(await updateSettings({ ctx, input: body })));
