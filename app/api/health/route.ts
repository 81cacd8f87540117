import { endpoints } from "@/lib/api/endpoints";
import { health } from "@/lib/system/health";
import { handle, json } from "@/lib/http/handle";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.health, async () => {
  const h = await health();
  return json(h, h.status === "ok" ? 200 : 503);
});
