import type { Metadata, Viewport } from "next";
import { pageUser } from "@/lib/auth/page-session";
import { TopBar } from "./_components/top-bar";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Kiln", template: "%s · Kiln" },
  description: "Kiln: a notebook-first ML workspace",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#ffffff" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const user = await pageUser();
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        {user ? <TopBar user={{ name: user.name, displayName: user.displayName, admin: user.admin }} /> : null}
        {children}
      </body>
    </html>
  );
}
