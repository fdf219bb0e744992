/**
 * The fifth held-out Cloud Run day, 2026-11-26: a live-event ticketing company (gigloop) on four
 * Cloud Run services written with the most common logging setups of their stacks, and its
 * ground truth. Written without reading the clustering code or the other held-out days' problems,
 * so that it measures how clustering changes generalize.
 *
 * - box-office: Django 5 on Python 3.12, logging through google-cloud-logging's
 *   StructuredLogHandler (JSON on stderr: `message`, `logging.googleapis.com/labels` with
 *   `python_logger`, `logging.googleapis.com/sourceLocation`, `httpRequest` and the trace inside a
 *   request, all promoted by Cloud Run's agent to the LogEntry; `json_fields` stay in the payload).
 * - checkout-api: Express on Node 22 with pino (`messageKey: "message"`, a level formatter that
 *   writes `severity`), pino-http for requests, child loggers with a `module` for some code paths.
 * - seat-keeper: Go 1.23 with log/slog's JSONHandler and a ReplaceAttr that renames level to
 *   `severity` (WARN to WARNING), msg to `message` and source to
 *   `logging.googleapis.com/sourceLocation` (promoted to the LogEntry).
 * - payout-ledger: Spring Boot 3.3 with logstash-logback-encoder (`@timestamp`, `message`,
 *   `logger_name`, `thread_name`, `level_value`, `stack_trace`, MDC keys; the level field renamed
 *   to `severity`).
 * - Cloud Run's own request logs (run.googleapis.com/requests) for the failing requests of the
 *   HTTP paths, and its own text for requests it aborts itself.
 *
 * One problem is one root cause an on-call engineer would fix once; a root cause that logs in two
 * shapes (the app's line and the request log of the same request) is one problem. Every entry's
 * insertId starts with `hv<NN>-`, the problem's number: the scorer's marker (insertId is only a
 * de-duplication key, so it cannot steer clustering). Same seed, same bytes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hex, int, pick, rng, type Rng } from "../seeded-random";

export { rng };

export const DAY = "2026-11-26";
export const DAY_START = Date.parse(`${DAY}T00:00:00.000Z`);
const PROJECT = "gigloop-prod";
const LOCATION = "us-central1";
const HOUR = 3_600_000;

// ---------------------------------------------------------------- small value makers

const uuid = (r: Rng): string => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${pick(r, ["8", "9", "a", "b"])}${hex(r, 3)}-${hex(r, 12)}`;
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const alnum = (r: Rng, n: number): string => Array.from({ length: n }, () => ALNUM[Math.floor(r() * ALNUM.length)]).join("");
const B36 = "0123456789abcdefghijklmnopqrstuvwxyz";
const base36 = (r: Rng, n: number): string => Array.from({ length: n }, () => B36[Math.floor(r() * 36)]).join("");
const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const upper = (r: Rng, n: number): string => Array.from({ length: n }, () => UPPER[Math.floor(r() * UPPER.length)]).join("");
/** The first values of a pool carry most of the traffic. */
const skewed = <T>(r: Rng, pool: readonly T[]): T => pool[Math.floor(pool.length * r() ** 2.2)]!;
/** A pool that grows through the day: `first` values open at hour 0, `perHour` more each hour after. */
const growing = <T>(r: Rng, pool: readonly T[], hour: number, first: number, perHour: number): T =>
  pool[Math.floor(r() * Math.min(pool.length, first + perHour * hour))]!;
