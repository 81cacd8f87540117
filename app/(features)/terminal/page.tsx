import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/page-session";
import { TerminalView } from "../../_components/terminal/terminal-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Terminal" };

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function TerminalPage({ searchParams }: { searchParams: Search }) {
  const user = await requirePageUser("/terminal");
  const { term } = await searchParams;
  return (
    <main id="main" className="terminal-page">
      {/* ?term= names a terminal to reconnect to; without it a new one is opened. */}
      <TerminalView user={user.name} term={typeof term === "string" && term ? term : null}>
        <h1>Terminal</h1>
      </TerminalView>
    </main>
  );
}
