import { endpoints } from "@/lib/api/endpoints";
import { handle, json } from "@/lib/http/handle";
import { currentIdentity } from "@/lib/users/current";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.currentUser, async ({ ctx }) => json(await currentIdentity({ ctx })));