const orderId = (r: Rng): string => `ORD-2026-${String(int(r, 1, 999_999)).padStart(6, "0")}`;
const clientIp = (r: Rng): string =>
  `${pick(r, ["73.162", "98.207", "24.14", "108.28", "174.63", "67.180", "71.212", "99.33"])}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
const seconds = (r: Rng, lo: number, hi: number): string => `${(lo + r() * (hi - lo)).toFixed(6)}s`;
const iso = (t: number): string => new Date(t).toISOString();
const money = (cents: number): string =>
  `${String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+$)/g, ",")}.${String(cents % 100).padStart(2, "0")}`;

const FIRST = [
  "maria",
  "james",
  "aisha",
  "diego",
  "chloe",
  "kwame",
  "priya",
  "liam",
  "sofia",
  "ethan",
  "hana",
  "marcus",
  "olivia",
  "mateo",
  "grace",
  "tyler",
  "nadia",
  "owen",
  "leila",
  "caleb",
] as const;
const LAST = [
  "lopez",
  "carter",
  "okafor",
  "nguyen",
  "bennett",
  "osei",
  "patel",
  "murphy",
  "rossi",
  "walker",
  "kimura",
  "hughes",
  "silva",
  "reyes",
  "foster",
  "brooks",
  "haddad",
  "jensen",
  "moreau",
  "price",
] as const;
const MAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "comcast.net"] as const;
const email = (r: Rng): string => `${pick(r, FIRST)}.${pick(r, LAST)}@${skewed(r, MAIL_DOMAINS)}`;
/** Account user names: first_last, 400 of them. */
const USERNAMES = FIRST.flatMap((f) => LAST.map((l) => `${f}_${l}`));

/** Organizer (tenant) slugs, kebab-case, 60 of them. */
const ORG_WORDS = [
  "riverside",
  "bluebird",
  "northgate",
  "hollow-pine",
  "copperline",
  "velvet-room",
  "harborlight",
  "lantern",
  "wildflower",
  "granite-hall",
  "moonrise",
  "saltwater",
  "redbrick",
  "foxglove",
  "driftwood",
  "ironworks",
  "starling",
  "cedar-lane",
  "amberlight",
  "tallgrass",
] as const;
const ORG_SUFFIXES = ["live", "presents", "events"] as const;
const ORGANIZERS = ORG_SUFFIXES.flatMap((s, k) => ORG_WORDS.map((_w, i) => `${ORG_WORDS[(i + 7 * k) % ORG_WORDS.length]!}-${s}`));
/** Organizers whose payouts go to the EU statements bucket. */
const EU_ORGANIZERS = [
  "foxglove-presents",
  "saltwater-live",
  "lantern-events",
  "starling-presents",
  "ironworks-live",
  "moonrise-events",
] as const;
/** Organizers whose Stripe connected accounts were closed. */
const CLOSED_ACCOUNT_ORGANIZERS = ["tallgrass-live", "copperline-events", "redbrick-presents"] as const;

/** Event slugs: act and city, 96 of them. */
const ACTS = [
  "neon-tides",
  "the-lumen-choir",
  "velvet-static",
  "mariachi-sol",
  "june-harlow",
  "brass-menagerie",
  "the-quiet-orbit",
  "coastline-jazz",
  "salt-and-ember",
  "paper-lanterns",
  "wolf-and-willow",
  "midnight-parade",
] as const;
const CITIES = ["denver", "austin", "chicago", "portland", "atlanta", "nashville", "oakland", "boston"] as const;
const EVENTS = ACTS.flatMap((a) => CITIES.map((c) => `${a}-${c}`));
/** Events whose organizer left a showtime "to be announced" (no start time). */
const TBA_EVENTS = [
  "velvet-static-austin",
  "neon-tides-oakland",
  "june-harlow-boston",
  "mariachi-sol-chicago",
  "the-quiet-orbit-denver",
  "coastline-jazz-nashville",
  "paper-lanterns-portland",
  "salt-and-ember-atlanta",
  "midnight-parade-austin",
] as const;
const SEARCH_TERMS = [
  "jazz",
  "comedy",
  "harlow",
  "mariachi",
  "choir",
  "tribute",
  "festival",
  "orchestra",
  "tides",
  "brass",
  "parade",
  "lanterns",
  "standup",
  "acoustic",
  "symphony",
  "ember",
  "orbit",
  "willow",
] as const;
const SECTIONS = ["floor", "pit", "mezzanine", "balcony-left", "balcony-right", "upper-tier", "box-seats", "lawn"] as const;
const DESKTOP_UA = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
] as const;
const browser = (r: Rng): string => skewed(r, DESKTOP_UA);
/** box-office calls seat-keeper with requests, checkout-api with Node's fetch. */
const seatCaller = (r: Rng): string => (r() < 0.6 ? "node" : "python-requests/2.32.3");
const APP_UA = ["gigloop-ios/5.14.2 (iPhone; iOS 18.1)", "gigloop-android/5.14.1 (Android 14)", "node-fetch/1.0 (+box-office)"] as const;

// ---------------------------------------------------------------- rates

type Rate = (hour: number) => number;
/** 0 at 09 UTC (the small hours in the US), 1 at 21 UTC (evening on the East Coast, afternoon in the West). */
const usShape = (h: number): number => (1 - Math.cos(((h - 9) / 24) * 2 * Math.PI)) / 2;
const diurnal =
  (peak: number, night: number): Rate =>
  (h) =>
    night + (peak - night) * usShape(h);
const steady =
  (n: number): Rate =>
  () =>
    n;
const atHours =
  (byHour: Readonly<Record<number, number>>): Rate =>
  (h) =>
    byHour[h] ?? 0;
const sum =
  (...rates: readonly Rate[]): Rate =>
  (h) =>
    rates.reduce((s, rate) => s + rate(h), 0);
const fromHour =
  (first: number, rate: Rate): Rate =>
  (h) =>
    h >= first ? rate(h) : 0;
const untilHour =
  (end: number, rate: Rate): Rate =>
  (h) =>
    h < end ? rate(h) : 0;

// ---------------------------------------------------------------- services and entries

interface Revision {
  readonly from: number;
  readonly name: string;
  readonly instances: readonly string[];
}
interface Service {
  readonly name: string;
  readonly revisions: readonly Revision[];
}
function service(name: string, revs: readonly (readonly [number, string])[], r: Rng): Service {
  return {
    name,
    revisions: revs.map(([first, suffix]) => ({
      from: first,
      name: `${name}-${suffix}`,
      instances: Array.from({ length: int(r, 2, 6) }, () => `00${hex(r, 94)}`),
    })),
  };
}

/** What a problem's maker returns: the parts of the LogEntry that differ by stack. */
interface Body {
  readonly severity: "WARNING" | "ERROR" | "CRITICAL";
  readonly log?: "stdout" | "stderr" | "requests";
  readonly jsonPayload?: Record<string, unknown>;
  readonly textPayload?: string;
  readonly httpRequest?: Record<string, unknown>;
  /** LogEntry.sourceLocation, as Cloud Run's agent promotes it from `logging.googleapis.com/sourceLocation`. */
  readonly sourceLocation?: { readonly file: string; readonly line: string; readonly function: string };
  /** Labels the app's structured line adds beside Cloud Run's instanceId. */
  readonly labels?: Record<string, string>;
  /** The app propagates the request's trace into its own line. */
  readonly traced?: boolean;
}

interface Ctx {
  readonly r: Rng;
  readonly hour: number;
  readonly time: number;
}

export interface Problem {
  readonly id: string;
  readonly service: string;
  /** What it is, and what it tests. */
  readonly about: string;
  readonly rate: Rate;
  readonly make: (c: Ctx) => Body;
}

/** A Cloud Run request log: httpRequest and no payload, or Cloud Run's own text for requests it answers itself. */
function request(
  c: Ctx,
  o: {
    status: number;
    method: string;
    url: string;
    userAgent: string;
    latency: readonly [number, number];
    responseSize?: number;
    text?: string;
    severity?: "WARNING" | "ERROR";
  },
): Body {
  const { r } = c;
  return {
    severity: o.severity ?? (o.status >= 500 ? "ERROR" : "WARNING"),
    log: "requests",
    ...(o.text !== undefined ? { textPayload: o.text } : {}),
    httpRequest: {
      latency: seconds(r, o.latency[0], o.latency[1]),
      protocol: "HTTP/1.1",
      remoteIp: clientIp(r),
      requestMethod: o.method,
      requestSize: String(int(r, 300, 2400)),
      requestUrl: o.url,
      responseSize: String(o.responseSize ?? int(r, 120, 900)),
      status: o.status,
      userAgent: o.userAgent,
    },
  };
}

// ---------------------------------------------------------------- box-office: Django + google-cloud-logging

const BOX_HOST = "https://tickets.gigloop.com";
const BOX_RUN_HOST = "https://box-office-q4mzt2x7ka-uc.a.run.app";
const SITE = "/usr/local/lib/python3.12/site-packages";
type PyFrame = readonly [file: string, line: number, fn: string, code: string];
const pyFrames = (frames: readonly PyFrame[]): string =>
  frames.map(([f, l, fn, code]) => `  File "${f}", line ${l}, in ${fn}\n    ${code}`).join("\n");
const pyTraceback = (frames: readonly PyFrame[], last: string): string =>
  `Traceback (most recent call last):\n${pyFrames(frames)}\n${last}`;
const DJANGO_INNER: PyFrame = [`${SITE}/django/core/handlers/exception.py`, 55, "inner", "response = get_response(request)"];
const DJANGO_VIEW: PyFrame = [
  `${SITE}/django/core/handlers/base.py`,
  197,
  "_get_response",
  "response = wrapped_callback(request, *callback_args, **callback_kwargs)",
];
/** django.utils.log.log_response: where django.request and django.security.csrf write their lines. */
const LOG_RESPONSE = { file: `${SITE}/django/utils/log.py`, line: "241", function: "log_response" } as const;

/** One StructuredLogHandler line, as the LogEntry Cloud Logging stores from it. */
function django(
  c: Ctx,
  o: {
    severity: "WARNING" | "ERROR" | "CRITICAL";
    logger: string;
    message: string;
    source: { readonly file: string; readonly line: string; readonly function: string };
    request?: { method: string; url: string; userAgent: string };
    fields?: Record<string, unknown>;
  },
): Body {
  return {
    severity: o.severity,
    log: "stderr",
    jsonPayload: { ...o.fields, message: o.message },
    sourceLocation: o.source,
    labels: { python_logger: o.logger },
    ...(o.request
      ? {
          traced: true,
          httpRequest: { protocol: "HTTP/1.1", requestMethod: o.request.method, requestUrl: o.request.url, userAgent: o.request.userAgent },
        }
      : {}),
  };
}

const ALLOWED_HOST_MISSES = ["www.gigloop.com", "gigloop.com", "tix.gigloop.com", "tickets.gigloop.co"] as const;
const EMBED_PARTNERS = [
  "bluebird-presents",
  "riverside-live",
  "the-parlor-room",
  "eastside-bowl",
  "civic-opera",
  "lakeview-arts",
  "granite-hall-live",
  "old-mill-theatre",
  "sunset-amphitheater",
  "harbor-jazz-club",
  "northgate-events",
  "the-foundry",
  "wildflower-festival",
  "cedar-lane-live",
] as const;
const SEARCH_INDICES = ["events_us", "events_ca", "venues", "performers"] as const;
const transferId = (r: Rng): string => `TRF-${upper(r, 6)}`;
const ticketId = (r: Rng): string => `tkt_${base36(r, 10)}`;

/** P05 and P06: one logger, the same json_fields, messages one verb apart. */
function transfer(c: Ctx, verb: "rejected" | "expired"): Body {
  const { r } = c;
  const id = transferId(r);
  const event = skewed(r, EVENTS);
  return django(c, {
    severity: "WARNING",
    logger: "transfers.services",
    message: `Ticket transfer ${id} ${verb}`,
    source:
      verb === "rejected"
        ? { file: "/app/transfers/services.py", line: "64", function: "decline" }
        : { file: "/app/transfers/services.py", line: "131", function: "expire" },
    request:
      verb === "rejected"
        ? { method: "POST", url: `${BOX_HOST}/account/tickets/${ticketId(r)}/transfer/`, userAgent: browser(r) }
        : { method: "POST", url: `${BOX_RUN_HOST}/tasks/expire-transfers/`, userAgent: "Google-Cloud-Scheduler" },
    fields: { transfer_id: id, event, recipient: pick(r, USERNAMES) },
  });
}

const boxOffice: Omit<Problem, "service">[] = [
  {
    id: "P01",
    about:
      "Seat picker 500s: sorting showtimes by start time raises TypeError for events with a to-be-announced showtime (9 event slugs); Django's Internal Server Error line with the traceback, and Cloud Run's 500 request log of the same requests. Tests one cause in two shapes and slugs in the path.",
    rate: diurnal(34, 2),
    make: (c) => {
      const { r } = c;
      const slug = skewed(r, TBA_EVENTS);
      const url = `${BOX_HOST}/e/${slug}/seats/`;
      const ua = browser(r);
      if (r() < 0.5) return request(c, { status: 500, method: "GET", url, userAgent: ua, latency: [0.08, 0.6], responseSize: 145 });
      return django(c, {
        severity: "ERROR",
        logger: "django.request",
        message: `Internal Server Error: /e/${slug}/seats/\n${pyTraceback(
          [
            DJANGO_INNER,
            DJANGO_VIEW,
            ["/app/events/views.py", 112, "seat_picker", "showtimes = sorted(event.showtimes.all(), key=lambda s: s.starts_at)"],
          ],
          "TypeError: '<' not supported between instances of 'NoneType' and 'datetime.datetime'",
        )}`,
        source: LOG_RESPONSE,
        request: { method: "GET", url, userAgent: ua },
      });
    },
  },
  {
    id: "P02",
    about:
      "ALLOWED_HOSTS lacks the new marketing hostnames: Django's DisallowedHost security error with its traceback (4 hostnames without digits, skewed), and the 400 request logs. Tests quoted hostnames and one cause in two shapes.",
    rate: diurnal(16, 1),
    make: (c) => {
      const { r } = c;
      const host = skewed(r, ALLOWED_HOST_MISSES);
      const method = pick(r, ["GET", "GET", "GET", "HEAD", "POST"]);
      const pathPart = pick(r, ["/", "/", `/e/${skewed(r, EVENTS)}/`, "/search/", "/account/login/"]);
      if (r() < 0.5)
        return request(c, {
          status: 400,
          method,
          url: `https://${host}${pathPart}`,
          userAgent: browser(r),
          latency: [0.002, 0.02],
          responseSize: 143,
        });
      const text = `Invalid HTTP_HOST header: '${host}'. You may need to add '${host}' to ALLOWED_HOSTS.`;
      // The library's request details need the host too, so this line carries no httpRequest.
      return django(c, {
        severity: "ERROR",
        logger: "django.security.DisallowedHost",
        message: `${text}\n${pyTraceback(
          [
            DJANGO_INNER,
            [`${SITE}/django/utils/deprecation.py`, 128, "__call__", "response = self.process_request(request)"],
            [`${SITE}/django/middleware/common.py`, 48, "process_request", "host = request.get_host()"],
            [`${SITE}/django/http/request.py`, 151, "get_host", "raise DisallowedHost(msg)"],
          ],
          `django.core.exceptions.DisallowedHost: ${text}`,
        )}`,
        source: { file: `${SITE}/django/core/handlers/exception.py`, line: "129", function: "response_for_exception" },
      });
    },
  },
  {
    id: "P03",
    about:
      "The email provider rate-limits ticket emails during the 17:00 on-sale: a Cloud Tasks handler logs each failed send with order id, customer email and attempt count; a burst and a trickle. Tests emails, ORD- ids and attempt numbers as variables.",
    rate: sum(atHours({ 17: 240, 18: 85, 19: 12 }), diurnal(2, 0.3)),
    make: (c) => {
      const { r } = c;
      return django(c, {
        severity: "ERROR",
        logger: "orders.emails",
        message: `Ticket email for order ${orderId(r)} to ${email(r)} failed (attempt ${int(r, 1, 5)}/5): HTTP Error 429: Too Many Requests`,
        source: { file: "/app/orders/emails.py", line: "88", function: "send_ticket_email" },
        request: { method: "POST", url: `${BOX_RUN_HOST}/tasks/send-tickets/`, userAgent: "Google-Cloud-Tasks" },
      });
    },
  },
  {
    id: "P04",
    about:
      "The hosted search cluster is unreachable until it is fixed at 10:00: searches fall back to the database, warning with the quoted index name (4) and urllib3's connection repr (a hex address). Tests a problem that stops, and search terms in the URL.",
    rate: untilHour(10, steady(14)),
    make: (c) => {
      const { r } = c;
      const index = skewed(r, SEARCH_INDICES);
      return django(c, {
        severity: "WARNING",
        logger: "search.backends",
        message: `Search unavailable for index "${index}", serving database results: ConnectionTimeout caused by - ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f${hex(r, 10)}>, 'Connection to gigloop-search.es.us-central1.gcp.cloud.es.io timed out. (connect timeout=2)')`,
        source: { file: "/app/search/backends.py", line: "57", function: "search" },
        request: { method: "GET", url: `${BOX_HOST}/search/?q=${pick(r, SEARCH_TERMS)}`, userAgent: browser(r) },
      });
    },
  },
  {
    id: "P05",
    about:
      "Ticket transfers rejected by an over-eager fraud rule: 'Ticket transfer TRF-… rejected', with transfer id, event and recipient user name as json_fields. Near miss of P06 (one verb apart, same logger and fields).",
    rate: diurnal(9, 0.5),
    make: (c) => transfer(c, "rejected"),
  },
  {
    id: "P06",
    about:
      "Ticket transfers expire unaccepted because the recipient's invitation email is never sent: 'Ticket transfer TRF-… expired' from the scheduler's sweep. Near miss of P05 (one verb apart).",
    rate: diurnal(5, 0.4),
    make: (c) => transfer(c, "expired"),
  },
  {
    id: "P07",
    about:
      "The embeddable checkout widget posts without the CSRF cookie in third-party iframes: Django's 'Forbidden (CSRF cookie not set.)' for /embed/<partner>/checkout/ and the 403 request logs; partner slugs grow through the day (14). Tests a growing word pool in the path.",
    rate: diurnal(40, 2),
    make: (c) => {
      const { r, hour } = c;
      const partner = growing(r, EMBED_PARTNERS, hour, 3, 0.6);
      const pathPart = `/embed/${partner}/checkout/`;
      const ua = browser(r);
      if (r() < 0.5)
        return request(c, {
          status: 403,
          method: "POST",
          url: `${BOX_HOST}${pathPart}`,
          userAgent: ua,
          latency: [0.004, 0.04],
          responseSize: 2870,
        });
      return django(c, {
        severity: "WARNING",
        logger: "django.security.csrf",
        message: `Forbidden (CSRF cookie not set.): ${pathPart}`,
        source: LOG_RESPONSE,
        request: { method: "POST", url: `${BOX_HOST}${pathPart}`, userAgent: ua },
      });
    },
  },
  {
    id: "P08",
    about:
      "Memorystore maintenance at 07:00 drops the cache: django-redis logs 'Exception ignored' with a chained traceback (redis ConnectionError, then ConnectionInterrupted); sparse, a few hours. Tests a short lead message with a long chained Python traceback.",
    rate: atHours({ 7: 24, 8: 4, 15: 1, 19: 2 }),
    make: (c) => {
      const { r } = c;
      const cause = "Error 110 connecting to 10.52.0.4:6379. Connection timed out.";
      const slug = skewed(r, EVENTS);
      return django(c, {
        severity: "ERROR",
        logger: "django_redis.cache",
        message: `Exception ignored\n${pyTraceback(
          [
            [`${SITE}/django_redis/client/default.py`, 256, "get", "value = client.get(key)"],
            [`${SITE}/redis/commands/core.py`, 1829, "get", 'return self.execute_command("GET", name, keys=[name])'],
            [`${SITE}/redis/connection.py`, 363, "connect", "raise ConnectionError(self._error_message(e))"],
          ],
          `redis.exceptions.ConnectionError: ${cause}`,
        )}\n\nThe above exception was the direct cause of the following exception:\n\n${pyTraceback(
          [
            [`${SITE}/django_redis/cache.py`, 29, "_decorator", "return method(self, *args, **kwargs)"],
            [`${SITE}/django_redis/client/default.py`, 258, "get", "raise ConnectionInterrupted(connection=client) from e"],
          ],
          `django_redis.exceptions.ConnectionInterrupted: Redis ConnectionError: ${cause}`,
        )}`,
        source: { file: `${SITE}/django_redis/cache.py`, line: "36", function: "_decorator" },
        request: { method: "GET", url: `${BOX_HOST}/e/${slug}/`, userAgent: browser(r) },
      });
    },
  },
];

