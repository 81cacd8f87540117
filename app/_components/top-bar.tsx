import Link from "next/link";
import { CurrentLink, NavLinks } from "./nav-links";
import { sectionsFor } from "./sections";
import { SignOutButton } from "./sign-out-button";

export function TopBar({ user }: { user: { name: string; displayName: string | null; admin: boolean } }) {
  const links = sectionsFor(user.admin).map(({ href, label }) => ({ href, label }));
  return (
    <header className="topbar">
      <div className="topbar-inner">
        <Link href="/" className="wordmark">
          <span className="wordmark-mark" aria-hidden="true" />
          Kiln
        </Link>
        <NavLinks links={links} />
        <div className="topbar-user">
          <CurrentLink href="/account" className="account-link" title={user.displayName ? `${user.displayName} — your account` : "Your account"}>
            <span className="avatar" aria-hidden="true">
              {(user.displayName || user.name).charAt(0).toUpperCase()}
            </span>
            <span className="account-name">{user.name}</span>
          </CurrentLink>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
