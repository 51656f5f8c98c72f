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
            <Link
              href={item.href}
              aria-current={current ? "page" : undefined}
              className={`whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium max-sm:px-2.5 ${
                current
                  ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-white"
                  : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-white"
              }`}
            >
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
