import type { Metadata } from "next";
import Link from "next/link";
import { requirePageUser } from "@/lib/auth/page-session";
import { section } from "./sections";

export function comingSoonMetadata(href: string): Metadata {
  return { title: section(href).label };
}

/** The honest empty state of a section that has not shipped yet. */
export async function ComingSoon({ href }: { href: string }) {
  await requirePageUser(href);
  const s = section(href);
  return (
    <main id="main" className="page">
      <div className="page-header">
        <h1>{s.label}</h1>
        <p className="lede">{s.summary}</p>
      </div>
      <div className="card empty-state">
        <h2>{s.soon ?? `${s.label} arrives in a coming release`}</h2>
        <p>There is nothing here yet: this section is part of Kiln&rsquo;s roadmap and ships in a later version.</p>
        <p>
          <Link href="/" className="btn btn-secondary">
            Back to home
          </Link>
        </p>
      </div>
    </main>
  );
}