// ---------------------------------------------------------------- checkout-api: Express + pino

const CHECKOUT_HOST = "https://api.gigloop.com";
const PINO_SEVERITY = { warn: "WARNING", error: "ERROR", fatal: "CRITICAL" } as const;
/** One pino line: level formatter → severity, messageKey "message", default time, pid and hostname. */
function pino(c: Ctx, level: keyof typeof PINO_SEVERITY, message: string, fields: Record<string, unknown>, module?: string): Body {
  return {
    severity: PINO_SEVERITY[level],
    log: "stdout",
    jsonPayload: { time: c.time, pid: 1, hostname: "localhost", ...(module ? { module } : {}), ...fields, message },
  };
}
const nodeStack = (head: string, frames: readonly string[]): string => `${head}\n${frames.map((f) => `    at ${f}`).join("\n")}`;
const cartId = (r: Rng): string => `crt_${base36(r, 8)}`;
const paymentIntent = (r: Rng): string => `pi_3Q${alnum(r, 22)}`;
/** pino-http's line for a failed request. */
function pinoHttp(c: Ctx, method: string, url: string, status: number, userAgent: string, err: Record<string, unknown>): Body {
  const { r } = c;
  return pino(c, "error", "request errored", {
    req: {
      id: int(r, 1, 90_000),
      method,
      url,
      query: {},
      params: {},
      headers: {
        host: "api.gigloop.com",
        "user-agent": userAgent,
        "x-forwarded-for": clientIp(r),
        "x-cloud-trace-context": `${hex(r, 32)}/${int(r, 1, 9_999_999_999)};o=${int(r, 0, 1)}`,
        "content-type": "application/json",
      },
      remoteAddress: `169.254.169.${int(r, 2, 126)}`,
      remotePort: int(r, 30_000, 60_999),
    },
    res: { statusCode: status, headers: { "content-type": "application/json; charset=utf-8", "x-powered-by": "Express" } },
    err,
    responseTime: int(r, 3, 900),
  });
}
const FLAGS = ["new-checkout-flow", "apple-pay-express", "dynamic-service-fees", "guest-checkout-redesign"] as const;
const PUBSUB_TOPICS = ["order-confirmed", "order-refunded", "ticket-issued"] as const;
const STRIPE_METHODS = ["paymentIntents.create", "paymentIntents.confirm", "paymentIntents.capture"] as const;

