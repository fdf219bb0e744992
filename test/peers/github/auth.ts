// GitHub App authentication as GitHub checks it: an RS256 JWT signed with the app's private key
// for /app endpoints, and installation tokens (issued in exchange for that JWT) everywhere else.
import crypto from "node:crypto";
import type { GitHubStandInState, InstallationToken } from "./state";

/** GitHub refuses JWTs valid for longer than 10 minutes. */
export const MAX_JWT_LIFETIME_SECONDS = 600;
/** Clock drift GitHub tolerates (it recommends backdating `iat` by 60 s). */
export const CLOCK_DRIFT_SECONDS = 60;
/** Installation tokens expire after an hour. */
export const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

export type JwtCheck = { ok: true } | { ok: false; message: string };

const UNDECODABLE = "A JSON web token could not be decoded";

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Checks an App JWT the way GitHub does; `nowSeconds` is the current Unix time. Pure. */
export function checkAppJwt(jwt: string, publicKey: crypto.KeyObject, appId: number, nowSeconds: number): JwtCheck {
  const parts = jwt.split(".");
  if (parts.length !== 3) return { ok: false, message: UNDECODABLE };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodePart(headerPart);
  const claims = decodePart(payloadPart);
  if (!header || !claims || header.alg !== "RS256") return { ok: false, message: UNDECODABLE };
  const signed = crypto.verify(
    "RSA-SHA256",
    Buffer.from(`${headerPart}.${payloadPart}`),
    publicKey,
    Buffer.from(signaturePart, "base64url"),
  );
  if (!signed) return { ok: false, message: UNDECODABLE };
  if (String(claims.iss) !== String(appId)) return { ok: false, message: UNDECODABLE };
  const { iat, exp } = claims;
  if (typeof iat !== "number" || iat > nowSeconds + CLOCK_DRIFT_SECONDS) {
    return { ok: false, message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" };
  }
  if (typeof exp !== "number" || exp <= nowSeconds) {
    return {
      ok: false,
      message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    };
  }
  if (exp - iat > MAX_JWT_LIFETIME_SECONDS + CLOCK_DRIFT_SECONDS || exp - nowSeconds > MAX_JWT_LIFETIME_SECONDS + CLOCK_DRIFT_SECONDS) {
    return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future" };
  }
  return { ok: true };
}

export function issueInstallationToken(state: GitHubStandInState, now: Date): InstallationToken {
  const token = {
    token: `ghs_${crypto.randomBytes(27).toString("base64url").slice(0, 36)}`,
    expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS),
  };
  state.tokens.push(token);
  return token;
}

/** `Authorization: token X` or `Bearer X` → X. */
export function credentialOf(authorization: string | undefined): string | undefined {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization?.trim() ?? "");
  return match?.[1];
}

export function looksLikeJwt(credential: string): boolean {
  return credential.split(".").length === 3;
}
