import { createHash } from "node:crypto";

/**
 * Fingerprint scheme version. A fingerprint is a contract: issue markers and the miner state
 * carry it, so changing how it is computed breaks matching of existing issues. Bump the
 * version (and keep the similarity re-match in issue-marker.ts) if it must change.
 */
export const FINGERPRINT_VERSION = "lg1";

/** "lg1-" + 16 hex digits of SHA-256 over the parts, joined with a separator no part contains. */
export function buildFingerprint(parts: readonly string[]): string {
  const h = createHash("sha256");
  for (const p of parts) {
    h.update(p.replaceAll("\u0000", ""));
    h.update("\u0000");
  }
  return `${FINGERPRINT_VERSION}-${h.digest("hex").slice(0, 16)}`;
}
