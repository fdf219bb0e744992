/** An entry's httpRequest as the NormalizedEntry's `http`: method, redacted URL, masked route, status, latency. */
import { cutText } from "../redact/bounded-copy";
import type { Redactor } from "../redact/redact";
import type { NormalizedEntry } from "../types";
import type { HttpRequest } from "./entry-schema";
import { maskRoute } from "./route";
import { sanitizeText } from "./sanitize";

const MAX_URL_CHARS = 2000;

export function buildHttp(req: HttpRequest, redact: Redactor): NonNullable<NormalizedEntry["http"]> {
  const rawUrl = req.requestUrl ?? "";
  const status = req.status === undefined ? 0 : Number(req.status);
  const latencyMs = parseLatencyMs(req.latency);
  const http: { -readonly [K in keyof NonNullable<NormalizedEntry["http"]>]: NonNullable<NormalizedEntry["http"]>[K] } = {
    method: sanitizeText(req.requestMethod ?? "-")
      .toUpperCase()
      .slice(0, 20),
    url: cutText(redact(sanitizeText(cutText(rawUrl, 16 * 1024))), MAX_URL_CHARS),
    route: redact(sanitizeText(maskRoute(rawUrl))),
    status: Number.isFinite(status) ? status : 0,
  };
  // Set, not spread in: a spread copies through a generic path for every request entry.
  if (latencyMs !== undefined) http.latencyMs = latencyMs;
  return http;
}

/**
 * The method a request clusters under. HEAD is GET without the body (RFC 9110, 9.3.2):
 * frameworks answer both with one handler, so a HEAD and a GET on one route with one status are
 * one problem.
 */
export function handlerMethod(method: string): string {
  return method === "HEAD" ? "GET" : method;
}

/** The methods that cluster under `handlerMethod(method)`, for a query that finds them all. */
export function methodsOfHandler(method: string): readonly string[] {
  const handler = handlerMethod(method);
  return handler === "GET" ? ["GET", "HEAD"] : [handler];
}

export function parseLatencyMs(latency: HttpRequest["latency"]): number | undefined {
  if (latency === undefined) return undefined;
  if (typeof latency === "string") {
    const seconds = Number(latency.slice(0, -1));
    return Number.isFinite(seconds) ? round3(seconds * 1000) : undefined;
  }
  const seconds = Number(latency.seconds ?? 0);
  const nanos = Number(latency.nanos ?? 0);
  const ms = seconds * 1000 + nanos / 1e6;
  return Number.isFinite(ms) ? round3(ms) : undefined;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