/** P11 and P12: the same long sentence but for the payment intent's state. */
const refundHeld = (r: Rng, state: "pending" | "disputed"): string =>
  `Refund for order ${orderId(r)} was not sent to the card network because the payment intent ${paymentIntent(r)} is ${state} in Stripe; the refund stays queued for organizer ${skewed(r, ORGANIZERS)} and will be retried by the nightly reconciliation job`;

const checkout: Omit<Problem, "service">[] = [
  {
    id: "P09",
    about:
      "Deploy 00231 at 14:00 breaks promo codes: reading amountMinor of an undefined discount throws a TypeError, logged by pino-http as 'request errored' with the Node stack, and the 500 request logs; only the new revision. Tests a problem that starts with a deploy and crt_ ids in the path.",
    rate: fromHour(14, diurnal(40, 3)),
    make: (c) => {
      const { r } = c;
      const cart = cartId(r);
      const ua = pick(r, [...APP_UA.slice(0, 2), ...DESKTOP_UA]);
      if (r() < 0.5)
        return request(c, {
          status: 500,
          method: "POST",
          url: `${CHECKOUT_HOST}/v1/carts/${cart}/promo`,
          userAgent: ua,
          latency: [0.01, 0.2],
          responseSize: 52,
        });
      return pinoHttp(c, "POST", `/v1/carts/${cart}/promo`, 500, ua, {
        type: "TypeError",
        message: "Cannot read properties of undefined (reading 'amountMinor')",
        stack: nodeStack("TypeError: Cannot read properties of undefined (reading 'amountMinor')", [
          "applyPromo (/app/src/pricing/promo.js:87:41)",
          "async CartService.addPromo (/app/src/carts/service.js:142:20)",
          "async /app/src/carts/routes.js:58:18",
        ]),
      });
    },
  },
  {
    id: "P10",
    about:
      "Stripe connectivity incident 15:00-16:00: the payments module logs 'stripe request failed' with the Stripe method (3), order id, attempt count and StripeConnectionError's stack. Tests a burst.",
    rate: atHours({ 15: 150, 16: 55, 17: 3 }),
    make: (c) => {
      const { r } = c;
      return pino(
        c,
        "error",
        "stripe request failed",
        {
          orderId: orderId(r),
          stripeMethod: skewed(r, STRIPE_METHODS),
          idempotencyKey: uuid(r),
          attempt: 3,
          err: {
            type: "StripeConnectionError",
            message: "An error occurred with our connection to Stripe. Request was retried 2 times.",
            stack: nodeStack("Error: An error occurred with our connection to Stripe. Request was retried 2 times.", [
              "ClientRequest.<anonymous> (/app/node_modules/stripe/cjs/RequestSender.js:226:41)",
              "ClientRequest.emit (node:events:518:28)",
              "TLSSocket.socketErrorListener (node:_http_client:500:9)",
              "process.processTicksAndRejections (node:internal/process/task_queues:82:21)",
            ]),
          },
        },
        "payments",
      );
    },
  },
  {
    id: "P11",
    about:
      "Refunds requested minutes after capture hit payment intents still pending: a 40-word warning with order id, pi_ id and organizer slug. Near miss of P12: the same sentence but 'pending' for 'disputed'.",
    rate: diurnal(11, 1),
    make: (c) => pino(c, "warn", refundHeld(c.r, "pending"), {}, "refunds"),
  },
  {
    id: "P12",
    about:
      "Refunds requested on charges under dispute are queued instead of routed to the disputes flow: the P11 sentence with 'disputed' for 'pending'; sparse (a handful over the day).",
    rate: atHours({ 3: 1, 9: 1, 13: 2, 16: 1, 19: 3, 22: 1 }),
    make: (c) => pino(c, "warn", refundHeld(c.r, "disputed"), {}, "refunds"),
  },
  {
    id: "P13",
    about:
      "Stripe webhooks fail signature verification because the JSON body parser now runs before the webhook route: 'stripe webhook rejected' with StripeSignatureVerificationError, and the 400 request logs from Stripe's user agent; steady, day and night.",
    rate: steady(48),
    make: (c) => {
      const { r } = c;
      if (r() < 0.5)
        return request(c, {
          status: 400,
          method: "POST",
          url: `${CHECKOUT_HOST}/webhooks/stripe`,
          userAgent: "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          latency: [0.003, 0.03],
          responseSize: 64,
        });
      return pino(
        c,
        "warn",
        "stripe webhook rejected",
        {
          contentLength: int(r, 1400, 9800),
          err: {
            type: "StripeSignatureVerificationError",
            message:
              "No signatures found matching the expected signature for payload. Are you passing the raw request body you received from Stripe? \n Learn more about webhook signing and explore webhook integration examples for various frameworks at https://docs.stripe.com/webhooks/signature",
            stack: nodeStack("Error: No signatures found matching the expected signature for payload.", [
              "validateComputedSignature (/app/node_modules/stripe/cjs/Webhooks.js:149:19)",
              "Object.verifyHeader (/app/node_modules/stripe/cjs/Webhooks.js:85:20)",
              "Object.constructEvent (/app/node_modules/stripe/cjs/Webhooks.js:10:32)",
              "/app/src/webhooks/stripe.js:23:36",
            ]),
          },
        },
        "webhooks",
      );
    },
  },
  {
    id: "P14",
    about:
      "Pub/Sub publishes time out 20:00-21:00 (publisher flow control left at defaults under load): 'failed to publish order event' with the topic (3), order id and google-gax's timeout error; logged by the root logger, no module label. Tests a burst without a module field.",
    rate: sum(atHours({ 20: 95, 21: 40 }), steady(0.3)),
    make: (c) => {
      const { r } = c;
      const message = "Total timeout of API google.pubsub.v1.Publisher exceeded 60000 milliseconds before any response was received.";
      return pino(c, "error", "failed to publish order event", {
        topic: `projects/${PROJECT}/topics/${skewed(r, PUBSUB_TOPICS)}`,
        orderId: orderId(r),
        err: {
          type: "GoogleError",
          message,
          code: 4,
          stack: nodeStack(`Error: ${message}`, [
            "repeat (/app/node_modules/google-gax/build/src/normalCalls/retries.js:66:31)",
            "Timeout._onTimeout (/app/node_modules/google-gax/build/src/normalCalls/retries.js:101:25)",
            "listOnTimeout (node:internal/timers:594:17)",
            "process.processTimers (node:internal/timers:529:7)",
          ]),
        },
      });
    },
  },
  {
    id: "P15",
    about:
      "Flags deleted in LaunchDarkly are still evaluated: the SDK, wired to the root pino logger (no module), warns 'Unknown feature flag \"…\"; returning default value' for 4 kebab-case flags; diurnal, many. Tests a quoted word-valued variable from a small pool.",
    rate: diurnal(62, 4),
    make: (c) => pino(c, "warn", `Unknown feature flag "${skewed(c.r, FLAGS)}"; returning default value`, {}),
  },
  {
    id: "P16",
    about:
      "The tax vendor answers 503 for fee quotes 19:00-21:00 and checkout returns 502: the tax module's 'tax quote failed' with AxiosError, pino-http's 'request errored' for the 502, and the 502 request logs, all for /v1/orders/ORD-…/fees. Tests one cause in three shapes.",
    rate: atHours({ 19: 30, 20: 48, 21: 20 }),
    make: (c) => {
      const { r } = c;
      const order = orderId(r);
      const url = `/v1/orders/${order}/fees`;
      const ua = pick(r, [...APP_UA.slice(0, 2), ...DESKTOP_UA]);
      const pickShape = r();
      if (pickShape < 1 / 3)
        return request(c, { status: 502, method: "GET", url: `${CHECKOUT_HOST}${url}`, userAgent: ua, latency: [2, 6], responseSize: 61 });
      if (pickShape < 2 / 3)
        return pinoHttp(c, "GET", url, 502, ua, {
          type: "Error",
          message: "failed with status code 502",
          stack:
            "Error: failed with status code 502\n    at onResFinished (/app/node_modules/pino-http/logger.js:115:39)\n    at ServerResponse.onResponseComplete (/app/node_modules/pino-http/logger.js:178:14)\n    at ServerResponse.emit (node:events:530:35)\n    at onFinish (node:_http_outgoing:1005:10)",
        });
      return pino(
        c,
        "error",
        "tax quote failed",
        {
          orderId: order,
          err: {
            type: "AxiosError",
            message: "Request failed with status code 503",
            code: "ERR_BAD_RESPONSE",
            stack: nodeStack("AxiosError: Request failed with status code 503", [
              "settle (/app/node_modules/axios/dist/node/axios.cjs:2031:12)",
              "IncomingMessage.handleStreamEnd (/app/node_modules/axios/dist/node/axios.cjs:3148:11)",
              "IncomingMessage.emit (node:events:530:35)",
              "Axios.request (/app/node_modules/axios/dist/node/axios.cjs:4258:41)",
              "async quoteFees (/app/src/tax/client.js:41:22)",
            ]),
          },
        },
        "tax",
      );
    },
  },
];

