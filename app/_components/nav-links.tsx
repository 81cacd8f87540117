"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

function isCurrent(pathname: string, href: string) {
  return pathname === href || pathname.startsWith(`${href}/`);
}

/** A link that carries aria-current="page" while its section is open. */
export function CurrentLink({ href, children, className, title }: { href: string; children: React.ReactNode; className?: string; title?: string }) {
  const pathname = usePathname() ?? "/";
  return (
    <Link href={href} className={className} title={title} aria-current={isCurrent(pathname, href) ? "page" : undefined}>
      {children}
    </Link>
  );
}

/** The primary navigation. */
export function NavLinks({ links }: { links: { href: string; label: string }[] }) {
  return (
    <nav aria-label="Primary" className="nav">
      <ul>
        {links.map((l) => (
          <li key={l.href}>
            <CurrentLink href={l.href}>{l.label}</CurrentLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
