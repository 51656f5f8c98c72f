/**
 * A new managed link's password: at least MIN_LINK_PASSWORD_LENGTH characters (shorter ones fall
 * to guessing within the lock-out's allowance). Links made before keep theirs: recipients' answers
 * are never held to this. Pure, so the dialogs check it in the browser with the server's words.
 */
export const MIN_LINK_PASSWORD_LENGTH = 8;

export const LINK_PASSWORD_TOO_SHORT = `Use at least ${MIN_LINK_PASSWORD_LENGTH} characters, or leave it empty for no password.`;

/** Why this password (empty = none) cannot protect a new link, or null. */
export function linkPasswordProblem(password: string): string | null {
  return password !== "" && [...password].length < MIN_LINK_PASSWORD_LENGTH ? LINK_PASSWORD_TOO_SHORT : null;
}

/** Change password on a link that went out: a new password under the same rule (removing it is its own button). */
export const NEW_LINK_PASSWORD_TOO_SHORT = `Use at least ${MIN_LINK_PASSWORD_LENGTH} characters.`;