// ---------------------------------------------------------------- seat-keeper: Go + log/slog

const SEAT_HOST = "https://seat-keeper-q4mzt2x7ka-uc.a.run.app";
const GO_MODULE = "github.com/gigloop/seat-keeper";
/** One slog JSONHandler line: severity and message renamed, source promoted, the rest of the attributes kept. */
function slog(
  c: Ctx,
  level: "WARN" | "ERROR",
  message: string,
  source: readonly [file: string, line: number, fn: string],
  attrs: Record<string, unknown>,
): Body {
  return {
    severity: level === "WARN" ? "WARNING" : "ERROR",
    log: "stdout",
    jsonPayload: { message, ...attrs },
    sourceLocation: { file: `/src/${source[0]}`, line: String(source[1]), function: `${GO_MODULE}/${source[2]}` },
  };
}
/** Events on sale today (the seat-keeper knows them by UUID). */
const EVENT_IDS = Array.from({ length: 60 }, (_, i) => {
  const r = rng(9000 + i);
  return uuid(r);
});
const CLOSED_SECTION_EVENTS = EVENT_IDS.slice(40, 43);
const SHARDS = ["us-east1", "us-west1", "northamerica-northeast1"] as const;
const HOLD_STATES = ["held", "released", "sold"] as const;
const HOLD_QUERIES = ["ListExpiredHolds", "CountActiveHolds", "GetHoldsBySession"] as const;
const seatLabel = (r: Rng): string => `${pick(r, "ABCDEFGHJKLMNP".split(""))}${int(r, 1, 30)}`;
const session = (r: Rng): string => `ses_${base36(r, 12)}`;
const goDuration = (r: Rng, loS: number, hiS: number): string => {
  const s = loS + r() * (hiS - loS);
  return s >= 60 ? `${Math.floor(s / 60)}m${(s % 60).toFixed(1)}s` : `${s.toFixed(3)}s`;
};

/** P18 and P19 both come from one call: `s.log.WarnContext(ctx, err.Error(), "event_id", …)` in createHold. */
function holdRejected(c: Ctx, reason: "seat already held by another session" | "section closed for sale"): Body {
  const { r } = c;
  const event = reason === "section closed for sale" ? pick(r, CLOSED_SECTION_EVENTS) : skewed(r, EVENT_IDS);
  const section = reason === "section closed for sale" ? pick(r, ["balcony-left", "box-seats"]) : skewed(r, SECTIONS);
  const status = reason === "section closed for sale" ? 422 : 409;
  if (r() < 0.45)
    return request(c, {
      status,
      method: "POST",
      url: `${SEAT_HOST}/v1/events/${event}/holds`,
      userAgent: seatCaller(r),
      latency: [0.004, 0.08],
      responseSize: 96,
    });
  return slog(c, "WARN", reason, ["internal/api/holds.go", 142, "internal/api.(*Server).createHold"], {
    event_id: event,
    section,
    seat: seatLabel(r),
    session: session(r),
    status,
  });
}

