import { normaliseUsername } from './access.model.ts';
import { sha256Hex } from './secrets.ts';

/** The sign_in_throttle key for whatever was typed as a username: the same for every spelling of one name. */
export function usernameKey(typed: string): string {
  return sha256Hex(`sign-in name:${normaliseUsername(typed)}`);
}
