import { z } from "zod";

export const emailField = z
  .string({ error: "Enter your email address." })
  .trim()
  .toLowerCase()
  .min(1, "Enter your email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email("Enter a valid email address, like you@example.com."));

export const signInSchema = z.object({
  email: emailField,
  password: z.string({ error: "Enter your password." }).min(1, "Enter your password.").max(1024, "That password is too long."),
  callbackUrl: z.string().optional(),
});

export const PASSWORD_MIN_LENGTH = 12;

/** Checked against DATA_DIR/setup-code by the action; here only its presence and size. */
export const setupCodeField = z.string({ error: "Enter the setup code." }).trim().min(1, "Enter the setup code.").max(64, "That is not a setup code.");

const newPasswordField = z
  .string({ error: "Choose a password." })
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(1024, "Use at most 1024 characters.");

export const ownerSchema = z
  .object({
    setupCode: setupCodeField,
    name: z.string({ error: "Enter your name." }).trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
    email: emailField,
    password: newPasswordField,
    confirmPassword: z.string({ error: "Type the password again." }),
  })
  .refine((v) => v.password === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The passwords do not match.",
  });

export const changePasswordSchema = z
  .object({
    currentPassword: z.string({ error: "Enter your current password." }).min(1, "Enter your current password.").max(1024, "That password is too long."),
    newPassword: newPasswordField,
    confirmNewPassword: z.string({ error: "Type the new password again." }),
  })
  .refine((v) => v.newPassword === v.confirmNewPassword, {
    path: ["confirmNewPassword"],
    message: "The new passwords do not match.",
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "Choose a password other than your current one.",
  });

/** Only same-site paths may be used after sign-in (no open redirects). */
export function safeCallbackPath(value: string | undefined): string {
  const fallback = "/buckets";
  // Browsers drop tabs and newlines inside URLs ("/\t/evil.example" is "//evil.example"): refuse them all.
  if (!value?.startsWith("/") || /[\s\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, "http://bucketshare.invalid");
  } catch {
    return fallback;
  }
  if (url.origin !== "http://bucketshare.invalid" || url.pathname.startsWith("//")) return fallback;
  if (url.pathname.startsWith("/sign-in") || url.pathname.startsWith("/setup")) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