const seatKeeper: Omit<Problem, "service">[] = [
  {
    id: "P17",
    about:
      "The hold sweeper cannot get a database connection during the on-sale surge: 'sweep failed' with a Go error chain ending in Postgres's 'remaining connection slots are reserved' (SQLSTATE 53300), the shard region (3) and the attempt; a burst at 17-18 and a trickle.",
    rate: sum(atHours({ 17: 62, 18: 26 }), steady(0.4)),
    make: (c) => {
      const { r } = c;
      return slog(c, "ERROR", "sweep failed", ["internal/holds/sweeper.go", 88, "internal/holds.(*Sweeper).run"], {
        shard: skewed(r, SHARDS),
        attempt: int(r, 1, 3),
        err: "release expired holds: begin tx: failed to connect to `user=seatkeeper database=seats`: 10.61.0.3:5432 (10.61.0.3): server error: FATAL: remaining connection slots are reserved for roles with the SUPERUSER attribute (SQLSTATE 53300)",
      });
    },
  },
  {
    id: "P18",
    about:
      "Double-submitted hold requests from the storefront collide with themselves: 'seat already held by another session' from createHold, with event UUID, section (8 kebab words), seat and session, and the 409 request logs; diurnal plus the 17:00 on-sale surge. Near miss of P19: same call site, another message.",
    rate: sum(diurnal(70, 4), atHours({ 17: 380, 18: 90 })),
    make: (c) => holdRejected(c, "seat already held by another session"),
  },
  {
    id: "P19",
    about:
      "The storefront keeps selling sections an organizer closed (stale section cache): 'section closed for sale' from the same createHold call as P18, 3 events and 2 sections, and the 422 request logs.",
    rate: diurnal(14, 1),
    make: (c) => holdRejected(c, "section closed for sale"),
  },
  {
    id: "P20",
    about:
      "The seat map renderer indexes past the last row label for in-the-round layouts: the recovery middleware's 'panic recovered' with the runtime error, method (GET/HEAD) and path, and a goroutine stack, plus the 500 request logs. Tests a Go panic stack and UUIDs in the path.",
    rate: diurnal(18, 1),
    make: (c) => {
      const { r } = c;
      const event = skewed(r, EVENT_IDS.slice(0, 24));
      const method = r() < 0.85 ? "GET" : "HEAD";
      const pathPart = `/v1/events/${event}/seatmap`;
      if (r() < 0.5)
        return request(c, {
          status: 500,
          method,
          url: `${SEAT_HOST}${pathPart}?layout=in-the-round`,
          userAgent: seatCaller(r),
          latency: [0.01, 0.3],
          responseSize: 22,
        });
      const rows = int(r, 4, 26);
      const goroutine = int(r, 1000, 99_999);
      return slog(c, "ERROR", "panic recovered", ["internal/api/middleware.go", 44, "internal/api.recoverer.func1.1"], {
        method,
        path: pathPart,
        panic: `runtime error: index out of range [${rows}] with length ${rows}`,
        stack: `goroutine ${goroutine} [running]:\nruntime/debug.Stack()\n\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e\n${GO_MODULE}/internal/api.recoverer.func1.1()\n\t/src/internal/api/middleware.go:43 +0x8c\npanic({0x9a3f20?, 0xc000${hex(r, 6)}?})\n\t/usr/local/go/src/runtime/panic.go:785 +0x132\n${GO_MODULE}/internal/seatmap.(*Renderer).rowLabels(0xc000${hex(r, 6)}, {0xc000${hex(r, 6)}, 0x${rows.toString(16)}, 0x${rows.toString(16)}})\n\t/src/internal/seatmap/render.go:118 +0x2e5\n${GO_MODULE}/internal/seatmap.(*Renderer).Render(0xc000${hex(r, 6)}, {0xb41c08, 0xc000${hex(r, 6)}})\n\t/src/internal/seatmap/render.go:61 +0x1b4\n${GO_MODULE}/internal/api.(*Server).seatMap(0xc0001d6000, {0xb3f7a0, 0xc000${hex(r, 6)}}, 0xc000${hex(r, 6)})\n\t/src/internal/api/seatmap.go:37 +0x21d\nnet/http.HandlerFunc.ServeHTTP(...)\n\t/usr/local/go/src/net/http/server.go:2220`,
      });
    },
  },
  {
    id: "P21",
    about:
      "Inventory updates arrive out of order (the subscription has no ordering keys): 'dropping stale inventory update' with event UUID, section, hold state (3), versions and lag as a Go duration; steady all day.",
    rate: steady(30),
    make: (c) => {
      const { r } = c;
      const current = int(r, 20, 4000);
      return slog(
        c,
        "WARN",
        "dropping stale inventory update",
        ["internal/inventory/consumer.go", 73, "internal/inventory.(*Consumer).handle"],
        {
          subscription: "seat-keeper-inventory",
          event_id: skewed(r, EVENT_IDS),
          section: skewed(r, SECTIONS),
          state: skewed(r, HOLD_STATES),
          version: current - int(r, 1, 6),
          current_version: current,
          lag: goDuration(r, 0.4, 190),
          bytes: int(r, 380, 2200),
        },
      );
    },
  },
  {
    id: "P22",
    about:
      "The Redis pool is too small for hold writes at peaks: 'hold cache write failed' with the error chain 'set hold:<uuid>: redis: connection pool timeout' and the attempt; sparse, four hours.",
    rate: atHours({ 2: 2, 11: 5, 20: 3, 21: 6 }),
    make: (c) => {
      const { r } = c;
      return slog(c, "ERROR", "hold cache write failed", ["internal/holds/cache.go", 52, "internal/holds.(*Cache).Put"], {
        attempt: int(r, 1, 3),
        err: `set hold:${uuid(r)}: redis: connection pool timeout`,
      });
    },
  },
  {
    id: "P23",
    about:
      "max-instances is too low for the 17:00 on-sale: Cloud Run's own 429 request logs, 'The request was aborted because there was no available instance', for POST /v1/events/<uuid>/holds; a big burst. Tests a request-log-only problem with Cloud Run's text.",
    rate: atHours({ 17: 420, 18: 95, 20: 12 }),
    make: (c) => {
      const { r } = c;
      return request(c, {
        status: 429,
        method: "POST",
        url: `${SEAT_HOST}/v1/events/${skewed(r, EVENT_IDS)}/holds`,
        userAgent: seatCaller(r),
        latency: [8, 10.2],
        responseSize: 0,
        severity: "ERROR",
        text: "The request was aborted because there was no available instance. Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#abort-request",
      });
    },
  },
  {
    id: "P24",
    about:
      "The seat_holds table is bloated (autovacuum off since a migration): 'slow query' with the sqlc query name (3), elapsed milliseconds and rows; diurnal, many.",
    rate: diurnal(48, 3),
    make: (c) => {
      const { r } = c;
      return slog(c, "WARN", "slow query", ["internal/db/trace.go", 31, "internal/db.(*queryTracer).TraceQueryEnd"], {
        query: skewed(r, HOLD_QUERIES),
        table: "seat_holds",
        elapsed_ms: int(r, 500, 4800),
        rows: int(r, 0, 1200),
      });
    },
  },
];

// ---------------------------------------------------------------- payout-ledger: Spring Boot + logstash-logback-encoder

const LEDGER_HOST = "https://payout-ledger-q4mzt2x7ka-uc.a.run.app";
/** One logstash-logback-encoder line (the level field renamed to severity, which Cloud Run's agent consumes). */
function logback(
  c: Ctx,
  level: "WARN" | "ERROR",
  logger: string,
  thread: string,
  message: string,
  mdc: Record<string, unknown>,
  stack?: string,
): Body {
  return {
    severity: level === "WARN" ? "WARNING" : "ERROR",
    log: "stdout",
    jsonPayload: {
      "@timestamp": iso(c.time),
      "@version": "1",
      message,
      logger_name: logger,
      thread_name: thread,
      level_value: level === "WARN" ? 30000 : 40000,
      ...mdc,
      ...(stack !== undefined ? { stack_trace: stack } : {}),
    },
  };
}
const jframes = (frames: readonly string[]): string => frames.map((f) => `\tat ${f}`).join("\n");
const batchId = (r: Rng, hour: number): string => `PB-20261126-${String(hour * 4 + int(r, 0, 3)).padStart(4, "0")}`;
const PAYOUT_JOBS = ["hourly-payouts", "instant-payouts"] as const;
const PLANS = ["starter", "growth", "pro", "enterprise"] as const;
const EXPORT_FORMATS = ["xero", "quickbooks"] as const;
const STRIPE_TRANSFER_FRAMES = [
  "com.stripe.net.LiveStripeResponseGetter.request(LiveStripeResponseGetter.java:73)",
  "com.stripe.net.ApiService.request(ApiService.java:92)",
  "com.stripe.service.TransferService.create(TransferService.java:71)",
  "com.gigloop.payouts.stripe.StripeTransfers.create(StripeTransfers.java:58)",
  "com.gigloop.payouts.PayoutBatchJob.payOrganizer(PayoutBatchJob.java:117)",
  "com.gigloop.payouts.PayoutBatchJob.run(PayoutBatchJob.java:74)",
  "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
  "org.springframework.scheduling.support.ScheduledMethodRunnable.run(ScheduledMethodRunnable.java:130)",
];
/** P25 and P26: one log call, `log.error("Payout batch {} failed for organizer {}", batch, org, ex)`. */
function payoutFailed(c: Ctx, organizer: string, stack: string): Body {
  const { r, hour } = c;
  const batch = batchId(r, hour);
  return logback(
    c,
    "ERROR",
    "com.gigloop.payouts.PayoutBatchJob",
    "scheduling-1",
    `Payout batch ${batch} failed for organizer ${organizer}`,
    { job: skewed(r, PAYOUT_JOBS), batchId: batch, organizer },
    stack,
  );
}

