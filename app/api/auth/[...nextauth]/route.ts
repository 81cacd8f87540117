import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/next-auth";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ nextauth: string[] }> };

// next-auth reads the secret and providers at request time (see lib/auth/next-auth.ts).
const handler = (req: Request, ctx: Ctx) => NextAuth(authOptions(req))(req, ctx);

export { handler as GET, handler as POST };
