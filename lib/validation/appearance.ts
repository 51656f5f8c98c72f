import { z } from "zod";
import { accentColourProblem, normaliseHexColour } from "@/lib/appearance/colour";

/**
 * Settings → Appearance's form. The name is trimmed (1–60 characters, one line); the accent is #rgb or #rrggbb
 * (normalised to lowercase #rrggbb) that white text can be read on; the logo is an optional file (an empty file
 * input is no file), decoded and checked by the server (lib/appearance/logo.ts). Pure.
 */

export const MAX_BRAND_NAME_LENGTH = 60;

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const brandName = z
  .string({ error: "Enter the name recipients should see." })
  .transform((text) => text.trim())
  .pipe(
    z
      .string()
      .min(1, "Enter the name recipients should see, such as your company’s.")
      .max(MAX_BRAND_NAME_LENGTH, `Use at most ${MAX_BRAND_NAME_LENGTH} characters.`)
      .refine((text) => !CONTROL.test(text), "Use one line of text, without control characters."),
  );

const accent = z
  .string({ error: "Enter a colour such as #0369a1." })
  .superRefine((text, ctx) => {
    const problem = accentColourProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((text) => normaliseHexColour(text)!);

/** A file input left empty arrives as a nameless, empty file: no new logo. */
const logoFile = z
  .unknown()
  .transform((value) => (value instanceof Blob && value.size > 0 ? value : undefined))
  .optional();

export const saveAppearanceSchema = z.object({
  name: brandName,
  accent,
  logo: logoFile,
  removeLogo: z
    .enum(["on"])
    .optional()
    .transform((value) => value === "on"),
});

export type SaveAppearanceInput = z.infer<typeof saveAppearanceSchema>;
