"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const items = [
  { href: "/buckets", label: "Buckets" },
  { href: "/links", label: "Links" },
  { href: "/settings", label: "Settings" },
  { href: "/api-reference", label: "API reference" },
];

const auditItem = { href: "/audit", label: "Audit log" };

/** `audit`: whether the person may see the Audit log (lib/auth/permissions.ts decides, in the layout). */
export function NavLinks({ audit = false }: { audit?: boolean }) {
  const pathname = usePathname();
  const shown = audit ? [...items.slice(0, 3), auditItem, ...items.slice(3)] : items;
  return (
    <ul className="flex flex-wrap items-center gap-1">
      {shown.map((item) => {
        const current = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <li key={item.href}>
            <Link href={item.href} aria-current={current ? "page" : undefined} className="nav-link">
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
