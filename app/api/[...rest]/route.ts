import { allMethods } from "@/lib/http/not-found";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE } = allMethods;
