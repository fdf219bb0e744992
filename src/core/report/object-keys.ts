/**
 * Where things live in the object store (a local folder or gs://BUCKET/PREFIX). These keys are
 * a public layout: people and scripts read worklogs by them. Change them only with a migration.
 *
 *   <service>/<YYYY>/<MM>/<DD>/<HH>00Z.md     worklog of the window starting at that hour (UTC)
 *   <service>/<YYYY>/<MM>/<DD>/<HH>00Z.json   its JSON sidecar
 *   <service>/<YYYY>/<MM>/<DD>/index.md       daily roll-up
 *   _state/<service>/miner.json               template-miner state (stable fingerprints)
 *   _state/<service>/history.json             problem history (core/history: what changed)
 *   _locks/<service>/<YYYY-MM-DDTHH>00Z.lock  run lock per service and window
 *
 * For windows that do not start on the hour, the minutes are kept: <HH><MM>Z.md.
 */
import { createHash } from "node:crypto";

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

export function safeServiceName(service: string): string {
  // Cloud Run names are [a-z0-9-] and stay as they are. A name from a log can be anything: it is
  // kept readable but path-safe (no "." or ".." segment, no leading dot), and a short hash of the
  // original keeps two such names ("a b", "a?b") from sharing, and overwriting, one worklog.
  if (/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(service)) return service;
  const readable = service
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .replace(/^\./, "_")
    .slice(0, 60);
  return `${readable}~${createHash("sha256").update(service, "utf8").digest("hex").slice(0, 8)}`;
}

function dayPrefix(service: string, windowStart: number): string {
  const d = new Date(windowStart);
  return `${safeServiceName(service)}/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
}

function hourStem(windowStart: number): string {
  const d = new Date(windowStart);
  return `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`;
}

export function worklogKey(service: string, windowStart: number): string {
  return `${dayPrefix(service, windowStart)}/${hourStem(windowStart)}.md`;
}

export function sidecarKey(service: string, windowStart: number): string {
  return `${dayPrefix(service, windowStart)}/${hourStem(windowStart)}.json`;
}

export function dailyIndexKey(service: string, windowStart: number): string {
  return `${dayPrefix(service, windowStart)}/index.md`;
}

export function minerStateKey(service: string): string {
  return `_state/${safeServiceName(service)}/miner.json`;
}

export function historyKey(service: string): string {
  return `_state/${safeServiceName(service)}/history.json`;
}

/** The folder of one day's worklogs and sidecars, with a trailing slash (for listing). */
export function dayFolder(service: string, dayStart: number): string {
  return `${dayPrefix(service, dayStart)}/`;
}

/** Parses a sidecar key back into service and window start; undefined for other keys. */
export function parseSidecarKey(key: string): { service: string; windowStart: number } | undefined {
  return key.endsWith(".json") ? parseWorklogKey(`${key.slice(0, -5)}.md`) : undefined;
}

export function lockKey(service: string, windowStart: number): string {
  return `_locks/${safeServiceName(service)}/${windowId(windowStart)}.lock`;
}

/** "2025-09-15T0100Z": names a window in comments, locks and markers. */
export function windowId(windowStart: number): string {
  const d = new Date(windowStart);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${hourStem(windowStart)}`;
}

/** Parses a worklog key back into service and window start; undefined for other keys. */
export function parseWorklogKey(key: string): { service: string; windowStart: number } | undefined {
  const m = /^([^/]+)\/(\d{4})\/(\d\d)\/(\d\d)\/(\d\d)(\d\d)Z\.md$/.exec(key);
  if (!m) return undefined;
  const [, service, y, mo, d, h, mi] = m;
  return { service: service!, windowStart: Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)) };
}
