/**
 * Route masking: turns a request URL into a stable route, so `/users/123/orders?page=2` and
 * `/users/456/orders` land in the same cluster as `/users/{id}/orders`.
 *
 * Scheme, host, query and fragment are dropped. Each path segment is then classified whole:
 *
 * | segment                                   | becomes   | example                         |
 * |-------------------------------------------|-----------|---------------------------------|
 * | UUID (any version, any case)              | `{uuid}`  | `0f8fad5b-d9cb-469f-a165-…`     |
 * | digits only                               | `{id}`    | `123`, `20250915`               |
 * | hex, 8 or more, at least one digit        | `{hex}`   | `542bede9`, a git SHA           |
 * | email address (also `%40`-encoded)        | `{email}` | `ada@example.com`               |
 * | a word holding a number of 5+ digits      | `{id}`    | `INV-2026-165986`, `ord_0012345` |
 * | `prefix_` and 5+ letters and digits       | `{id}`    | `crt_waf0wg8d`, `usr_8f3k2`     |
 * | opaque token (see `isOpaqueToken`)        | `{token}` | `dGhpcyBpcyBhIHRva2Vu`, `AbC9xYz12Qw` |
 * | `name.ext` whose name is one of the above | `{id}.ext` … | `123.json` → `{id}.json`     |
 *
 * Anything else (words, slugs, `v1`, `oauth2`) is kept. The result is at most 200 characters.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGITS = /^\d+$/;
const HEX = /^[0-9a-f]{8,}$/i;
const EMAIL = /^[^@\s/]+@[^@\s/]+\.[a-z]{2,}$/i;
const TOKEN_CHARS = /^[A-Za-z0-9_\-=+.~]+$/;
const LONG_NUMBER = /\d{5}/;
const ID_CHARS = /^[A-Za-z0-9_-]+$/;
const MAX_ROUTE_CHARS = 200;
const MAX_INPUT_CHARS = 4096;

export function maskRoute(urlOrPath: string): string {
  // Only the first 4 KiB: the route is a cluster key, and the per-segment checks must stay cheap.
  let path = urlOrPath.slice(0, MAX_INPUT_CHARS).trim();
  // Drop scheme and authority: "https://api.example.com:8443/x" → "/x".
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(path);
  if (authority) path = path.slice(authority[0].length);
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  if (path === "") return "/";
  if (!path.startsWith("/")) path = `/${path}`;
  const masked = path.split("/").map(maskSegment).join("/");
  return masked.length > MAX_ROUTE_CHARS ? `${masked.slice(0, MAX_ROUTE_CHARS)}…` : masked;
}

function maskSegment(segment: string): string {
  if (segment === "") return segment;
  const decoded = segment.replace(/%40/gi, "@");
  const whole = classify(decoded);
  if (whole) return whole;
  // "123.json", "542bede9.log": mask the name, keep a short alphabetic extension.
  const dot = /^(.+)\.([A-Za-z][A-Za-z0-9]{0,7})$/.exec(decoded);
  if (dot) {
    const name = classify(dot[1] ?? "");
    if (name) return `${name}.${dot[2] ?? ""}`;
  }
  return segment;
}

function classify(segment: string): string | undefined {
  if (UUID.test(segment)) return "{uuid}";
  if (DIGITS.test(segment)) return "{id}";
  if (HEX.test(segment) && /\d/.test(segment)) return "{hex}";
  if (segment.includes("@") && EMAIL.test(segment)) return "{email}";
  // "INV-2026-165986", "ord_0012345", "blue-shoes-1234567": a number of five or more digits
  // names one thing; a year or a version ("2025", "v2") is shorter.
  if (LONG_NUMBER.test(segment) && ID_CHARS.test(segment)) return "{id}";
  // "crt_waf0wg8d", "usr_8f3k2", "cus_NffrFeUfNV2Hib": a short prefix and a tail of letters
  // and digits, the way Stripe-style ids are written.
  if (isPrefixedId(segment)) return "{id}";
  if (isOpaqueToken(segment)) return "{token}";
  return undefined;
}

/**
 * An opaque id or token: only URL-safe token characters, at least one digit and one letter,
 * and either 20+ characters, or 10+ characters mixing upper and lower case with 2+ digits
 * (base64-ish ids such as `AbC9xYz12Qw`). Slugs (`my-long-article-title`, `best-laptops-2025`:
 * lowercase parts that are all letters or all digits) stay as they are; `v2`, `oauth2` are too short.
 */
export function isOpaqueToken(segment: string): boolean {
  if (segment.length < 10 || !TOKEN_CHARS.test(segment)) return false;
  if (isSlug(segment)) return false;
  const digits = segment.replace(/\D/g, "").length;
  if (digits === 0 || !/[A-Za-z]/.test(segment)) return false;
  if (segment.length >= 20) return true;
  return /[a-z]/.test(segment) && /[A-Z]/.test(segment) && digits >= 2;
}

function isPrefixedId(segment: string): boolean {
  const m = /^[A-Za-z]{2,12}_([A-Za-z0-9]{5,})$/.exec(segment);
  if (!m) return false;
  const tail = m[1]!;
  return /\d/.test(tail) ? /[A-Za-z]/.test(tail) : /[a-z]/.test(tail) && /[A-Z]/.test(tail) && tail.length >= 10;
}

function isSlug(segment: string): boolean {
  const parts = segment.split(/[-_.]/);
  return parts.length >= 2 && parts.every((p) => /^[a-z]+$/.test(p) || /^\d+$/.test(p));
}
