import type { ReactNode } from "react";
import { inputClass } from "@/components/ui/field";

/** One select of a filter form (the history's, the audit log's): its small label above it. */
export function FilterSelect({
  id,
  label,
  name,
  defaultValue,
  children,
}: {
  id: string;
  label: string;
  name: string;
  defaultValue: string;
  children: ReactNode;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs font-medium">
        {label}
      </label>
      <select id={id} name={name} defaultValue={defaultValue} className={inputClass}>
        {children}
      </select>
    </div>
  );
}
