"use client";

import { useId } from "react";
import type { Grant } from "@/lib/auth/permissions";
import { Field, SelectField } from "@/components/ui/field";
import { grantFieldName, LINK_TYPE_CHOICES, LONGEST_EXPIRY_CHOICES } from "@/lib/validation/members";

export type ConnectionOption = { id: string; name: string };

/**
 * A Member's grants, one group per connection of the team: "Can browse", "Can share", "Bucket", "Folder",
 * "Link types" and "Longest expiry". No right ticked: the connection does not exist for them.
 */
export function GrantFields({
  connections,
  grants = [],
  errors,
}: {
  connections: ConnectionOption[];
  grants?: readonly Grant[];
  errors: Record<string, string[] | undefined>;
}) {
  const ids = useId();
  if (connections.length === 0) {
    return <p className="text-sm text-muted">The team has no storage connections yet: add one in Settings → Connections, then give the member access.</p>;
  }
  return (
    <div className="space-y-3">
      <p id={`${ids}-about`} className="text-sm text-muted">
        What the member may do on each connection. Without “Can browse”, “Can share”, “Can upload” or “Can request uploads”, the connection does not exist for
        them.
      </p>
      {connections.map((connection) => {
        const grant = grants.find((g) => g.connectionId === connection.id);
        const name = (field: string) => grantFieldName(field, connection.id);
        return (
          <fieldset key={connection.id} className="space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
            <legend className="px-1 text-sm font-semibold">{connection.name}</legend>
            <input type="hidden" name="grants" value={connection.id} />
            <div className="flex flex-wrap gap-4">
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" name={name("canBrowse")} defaultChecked={grant?.canBrowse ?? false} />
                Can browse
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" name={name("canShare")} defaultChecked={grant?.canShare ?? false} />
                Can share
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" name={name("canUpload")} defaultChecked={grant?.canUpload ?? false} />
                Can upload
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" name={name("canRequest")} defaultChecked={grant?.canRequest ?? false} />
                Can request uploads
              </label>
            </div>
            <div className="grid gap-3 sm:grid-cols-2">
              <Field
                label="Bucket"
                name={name("bucket")}
                autoComplete="off"
                spellCheck={false}
                defaultValue={grant?.bucket ?? ""}
                hint="Only this bucket (the others are invisible to them); empty for every bucket."
                errors={errors[name("bucket")]}
              />
              <Field
                label="Folder"
                name={name("folder")}
                autoComplete="off"
                spellCheck={false}
                defaultValue={grant?.folder ?? ""}
                hint="A key prefix like press/ (everything outside it is invisible to them); empty for the whole bucket."
                errors={errors[name("folder")]}
              />
            </div>
            <div className="grid gap-3 sm:grid-cols-2">
              <SelectField
                label="Link types"
                name={name("linkTypes")}
                defaultValue={grant?.linkTypes ?? "managed"}
                hint="A direct link is a presigned storage URL: it shows the storage address and the key's id, and cannot be revoked."
                errors={errors[name("linkTypes")]}
              >
                {LINK_TYPE_CHOICES.map((choice) => (
                  <option key={choice.value} value={choice.value}>
                    {choice.label}
                  </option>
                ))}
              </SelectField>
              <SelectField
                label="Longest expiry"
                name={name("longestExpiry")}
                defaultValue={grant?.longestExpirySeconds ? String(grant.longestExpirySeconds) : ""}
                errors={errors[name("longestExpiry")]}
              >
                {LONGEST_EXPIRY_CHOICES.map((choice) => (
                  <option key={choice.value} value={choice.value}>
                    {choice.label}
                  </option>
                ))}
              </SelectField>
            </div>
          </fieldset>
        );
      })}
    </div>
  );
}
