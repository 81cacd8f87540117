import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "./_components/auth-card";

export const metadata: Metadata = { title: "Not found" };

export default function NotFound() {
  return (
    <AuthCard className="center">
      <p className="eyebrow">404</p>
      <h1>Page not found</h1>
      <p className="muted">There is nothing at this address. It may have moved, or it has not been built yet.</p>
      <p>
        <Link href="/" className="btn btn-primary">
          Go to home
        </Link>
      </p>
    </AuthCard>
  );
}
