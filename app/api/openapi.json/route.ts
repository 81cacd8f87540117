import { endpoints } from "@/lib/api/endpoints";
import { openApiDocument } from "@/lib/api/openapi";
import { handle, json } from "@/lib/http/handle";
import { KILN_VERSION } from "@/lib/version";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.openapi, async () => json(openApiDocument(KILN_VERSION)));