const payoutLedger: Omit<Problem, "service">[] = [
  {
    id: "P25",
    about:
      "Payouts to organizers whose Stripe connected account was closed (3 organizers) fail every run: 'Payout batch PB-… failed for organizer …' with com.stripe.exception.InvalidRequestException ('No such destination'). Near miss of P26: same log call and lead message, another exception type.",
    rate: steady(4),
    make: (c) => {
      const { r } = c;
      const acct = `acct_1${alnum(r, 15)}`;
      return payoutFailed(
        c,
        pick(r, CLOSED_ACCOUNT_ORGANIZERS),
        `com.stripe.exception.InvalidRequestException: No such destination: '${acct}'; code: resource_missing; request-id: req_${alnum(r, 14)}\n${jframes(STRIPE_TRANSFER_FRAMES)}`,
      );
    },
  },
  {
    id: "P26",
    about:
      "The Stripe connectivity incident 15:00-16:00 times out transfers: the same 'Payout batch PB-… failed for organizer …' line with com.stripe.exception.ApiConnectionException and 'Caused by: java.net.SocketTimeoutException'; many organizers.",
    rate: atHours({ 15: 95, 16: 38, 17: 2 }),
    make: (c) => {
      const { r } = c;
      return payoutFailed(
        c,
        skewed(r, ORGANIZERS),
        `com.stripe.exception.ApiConnectionException: IOException during API request to Stripe (https://api.stripe.com): Read timed out Please check your internet connection and try again. If this problem persists,you should check Stripe's service status at https://status.stripe.com, or let us know at support@stripe.com.\n${jframes(
          ["com.stripe.net.HttpURLConnectionClient.request(HttpURLConnectionClient.java:94)", ...STRIPE_TRANSFER_FRAMES],
        )}\nCaused by: java.net.SocketTimeoutException: Read timed out\n${jframes([
          "java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:278)",
          "java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:304)",
          "java.base/java.net.Socket$SocketInputStream.read(Socket.java:1099)",
        ])}\n\t... 23 common frames omitted`,
      );
    },
  },
  {
    id: "P27",
    about:
      "Redelivered charge events are inserted twice into the ledger until revision 00078 (11:00) makes the consumer idempotent: 'Failed to record ledger entry for charge ch_… (organizer …)' with DataIntegrityViolationException caused by PSQLException's duplicate key; only the old revision. Tests a problem that stops with a deploy.",
    rate: untilHour(11, steady(22)),
    make: (c) => {
      const { r } = c;
      const charge = `ch_3Q${alnum(r, 22)}`;
      const evt = `evt_3Q${alnum(r, 22)}`;
      const org = skewed(r, ORGANIZERS);
      const detail = `ERROR: duplicate key value violates unique constraint "ledger_entries_source_event_key"\n  Detail: Key (source_event_id)=(${evt}) already exists.`;
      return logback(
        c,
        "ERROR",
        "com.gigloop.ledger.ChargeEventListener",
        `gcp-pubsub-subscriber${int(r, 1, 4)}`,
        `Failed to record ledger entry for charge ${charge} (organizer ${org})`,
        { organizer: org, messageId: String(int(r, 10_000_000_000_000, 19_999_999_999_999)) },
        `org.springframework.dao.DataIntegrityViolationException: could not execute statement [${detail}] [insert into ledger_entries (amount_minor,currency,organizer_id,source_event_id,id) values (?,?,?,?,?)]; SQL [insert into ledger_entries (amount_minor,currency,organizer_id,source_event_id,id) values (?,?,?,?,?)]; constraint [ledger_entries_source_event_key]\n${jframes(
          [
            "org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:290)",
            "org.springframework.orm.jpa.vendor.HibernateJpaDialect.translateExceptionIfPossible(HibernateJpaDialect.java:241)",
            "com.gigloop.ledger.LedgerWriter.record(LedgerWriter.java:49)",
            "com.gigloop.ledger.ChargeEventListener.onMessage(ChargeEventListener.java:36)",
          ],
        )}\nCaused by: org.hibernate.exception.ConstraintViolationException: could not execute statement [${detail}]\n${jframes([
          "org.hibernate.exception.internal.SQLStateConversionDelegate.convert(SQLStateConversionDelegate.java:97)",
        ])}\n\t... 18 common frames omitted\nCaused by: org.postgresql.util.PSQLException: ${detail}\n${jframes([
          "org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2725)",
          "org.postgresql.core.v3.QueryExecutorImpl.processResults(QueryExecutorImpl.java:2412)",
        ])}\n\t... 31 common frames omitted`,
      );
    },
  },
  {
    id: "P28",
    about:
      "CPU is throttled between requests (CPU allocated only during requests), so Hikari's housekeeper wakes late: 'HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=…)' with the delta as 1m4s229ms; more at night when the service idles. Tests an inverse diurnal rate.",
    rate: (h) => 0.3 + 4.5 * (1 - usShape(h)),
    make: (c) => {
      const { r } = c;
      const ms = int(r, 50_000, 400_000);
      const delta = `${Math.floor(ms / 60000) > 0 ? `${Math.floor(ms / 60000)}m` : ""}${Math.floor((ms % 60000) / 1000)}s${ms % 1000}ms`;
      return logback(
        c,
        "WARN",
        "com.zaxxer.hikari.pool.HikariPool",
        "HikariPool-1 housekeeper",
        `HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=${delta}).`,
        {},
      );
    },
  },
  {
    id: "P29",
    about:
      "Statement export offers formats the backend enum lacks: Tomcat's 'Servlet.service() … threw exception [Request processing failed: java.lang.IllegalArgumentException: No enum constant …ExportFormat.XERO]' (2 formats), and the 500 request logs for /api/organizers/<slug>/statements/2026-11?format=…",
    rate: diurnal(7, 0.3),
    make: (c) => {
      const { r } = c;
      const format = skewed(r, EXPORT_FORMATS);
      const org = skewed(r, ORGANIZERS);
      if (r() < 0.5)
        return request(c, {
          status: 500,
          method: "GET",
          url: `${LEDGER_HOST}/api/organizers/${org}/statements/2026-11?format=${format}`,
          userAgent: browser(r),
          latency: [0.02, 0.2],
          responseSize: 112,
        });
      const x = `java.lang.IllegalArgumentException: No enum constant com.gigloop.payouts.statements.ExportFormat.${format.toUpperCase()}`;
      return logback(
        c,
        "ERROR",
        "org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/].[dispatcherServlet]",
        `http-nio-8080-exec-${int(r, 1, 10)}`,
        `Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed: ${x}] with root cause`,
        {},
        `${x}\n${jframes([
          "java.base/java.lang.Enum.valueOf(Enum.java:293)",
          "com.gigloop.payouts.statements.ExportFormat.valueOf(ExportFormat.java:3)",
          "com.gigloop.payouts.statements.StatementController.export(StatementController.java:52)",
          "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
          "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:255)",
        ])}`,
      );
    },
  },
  {
    id: "P30",
    about:
      "The payout velocity limit was not raised for the new starter and growth plans: 'Payout for organizer … on plan … deferred to manual review: velocity limit exceeded', organizers growing through the day (60), plans 2 of 4, job name in the MDC.",
    rate: diurnal(11, 1),
    make: (c) => {
      const { r, hour } = c;
      const org = growing(r, ORGANIZERS, hour, 6, 2.2);
      const plan = ORGANIZERS.indexOf(org) % 3 === 0 ? PLANS[1] : PLANS[0];
      return logback(
        c,
        "WARN",
        "com.gigloop.payouts.risk.VelocityCheck",
        "scheduling-1",
        `Payout for organizer ${org} on plan ${plan} deferred to manual review: velocity limit exceeded`,
        { job: skewed(r, PAYOUT_JOBS), organizer: org, plan },
      );
    },
  },
  {
    id: "P31",
    about:
      "The service account lacks storage.objects.create on the new EU statements bucket: 'Failed to upload statement … to bucket gigloop-statements-eu' with StorageException and 'Caused by: GoogleJsonResponseException: 403 Forbidden'; only EU organizers (6); steady.",
    rate: steady(7),
    make: (c) => {
      const { r, hour } = c;
      const org = pick(r, EU_ORGANIZERS);
      const object = `statements/2026/11/${org}/${batchId(r, hour)}.pdf`;
      const denied = `payout-ledger@${PROJECT}.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist).`;
      return logback(
        c,
        "ERROR",
        "com.gigloop.payouts.statements.StatementUploader",
        "scheduling-1",
        `Failed to upload statement ${object} to bucket gigloop-statements-eu (${(int(r, 400, 9000) / 10).toFixed(1)} KiB)`,
        { job: "hourly-payouts", organizer: org },
        `com.google.cloud.storage.StorageException: ${denied}\n${jframes([
          "com.google.cloud.storage.StorageException.translate(StorageException.java:209)",
          "com.google.cloud.storage.spi.v1.HttpStorageRpc.translate(HttpStorageRpc.java:357)",
          "com.google.cloud.storage.StorageImpl.create(StorageImpl.java:212)",
          "com.gigloop.payouts.statements.StatementUploader.upload(StatementUploader.java:41)",
        ])}\nCaused by: com.google.api.client.googleapis.json.GoogleJsonResponseException: 403 Forbidden\nPOST https://storage.googleapis.com/upload/storage/v1/b/gigloop-statements-eu/o?ifGenerationMatch=0&projection=full&uploadType=multipart\n{\n  "code" : 403,\n  "message" : "${denied}"\n}\n${jframes(
          [
            "com.google.api.client.googleapis.json.GoogleJsonResponseException.from(GoogleJsonResponseException.java:146)",
            "com.google.api.client.googleapis.services.AbstractGoogleClientRequest.executeUnparsed(AbstractGoogleClientRequest.java:555)",
          ],
        )}\n\t... 14 common frames omitted`,
      );
    },
  },
  {
    id: "P32",
    about:
      "The nightly reconciliation finds payouts where the ledger rounded fees per ticket instead of per order: 'Reconciliation mismatch for payout po_…: ledger 1,284.50 USD, Stripe 1,284.05 USD'; only in the 06:00 run (and a straggler). Tests a sparse problem with money amounts.",
    rate: atHours({ 6: 5, 7: 1 }),
    make: (c) => {
      const { r } = c;
      const ledger = int(r, 5_000, 900_000);
      const stripe = ledger - int(r, 1, 95);
      return logback(
        c,
        "WARN",
        "com.gigloop.ledger.Reconciler",
        "scheduling-1",
        `Reconciliation mismatch for payout po_1Q${alnum(r, 22)}: ledger ${money(ledger)} USD, Stripe ${money(stripe)} USD`,
        { job: "nightly-reconciliation", organizer: skewed(r, ORGANIZERS) },
      );
    },
  },
];

