import Link from "next/link";
import { requirePageUser } from "@/lib/auth/page-session";
import { sectionsFor } from "./_components/sections";

export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function HomePage({ searchParams }: { searchParams: Search }) {
  const user = await requirePageUser("/");
  const { error } = await searchParams;
  return (
    <main id="main" className="page">
      {error === "admin-only" ? (
        <div role="alert" className="alert alert-warning">
          That page is for admins only. Ask an admin if you need access.
        </div>
      ) : null}
      <div className="page-header">
        <h1>Welcome, {user.displayName || user.name}</h1>
        <p className="lede">Your notebook-first ML workspace. Pick up where you left off.</p>
      </div>
      <ul className="card-grid">
        {sectionsFor(user.admin).map((s) => (
          <li key={s.href}>
            <Link href={s.href} className="card card-link">
              <h2>{s.label}</h2>
              <p>{s.summary}</p>
            </Link>
          </li>
        ))}
      </ul>
    </main>
  );
}
