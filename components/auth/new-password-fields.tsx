import { Field } from "@/components/ui/field";
import { PASSWORD_MIN_LENGTH } from "@/lib/validation/auth";

/** "Password" and "Confirm password" for a new account (setup, an accepted invite). */
export function NewPasswordFields({ errors }: { errors: Record<string, string[] | undefined> }) {
  return (
    <>
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN_LENGTH}
        hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
        errors={errors.password}
      />
      <Field label="Confirm password" name="confirmPassword" type="password" autoComplete="new-password" required errors={errors.confirmPassword} />
    </>
  );
}