// ---------------------------------------------------------------- the day

export interface Day {
  readonly problems: readonly Problem[];
  /** counts[problemId][hour] */
  readonly counts: Readonly<Record<string, readonly number[]>>;
  /** One JSON-lines text per hour, entries in timestamp order. */
  readonly hours: readonly string[];
}

export const SERVICE_NAMES = ["box-office", "checkout-api", "seat-keeper", "payout-ledger"] as const;

/** JSON with object keys sorted at every level, as `gcloud … --format=json` prints entries. */
function sortedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

export function buildDay(seed = 20261126): Day {
  const r = rng(seed);
  const services = new Map<string, Service>([
    ["box-office", service("box-office", [[0, "00412-wen"]], r)],
    [
      "checkout-api",
      service(
        "checkout-api",
        [
          [0, "00230-kix"],
          [14, "00231-daz"],
        ],
        r,
      ),
    ],
    ["seat-keeper", service("seat-keeper", [[0, "00158-pov"]], r)],
    [
      "payout-ledger",
      service(
        "payout-ledger",
        [
          [0, "00077-xuv"],
          [11, "00078-bom"],
        ],
        r,
      ),
    ],
  ]);
  const problems: Problem[] = [
    ...boxOffice.map((p) => ({ ...p, service: "box-office" })),
    ...checkout.map((p) => ({ ...p, service: "checkout-api" })),
    ...seatKeeper.map((p) => ({ ...p, service: "seat-keeper" })),
    ...payoutLedger.map((p) => ({ ...p, service: "payout-ledger" })),
  ];
  const counts: Record<string, number[]> = {};
  for (const p of problems) {
    counts[p.id] = Array.from({ length: 24 }, (_, h) => {
      const expected = p.rate(h);
      if (expected <= 0) return 0;
      // Under one expected entry an hour, the hour has one entry or none.
      if (expected < 1) return r() < expected ? 1 : 0;
      return Math.max(1, Math.round(expected * (0.8 + 0.4 * r())));
    });
  }
  const hours: string[] = [];
  let seq = 0;
  for (let h = 0; h < 24; h++) {
    const rows: { time: number; nanos: number; text: string }[] = [];
    for (const p of problems) {
      const svc = services.get(p.service)!;
      const revision = [...svc.revisions].reverse().find((rv) => rv.from <= h)!;
      const n = counts[p.id]![h]!;
      for (let i = 0; i < n; i++) {
        const time = DAY_START + h * HOUR + Math.floor(r() * HOUR);
        const nanos = int(r, 0, 999999);
        const body = p.make({ r, hour: h, time });
        const log = body.log ?? "stdout";
        seq++;
        const traced = log === "requests" || body.traced === true;
        const entry: Record<string, unknown> = {
          // The ground-truth marker: problem number, then a sequence number and random hex.
          insertId: `hv${p.id.slice(1)}-${seq.toString(36)}${hex(r, 8)}`,
          ...(body.httpRequest ? { httpRequest: body.httpRequest } : {}),
          ...(body.jsonPayload ? { jsonPayload: body.jsonPayload } : {}),
          ...(body.textPayload !== undefined ? { textPayload: body.textPayload } : {}),
          ...(body.sourceLocation ? { sourceLocation: body.sourceLocation } : {}),
          resource: {
            type: "cloud_run_revision",
            labels: {
              configuration_name: svc.name,
              location: LOCATION,
              project_id: PROJECT,
              revision_name: revision.name,
              service_name: svc.name,
            },
          },
          timestamp: new Date(time).toISOString().replace("Z", `${String(nanos).padStart(6, "0")}Z`),
          severity: body.severity,
          labels: { instanceId: pick(r, revision.instances), ...body.labels },
          logName: `projects/${PROJECT}/logs/run.googleapis.com%2F${log}`,
          // Cloud Run traces its request logs; of the apps only box-office propagates the trace into its own lines.
          ...(traced ? { trace: `projects/${PROJECT}/traces/${hex(r, 32)}`, spanId: hex(r, 16), traceSampled: r() < 0.1 } : {}),
          receiveTimestamp: new Date(time + int(r, 15, 1200)).toISOString().replace("Z", `${String(int(r, 0, 999999)).padStart(6, "0")}Z`),
        };
        rows.push({ time, nanos, text: sortedJson(entry) });
      }
    }
    rows.sort((a, b) => a.time - b.time || a.nanos - b.nanos);
    hours.push(rows.map((x) => x.text).join("\n") + "\n");
  }
  return { problems, counts, hours };
}

/** Problem id from a marker insertId ("hv07-…" → "P07"), undefined for anything else. */
export function problemOfInsertId(insertId: unknown): string | undefined {
  if (typeof insertId !== "string") return undefined;
  const m = /^hv(\d\d)-/.exec(insertId);
  return m ? `P${m[1]}` : undefined;
}

/** Writes hour-HH.jsonl for each hour and truth.json into `dir`. */
export function writeDay(day: Day, dir: string): void {
  mkdirSync(dir, { recursive: true });
  day.hours.forEach((text, h) => writeFileSync(path.join(dir, `hour-${String(h).padStart(2, "0")}.jsonl`), text));
  const truth = {
    day: DAY,
    problems: day.problems.map((p) => ({ id: p.id, service: p.service, about: p.about, counts: day.counts[p.id] })),
  };
  writeFileSync(path.join(dir, "truth.json"), `${JSON.stringify(truth, null, 2)}\n`);
}

// `node dist/bench/heldout-day/fifth-day.js DIR [--seed N]`: writes the day to DIR.
if (require.main === module) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf("--seed");
  const dir = args.find((a, i) => !a.startsWith("--") && (seedAt < 0 || i !== seedAt + 1)) ?? "heldout-day-5";
  const day = buildDay(seedAt >= 0 ? Number(args[seedAt + 1]) : undefined);
  writeDay(day, dir);
  const total = Object.values(day.counts).reduce((a, xs) => a + xs.reduce((s, n) => s + n, 0), 0);
  process.stdout.write(`wrote ${day.problems.length} problems, ${total} entries over 24 hours to ${dir}\n`);
}
