/**
 * Credential redaction for any text that may reach the user (error messages, causes, stacks):
 * bearer and basic credentials, token/password/secret assignments, user:password@ in URLs.
 */

/** Removes anything that looks like a credential from a message. */
export function redact(text: string): string {
  return text
    .replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 <redacted>')
    .replace(/((?:token|password|secret|authorization)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1<redacted>')
    .replace(/(https?:\/\/)[^/@\s]+@/gi, '$1<redacted>@');
}
