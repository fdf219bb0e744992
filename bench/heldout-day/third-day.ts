/**
 * A third held-out labelled day of Cloud Run logs (2026-11-28): 24 hours of an online bookshop
 * platform's four services, each entry a Cloud Logging LogEntry as `gcloud logging read
 * --format=json` prints it, WARNING and worse, written the way its stack logs on Cloud Run:
 *
 * - storefront: Flask behind gunicorn, structlog's JSONRenderer on stdout (`event`, `level`,
 *   `logger`, `timestamp`, `exception` as formatted traceback text; a processor adds the
 *   `severity` Cloud Logging lifts), gunicorn's own text lines on stderr, and Cloud Run's request
 *   logs.
 * - order-hub: NestJS with nest-winston, winston's JSON format on stdout (`level`, `message`,
 *   `context`, `timestamp`, `stack`), and lines of Nest's built-in text logger on stderr.
 * - stock-sync: Go with zerolog on stdout (`level`, `caller`, `message`, `error` chains; a hook
 *   adds `severity`, and `time` is lifted into the entry's timestamp).
 * - print-router: Quarkus with quarkus-logging-json (`loggerName`, `level`, `message`, `mdc`,
 *   `exception` with `exceptionType`, `frames` and nested `causedBy`).
 *
 * Ground truth: one problem per root cause an on-call engineer would fix once. The marker is
 * the insertId prefix `ht<NN>-` (insertId is only a de-duplication key). Unstructured stderr
 * lines carry severity ERROR here (Cloud Run itself sets none on plain text; see the report).
 *
 * Seeded: the same seed writes the same bytes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hex, int, pick, rng, type Rng } from "../seeded-random";

export { rng };

export const DAY = "2026-11-28";
export const DAY_START = Date.parse(`${DAY}T00:00:00.000Z`);
const PROJECT = "paperleaf-prod-7731";
const LOCATION = "us-east4";
const HOUR = 3_600_000;

// ---------------------------------------------------------------- value helpers

const uuid = (r: Rng): string => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${pick(r, ["8", "9", "a", "b"])}${hex(r, 3)}-${hex(r, 12)}`;
/** A few values carry most of the traffic. */
const skewed = <T>(r: Rng, pool: readonly T[]): T => pool[Math.floor(pool.length * r() ** 2)]!;
/** A pool that grows through the day: `first` values at hour 0, `perHour` more each hour. */
function grown<T>(r: Rng, pool: readonly T[], hour: number, first: number, perHour: number): T {
  const n = Math.min(pool.length, Math.floor(first + perHour * hour));
  return pool[Math.floor(r() * n)]!;
}
const digits = (r: Rng, n: number): string => Array.from({ length: n }, () => String(int(r, 0, 9))).join("");
/** EAN-13 with its check digit; `prefix` "978" gives an ISBN-13. */
function ean13(r: Rng, prefix: string): string {
  const body = prefix + digits(r, 12 - prefix.length);
  const sum = [...body].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return body + String((10 - (sum % 10)) % 10);
}
const isbn = (r: Rng): string => ean13(r, pick(r, ["9780", "9781", "9783", "9798"]));
const ip = (r: Rng): string => `${pick(r, ["203.0.113", "198.51.100", "192.0.2", "73.162.44", "24.48.201"])}.${int(r, 1, 254)}`;
const latency = (r: Rng, lo: number, hi: number): string => `${(lo + r() * (hi - lo)).toFixed(6)}s`;
const iso = (t: number): string => new Date(t).toISOString();
const isoMicros = (t: number, r: Rng): string => iso(t).replace("Z", `${digits(r, 3)}Z`);

// ---------------------------------------------------------------- rates

type Rate = (hour: number) => number;
/** 0 at 05 UTC, 1 at 17 UTC: North American business hours. */
const dayShape = (h: number): number => (1 - Math.cos(((h - 5) / 24) * 2 * Math.PI)) / 2;
const diurnal =
  (night: number, peak: number): Rate =>
  (h) =>
    night + (peak - night) * dayShape(h);
const steady =
  (n: number): Rate =>
  () =>
    n;
const plus =
  (base: Rate, extra: Readonly<Record<number, number>>): Rate =>
  (h) =>
    base(h) + (extra[h] ?? 0);
const only =
  (hours: readonly number[], base: Rate): Rate =>
  (h) =>
    hours.includes(h) ? base(h) : 0;
const startsAt =
  (from: number, base: Rate): Rate =>
  (h) =>
    h >= from ? base(h) : 0;
const stopsAfter =
  (last: number, base: Rate): Rate =>
  (h) =>
    h <= last ? base(h) : 0;

// ---------------------------------------------------------------- framing

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
    revisions: revs.map(([from, suffix]) => ({
      from,
      name: `${name}-${suffix}`,
      instances: Array.from({ length: int(r, 2, 5) }, () => `00${hex(r, 94)}`),
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
  readonly labels?: Record<string, string>;
}

interface Ctx {
  readonly r: Rng;
  readonly hour: number;
  readonly time: number;
  readonly svc: Service;
}

export interface Problem {
  readonly id: string;
  readonly service: string;
  /** What it is, and what it tests. */
  readonly about: string;
  readonly rate: Rate;
  readonly make: (c: Ctx) => Body;
}

const USER_AGENTS = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
] as const;

/** A Cloud Run request log: httpRequest, no payload (or Cloud Run's own text for a 504). */
function request(
  r: Rng,
  o: { method: string; url: string; status: number; latency: string; userAgent?: string; requestSize?: number; text?: string },
): Body {
  return {
    severity: o.status >= 500 ? "ERROR" : "WARNING",
    log: "requests",
    httpRequest: {
      requestMethod: o.method,
      requestUrl: o.url,
      ...(o.requestSize !== undefined ? { requestSize: String(o.requestSize) } : {}),
      status: o.status,
      responseSize: String(int(r, 180, 1400)),
      userAgent: o.userAgent ?? pick(r, USER_AGENTS),
      remoteIp: ip(r),
      serverIp: "216.239.32.53",
      latency: o.latency,
      protocol: "HTTP/1.1",
    },
    ...(o.text !== undefined ? { textPayload: o.text } : {}),
  };
}

// ---------------------------------------------------------------- storefront: Flask + structlog

const SHOP_HOST = "https://shop.paperleaf.com";
/** Shops (tenants), each always on the same plan. */
const SHOPS = [
  ["harbor-lights-books", "indie"],
  ["quill-and-ink", "indie"],
  ["the-reading-room", "studio"],
  ["marlow-press", "chain"],
  ["otter-creek-books", "indie"],
  ["lantern-street", "studio"],
  ["bramble-and-birch", "indie"],
  ["northgate-booksellers", "chain"],
  ["paper-moon", "indie"],
  ["wren-hollow", "studio"],
  ["cobalt-page", "indie"],
  ["seaside-stories", "indie"],
  ["fernhill-books", "studio"],
  ["riverbend-readers", "chain"],
  ["old-mill-bookshop", "indie"],
  ["juniper-leaf", "indie"],
  ["the-dog-eared-page", "studio"],
  ["maple-and-quire", "indie"],
  ["copperfield-corner", "chain"],
  ["little-owl-books", "indie"],
  ["stonewall-stacks", "studio"],
  ["midnight-margins", "indie"],
  ["hearth-and-spine", "indie"],
  ["tidewater-tales", "studio"],
  ["greenwood-chapters", "chain"],
  ["inkling-and-co", "indie"],
  ["foxglove-reads", "indie"],
  ["bluebird-bookery", "studio"],
  ["saltmarsh-books", "indie"],
  ["amberline-press", "chain"],
  ["thistle-down", "indie"],
  ["corner-nook", "studio"],
  ["silverbirch-books", "indie"],
  ["meadowlark-pages", "indie"],
  ["kingfisher-lane", "studio"],
  ["ravenscroft-reads", "chain"],
] as const;
const THEMED_SHOPS = SHOPS.filter(([, plan]) => plan !== "chain");
const CHAIN_SHOPS = SHOPS.filter(([, plan]) => plan === "chain");
const LANGS = ["en", "de", "fr", "es", "it", "nl", "pt", "ja"] as const;
const CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD"] as const;
const INDEXES = ["books", "authors", "series"] as const;
const FLAGS = ["instant_preview", "gift_wrapping", "split_payments", "audiobook_bundles", "loyalty_points"] as const;
const TEMPLATES = ["storefront/home.html", "storefront/book_detail.html", "checkout/summary.html"] as const;
const SITE = "/usr/local/lib/python3.12/site-packages";
const APP = "/srv/storefront";

function structlog(
  c: Ctx,
  severity: Body["severity"],
  logger: string,
  event: string,
  fields: Record<string, unknown>,
  exception?: string,
): Body {
  const level = { WARNING: "warning", ERROR: "error", CRITICAL: "critical" }[severity];
  return {
    severity,
    jsonPayload: {
      event,
      level,
      logger,
      timestamp: isoMicros(c.time - int(c.r, 1, 3), c.r),
      ...fields,
      ...(exception ? { exception } : {}),
    },
  };
}

const pyTraceback = (frames: readonly (readonly [string, number, string, string])[], last: string): string =>
  "Traceback (most recent call last):\n" +
  frames.map(([file, line, fn, code]) => `  File "${file}", line ${line}, in ${fn}\n    ${code}`).join("\n") +
  `\n${last}`;

const uploadTraceback = (bucket: string): string =>
  pyTraceback(
    [
      [`${APP}/storefront/covers/upload.py`, 58, "store_cover", "blob.upload_from_file(fh, content_type=mime, retry=None)"],
      [`${SITE}/google/cloud/storage/blob.py`, 2959, "upload_from_file", "self._prep_and_do_upload("],
      [`${SITE}/google/cloud/storage/blob.py`, 2785, "_prep_and_do_upload", "_raise_from_invalid_response(exc)"],
      [
        `${SITE}/google/cloud/storage/blob.py`,
        4791,
        "_raise_from_invalid_response",
        "raise exceptions.from_http_status(response.status_code, message, response=response)",
      ],
    ],
    `google.api_core.exceptions.ServiceUnavailable: 503 POST https://storage.googleapis.com/upload/storage/v1/b/${bucket}/o?uploadType=resumable: ` +
      `{"error": {"code": 503, "message": "Backend Error", "errors": [{"message": "Backend Error", "domain": "global", "reason": "backendError"}]}}: ` +
      `('Request failed with status code', 503, 'Expected one of', <HTTPStatus.OK: 200>, <HTTPStatus.CREATED: 201>)`,
  );

const renderTraceback = (template: string): string =>
  pyTraceback(
    [
      [`${SITE}/flask/app.py`, 1511, "wsgi_app", "response = self.full_dispatch_request()"],
      [`${SITE}/flask/app.py`, 919, "full_dispatch_request", "rv = self.handle_user_exception(e)"],
      [`${SITE}/flask/app.py`, 917, "full_dispatch_request", "rv = self.dispatch_request()"],
      [`${APP}/storefront/views/pages.py`, 142, "render_page", "return render_template(template, shop=shop, settings=shop.settings)"],
      [`${SITE}/flask/templating.py`, 150, "render_template", "return _render(app, template, context)"],
      [`${SITE}/jinja2/environment.py`, 1295, "render", "self.environment.handle_exception()"],
      [
        `${APP}/storefront/templates/${template}`,
        23,
        "top-level template code",
        '<img class="logo" src="{{ settings.branding.logo_url }}">',
      ],
      [`${SITE}/jinja2/environment.py`, 490, "getattr", "return getattr(obj, attribute)"],
    ],
    "jinja2.exceptions.UndefinedError: 'None' has no attribute 'logo_url'",
  );

const flagTraceback = (flag: string): string =>
  pyTraceback(
    [
      [`${APP}/storefront/flags.py`, 77, "is_enabled", `resp = self._client.get(f"/v1/flags/{name}", params={"shop": shop}, timeout=0.25)`],
      [`${SITE}/httpx/_client.py`, 1066, "get", "return self.request("],
      [`${SITE}/httpx/_transports/default.py`, 235, "handle_request", "with map_httpcore_exceptions():"],
      [`${SITE}/httpx/_transports/default.py`, 89, "map_httpcore_exceptions", "raise mapped_exc(message) from exc"],
    ],
    `httpx.ConnectTimeout: timed out (GET https://flags.internal.paperleaf.com/v1/flags/${flag})`,
  );

const storefront: Omit<Problem, "service">[] = [
  {
    id: "P01",
    about:
      "Cloud Run request logs: 500 from the cart items endpoint under POST, PUT and DELETE, a cart UUID and (for POST/PUT) a shop name in the URL; one failing handler, diurnal",
    rate: diurnal(1, 110),
    make: ({ r }) => {
      const method = skewed(r, ["POST", "PUT", "DELETE"]);
      const shop = skewed(r, SHOPS)[0];
      return request(r, {
        method,
        url: `${SHOP_HOST}/api/v1/carts/${uuid(r)}/items${method === "DELETE" ? `/${isbn(r)}` : `?shop=${shop}`}`,
        status: 500,
        latency: latency(r, 0.04, 0.9),
        ...(method !== "DELETE" ? { requestSize: int(r, 90, 420) } : {}),
      });
    },
  },
  {
    id: "P02",
    about:
      "Cloud Run request logs with Cloud Run's own text: 504 after the 300 s request timeout on the catalog export, only chain-plan shops (big catalogs), format csv or onix; sparse, some hours only",
    rate: only([1, 2, 9, 10, 11, 16, 22], steady(4)),
    make: ({ r }) =>
      request(r, {
        method: "POST",
        url: `${SHOP_HOST}/api/v1/shops/${pick(r, CHAIN_SHOPS)[0]}/exports/catalog?format=${pick(r, ["csv", "onix"])}`,
        status: 504,
        latency: latency(r, 300.0, 300.02),
        requestSize: int(r, 60, 140),
        userAgent: "python-requests/2.32.3",
        text: "The request has been terminated because it has reached the maximum request timeout. To change this limit, see https://cloud.google.com/run/docs/configuring/request-timeout",
      }),
  },
  {
    id: "P03",
    about:
      'structlog event "search index update dropped" (the indexer queue is full, updates are lost); near miss of P04, the same short event but for one verb, same fields (index of 3, doc id, queue depth)',
    rate: diurnal(1, 70),
    make: (c) =>
      structlog(c, "WARNING", "storefront.search.indexer", "search index update dropped", {
        index: skewed(c.r, INDEXES),
        doc_id: int(c.r, 10_000, 2_400_000),
        queue_depth: 10_000,
      }),
  },
  {
    id: "P04",
    about:
      'structlog event "search index update delayed" (the indexer runs behind); near miss of P03 (one verb apart), steady low with bursts at 09, 10 and 19',
    rate: plus(steady(3), { 9: 80, 10: 60, 19: 45 }),
    make: (c) =>
      structlog(c, "WARNING", "storefront.search.indexer", "search index update delayed", {
        index: skewed(c.r, INDEXES),
        doc_id: int(c.r, 10_000, 2_400_000),
        queue_depth: int(c.r, 2_000, 9_999),
      }),
  },
  {
    id: "P05",
    about:
      "structlog error with a Python traceback: cover upload to GCS fails with 503 Backend Error; bucket of 2, object named by ISBN and size word, attempt n of 5; a trickle with a burst at 07-08 (storage incident)",
    rate: plus(diurnal(0.3, 4), { 7: 90, 8: 25 }),
    make: (c) => {
      const bucket = skewed(c.r, ["paperleaf-covers", "paperleaf-previews"]);
      const object = `${isbn(c.r)}/cover-${pick(c.r, ["large", "medium", "thumb"])}.jpg`;
      const attempt = int(c.r, 1, 5);
      return structlog(
        c,
        "ERROR",
        "storefront.covers.upload",
        "cover upload failed",
        { bucket, object, attempt, max_attempts: 5, size_bytes: int(c.r, 40_000, 6_500_000), shop: skewed(c.r, SHOPS)[0] },
        uploadTraceback(bucket),
      );
    },
  },
  {
    id: "P06",
    about:
      "structlog error with a jinja2 traceback: a shop whose theme has no branding block fails to render; shop names from a pool that grows through the day (non-chain shops), plan always the shop's (indie or studio), template of 3",
    rate: diurnal(1, 45),
    make: (c) => {
      const [shop, plan] = grown(c.r, THEMED_SHOPS, c.hour, 6, 1.2);
      const template = skewed(c.r, TEMPLATES);
      return structlog(
        c,
        "ERROR",
        "storefront.views.pages",
        "storefront theme render failed",
        {
          shop,
          plan,
          template,
          path:
            template === "storefront/book_detail.html" ? `/books/${isbn(c.r)}` : template === "checkout/summary.html" ? "/checkout" : "/",
        },
        renderTraceback(template),
      );
    },
  },
  {
    id: "P07",
    about: "gunicorn's own text line on stderr: [CRITICAL] WORKER TIMEOUT (pid:N); sparse, a few entries in some hours, mostly at night",
    rate: only([0, 3, 4, 5, 13, 21], steady(1.8)),
    make: ({ r, time }) => {
      const stamp = iso(time).slice(0, 19).replace("T", " ");
      return { severity: "ERROR", log: "stderr", textPayload: `[${stamp} +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:${int(r, 8, 96)})` };
    },
  },
  {
    id: "P08",
    about:
      "structlog warning: no exchange rate for a currency pair, list price used; currency codes of 5 (two distinct), ISBN, shop; steady",
    rate: steady(4),
    make: (c) => {
      const from = pick(c.r, CURRENCIES);
      const to = pick(
        c.r,
        CURRENCIES.filter((x) => x !== from),
      );
      return structlog(c, "WARNING", "storefront.pricing", "exchange rate missing, falling back to list price", {
        from_currency: from,
        to_currency: to,
        isbn: isbn(c.r),
        shop: skewed(c.r, SHOPS)[0],
        lang: skewed(c.r, LANGS),
      });
    },
  },
  {
    id: "P09",
    about: "structlog error with an httpx traceback: the feature-flag service times out; flag of 5 snake_case names, shop; six hours only",
    rate: only([6, 7, 8, 14, 15, 20], steady(8)),
    make: (c) => {
      const flag = pick(c.r, FLAGS);
      return structlog(
        c,
        "ERROR",
        "storefront.flags",
        "feature flag evaluation failed",
        { flag, shop: skewed(c.r, SHOPS)[0], default: false, elapsed_ms: int(c.r, 251, 290) },
        flagTraceback(flag),
      );
    },
  },
];

// ---------------------------------------------------------------- order-hub: NestJS + winston

const STAFF = [
  "amara",
  "bastien",
  "corinne",
  "dmitri",
  "eloise",
  "farid",
  "greta",
  "hollis",
  "ines",
  "jasper",
  "keiko",
  "lorenzo",
] as const;
const TOPICS = ["order-created", "order-paid", "order-cancelled"] as const;
const EVENT_TYPES = {
  stripe: ["charge.refunded", "payment_intent.succeeded", "charge.dispute.created"],
  adyen: ["AUTHORISATION", "REFUND", "CHARGEBACK"],
} as const;
const BAD_TRANSITIONS = [
  ["shipped", "cancelled"],
  ["refunded", "paid"],
  ["cancelled", "picking"],
  ["delivered", "pending"],
] as const;
const MAIL_TEMPLATES = ["order-confirmation", "shipping-update", "password-reset", "review-request"] as const;
const COUPONS = [
  "WINTERREADS",
  "BOOKWORM",
  "FIRSTCHAPTER",
  "GIFTEDREADER",
  "COZYNIGHTS",
  "STAFFPICKS",
  "HOLIDAYSHELF",
  "READMORE",
] as const;
const TAX_REGIONS = ["northeast", "midwest", "south", "west", "pacific", "mountain"] as const;
const FIRST_NAMES = [
  "ava",
  "ben",
  "chloe",
  "dan",
  "emma",
  "finn",
  "grace",
  "hugo",
  "isla",
  "jack",
  "lena",
  "milo",
  "nora",
  "owen",
] as const;
const MAIL_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me"] as const;
const email = (r: Rng): string =>
  `${pick(r, FIRST_NAMES)}.${pick(r, ["reads", "books", "page", "smith", "lee"])}${int(r, 1, 99)}@${skewed(r, MAIL_DOMAINS)}`;
const orderId = (r: Rng): number => int(r, 1_200_000, 1_899_999);
const NM = "/app/node_modules";

function winston(
  c: Ctx,
  severity: "WARNING" | "ERROR",
  context: string,
  message: string,
  meta: Record<string, unknown>,
  stack?: string,
): Body {
  return {
    severity,
    jsonPayload: {
      level: severity === "ERROR" ? "error" : "warn",
      context,
      message,
      timestamp: iso(c.time - int(c.r, 0, 2)),
      ...meta,
      ...(stack ? { stack } : {}),
    },
  };
}

const nodeStack = (head: string, frames: readonly string[]): string => `${head}\n${frames.map((f) => `    at ${f}`).join("\n")}`;

/** Nest's ConsoleLogger text line: `[Nest] PID  - M/D/YYYY, h:mm:ss AM   LEVEL [Context] message`. */
function nestLine(time: number, level: "WARN" | "ERROR", context: string, message: string): string {
  const d = new Date(time);
  const h = d.getUTCHours();
  const clock = `${h % 12 === 0 ? 12 : h % 12}:${String(d.getUTCMinutes()).padStart(2, "0")}:${String(d.getUTCSeconds()).padStart(2, "0")} ${h < 12 ? "AM" : "PM"}`;
  return `[Nest] 1  - ${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}, ${clock}   ${level.padStart(5)} [${context}] ${message}`;
}

const orders: Omit<Problem, "service">[] = [
  {
    id: "P10",
    about:
      "winston error with a grpc-js stack: publishing an order event to Pub/Sub hits DEADLINE_EXCEEDED; topic of 3 in the message, order id, attempt count; diurnal",
    rate: diurnal(1, 65),
    make: (c) => {
      const topic = skewed(c.r, TOPICS);
      const attempts = int(c.r, 3, 5);
      return winston(
        c,
        "ERROR",
        "OrderEventsPublisher",
        `Publish to topic ${topic} failed after ${attempts} attempts: 4 DEADLINE_EXCEEDED: Deadline exceeded`,
        { orderId: orderId(c.r), topic, attempts },
        nodeStack("Error: 4 DEADLINE_EXCEEDED: Deadline exceeded", [
          `callErrorFromStatus (${NM}/@grpc/grpc-js/build/src/call.js:32:19)`,
          `Object.onReceiveStatus (${NM}/@grpc/grpc-js/build/src/client.js:193:76)`,
          `${NM}/@grpc/grpc-js/build/src/resolving-call.js:129:78`,
          `process.processTicksAndRejections (node:internal/process/task_queues:85:11)`,
          `async OrderEventsPublisher.publish (/app/dist/orders/events/order-events.publisher.js:41:13)`,
        ]),
      );
    },
  },
  {
    id: "P11",
    about:
      "winston warning: payment webhook signature check fails; provider of 2 in the message with its own event types (3 each), source IP, event id; steady",
    rate: steady(10),
    make: (c) => {
      const provider = skewed(c.r, ["stripe", "adyen"] as const);
      const eventType = pick(c.r, EVENT_TYPES[provider]);
      return winston(
        c,
        "WARNING",
        "PaymentsWebhookController",
        `Webhook signature verification failed for ${provider} event ${eventType}`,
        {
          eventId: provider === "stripe" ? `evt_${hex(c.r, 24)}` : digits(c.r, 16),
          sourceIp: ip(c.r),
          toleranceSeconds: 300,
        },
      );
    },
  },
  {
    id: "P12",
    about:
      "Nest's text logger on stderr: ExceptionsHandler TypeError reading 'currency' of undefined (the message line only; the stack lines Nest prints after it are left out of the day); diurnal",
    rate: diurnal(1, 22),
    make: ({ time }) => ({
      severity: "ERROR",
      log: "stderr",
      textPayload: nestLine(time, "ERROR", "ExceptionsHandler", "Cannot read properties of undefined (reading 'currency')"),
    }),
  },
  {
    id: "P13",
    about:
      "Nest's text logger on stderr: TypeOrmModule cannot reach the database and retries with a count; a burst at 06-07 (Cloud SQL maintenance) and nothing else",
    rate: (h) => (h === 6 ? 40 : h === 7 ? 9 : 0),
    make: ({ r, time }) => ({
      severity: "ERROR",
      log: "stderr",
      textPayload: nestLine(time, "ERROR", "TypeOrmModule", `Unable to connect to the database. Retrying (${int(r, 1, 9)})...`),
    }),
  },
  {
    id: "P14",
    about:
      "winston error with an AxiosError stack: a refund cannot be posted to the ledger (409); refund UUID and order id in the message, currency of 5, amount in cents",
    rate: diurnal(0.5, 9),
    make: (c) => {
      const oid = orderId(c.r);
      return winston(
        c,
        "ERROR",
        "RefundsService",
        `Refund ${uuid(c.r)} for order ${oid} could not be posted to the ledger: Request failed with status code 409`,
        { orderId: oid, currency: skewed(c.r, CURRENCIES), amountCents: int(c.r, 499, 18_999) },
        nodeStack("AxiosError: Request failed with status code 409", [
          `settle (${NM}/axios/lib/core/settle.js:19:12)`,
          `IncomingMessage.handleStreamEnd (${NM}/axios/lib/adapters/http.js:599:11)`,
          `IncomingMessage.emit (node:events:530:35)`,
          `endReadableNT (node:internal/streams/readable:1698:12)`,
          `process.processTicksAndRejections (node:internal/process/task_queues:90:21)`,
          `async RefundsService.postToLedger (/app/dist/payments/refunds.service.js:88:9)`,
        ]),
      );
    },
  },
  {
    id: "P15",
    about:
      "winston warning: the legacy tax service answers with its deprecated v1 schema; tax region of 6 in the message; steady until 10, gone with the 11:00 deploy",
    rate: stopsAfter(10, steady(7)),
    make: (c) => {
      const region = pick(c.r, TAX_REGIONS);
      return winston(c, "WARNING", "TaxClient", `Legacy tax service returned deprecated response schema v1 for region ${region}`, {
        region,
        orderId: orderId(c.r),
        elapsedMs: int(c.r, 80, 900),
      });
    },
  },
  {
    id: "P16",
    about:
      "winston warning: the back office asks for an invalid order state change; from/to state words (4 pairs over 7 states) in the message, staff user of 12; near zero at night",
    rate: diurnal(0.3, 20),
    make: (c) => {
      const [from, to] = pick(c.r, BAD_TRANSITIONS);
      return winston(c, "WARNING", "OrderStateMachine", `Order ${orderId(c.r)} cannot transition from ${from} to ${to}`, {
        actor: skewed(c.r, STAFF),
        source: "backoffice",
      });
    },
  },
  {
    id: "P17",
    about:
      "winston error: the SMTP relay defers mail with 421; mail template of 4 and a customer email in the message, attempt n of 4; one an hour, burst at 18-19",
    rate: plus(steady(1), { 18: 120, 19: 50 }),
    make: (c) => {
      const template = skewed(c.r, MAIL_TEMPLATES);
      return winston(
        c,
        "ERROR",
        "MailerService",
        `Email ${template} to ${email(c.r)} failed: 421 4.7.0 Try again later, closing connection.`,
        {
          attempt: int(c.r, 1, 4),
          maxAttempts: 4,
          messageId: `<${uuid(c.r)}@mail.paperleaf.com>`,
        },
      );
    },
  },
  {
    id: "P18",
    about:
      "winston error that starts with the 15:00 deploy (new revision only): discount allocation does not sum to the order total; order id, two amounts, currency of 5 and coupon code of 8 in the message",
    rate: startsAt(15, diurnal(10, 24)),
    make: (c) => {
      const total = int(c.r, 1_500, 25_000);
      const lines = total + pick(c.r, [-1, 1, -2, 2]);
      return winston(
        c,
        "ERROR",
        "CheckoutService",
        `Discount allocation mismatch for order ${orderId(c.r)}: line totals ${lines} != order total ${total} (${skewed(c.r, CURRENCIES)}, coupon ${skewed(c.r, COUPONS)})`,
        { lineCount: int(c.r, 2, 9) },
      );
    },
  },
];

// ---------------------------------------------------------------- stock-sync: Go + zerolog

const DISTRIBUTORS = ["northwind", "bookhaus", "lakeside", "meridian"] as const;
const DIST_HOST: Record<(typeof DISTRIBUTORS)[number], string> = {
  northwind: "feeds.northwind-books.com",
  bookhaus: "edi.bookhaus.de",
  lakeside: "api.lakeside-distribution.com",
  meridian: "stock.meridian-trade.co.uk",
};
const WAREHOUSES = ["ashford", "brookvale", "carden", "dunmore", "elston", "fairholt"] as const;
const BQ_TABLES = ["stock_levels", "price_history", "feed_rejections"] as const;
const SRC = "/src/internal";

function zerolog(
  c: Ctx,
  severity: "WARNING" | "ERROR",
  caller: string,
  message: string,
  fields: Record<string, unknown>,
  error?: string,
): Body {
  return {
    severity,
    jsonPayload: { level: severity === "ERROR" ? "error" : "warn", ...fields, ...(error !== undefined ? { error } : {}), caller, message },
  };
}
const feedFile = (c: Ctx, dist: string): string => `${dist}/${DAY.replaceAll("-", "")}-${String(c.hour).padStart(2, "0")}00.csv`;
const stamp = (t: number): string => iso(t).replace(/\.\d{3}Z$/, "Z");

const GO_PANIC_STACK = (g: number): string =>
  [
    `goroutine ${g} [running]:`,
    "runtime/debug.Stack()",
    "\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e",
    "github.com/paperleaf/stock-sync/internal/server.Recoverer.func1.1()",
    `\t${SRC}/server/recover.go:27 +0x6b`,
    "panic({0x10a2f40?, 0x1a6e7d0?})",
    "\t/usr/local/go/src/runtime/panic.go:792 +0x132",
    "github.com/paperleaf/stock-sync/internal/stock.(*Service).Availability(0xc0001a2000, {0x1283d28, 0xc000512e10}, {0xc0003b4a80, 0xd})",
    `\t${SRC}/stock/availability.go:74 +0x1d4`,
    "github.com/paperleaf/stock-sync/internal/server.(*API).getAvailability(0xc000132120, {0x127f9c0, 0xc0004a61c0}, 0xc000188a00)",
    `\t${SRC}/server/stock_handlers.go:52 +0x145`,
    "net/http.HandlerFunc.ServeHTTP(0xc000188a00?, {0x127f9c0?, 0xc0004a61c0?}, 0x0?)",
    "\t/usr/local/go/src/net/http/server.go:2294 +0x29",
  ].join("\n");

const stock: Omit<Problem, "service">[] = [
  {
    id: "P19",
    about:
      'zerolog warning from the feed validator\'s reject helper: "dropping feed row without isbn"; distributor of 4, feed file, row number; near miss of P20 (another message from the same caller); steady, feeds arrive around the clock',
    rate: steady(24),
    make: (c) => {
      const dist = skewed(c.r, DISTRIBUTORS);
      return zerolog(c, "WARNING", `${SRC}/feed/validate.go:88`, "dropping feed row without isbn", {
        distributor: dist,
        file: feedFile(c, dist),
        row: int(c.r, 2, 48_000),
      });
    },
  },
  {
    id: "P20",
    about:
      'zerolog warning from the same call site as P19: "row price below list floor, quarantined"; a pricing problem, not a missing identifier; ISBN, price and floor, currency of 5; every third hour',
    rate: only([2, 5, 8, 11, 14, 17, 20, 23], steady(6)),
    make: (c) => {
      const dist = pick(c.r, DISTRIBUTORS);
      const floor = int(c.r, 399, 2_999);
      return zerolog(c, "WARNING", `${SRC}/feed/validate.go:88`, "row price below list floor, quarantined", {
        distributor: dist,
        file: feedFile(c, dist),
        row: int(c.r, 2, 48_000),
        isbn: isbn(c.r),
        price_cents: int(c.r, 0, floor - 1),
        floor_cents: floor,
        currency: skewed(c.r, CURRENCIES),
      });
    },
  },
  {
    id: "P21",
    about:
      "zerolog warning, a long message: a stock update arrived OLDER than the last full snapshot and was ignored (a distributor delivering late); near miss of P22, the same sentence but for one plain word; ISBN, distributor of 4, warehouse of 6",
    rate: diurnal(2, 25),
    make: (c) => {
      const snapshot = c.time - int(c.r, 60_000, 3_000_000);
      return zerolog(
        c,
        "WARNING",
        `${SRC}/stock/apply.go:141`,
        `stock update for isbn ${isbn(c.r)} from ${skewed(c.r, DISTRIBUTORS)} arrived older than the last full snapshot and was ignored, the listing may show stale availability until the next snapshot`,
        { warehouse: skewed(c.r, WAREHOUSES), snapshot_at: stamp(snapshot), update_at: stamp(snapshot - int(c.r, 1_000, 900_000)) },
      );
    },
  },
  {
    id: "P22",
    about:
      "zerolog warning, a long message: a stock update arrived NEWER than the last full snapshot and was ignored anyway (a snapshot-time comparison bug on our side); near miss of P21 (older/newer); steady",
    rate: steady(4),
    make: (c) => {
      const snapshot = c.time - int(c.r, 60_000, 3_000_000);
      return zerolog(
        c,
        "WARNING",
        `${SRC}/stock/apply.go:156`,
        `stock update for isbn ${isbn(c.r)} from ${skewed(c.r, DISTRIBUTORS)} arrived newer than the last full snapshot and was ignored, the listing may show stale availability until the next snapshot`,
        { warehouse: skewed(c.r, WAREHOUSES), snapshot_at: stamp(snapshot), update_at: stamp(snapshot + int(c.r, 1_000, 900_000)) },
      );
    },
  },
  {
    id: "P23",
    about:
      "zerolog error with a Go error chain: fetching a distributor's stock feed fails on the network (i/o timeout, connection reset or client timeout; host named by distributor, IP), attempt n of 5; a trickle with a night burst at 02-04 (lakeside maintenance)",
    rate: plus(diurnal(0.3, 2), { 2: 30, 3: 45, 4: 20 }),
    make: (c) => {
      const dist = c.hour >= 2 && c.hour <= 4 && c.r() < 0.85 ? "lakeside" : pick(c.r, DISTRIBUTORS);
      const host = DIST_HOST[dist];
      const addr = `${ip(c.r)}:443`;
      const url = `https://${host}/v2/stock?since=${stamp(c.time - 3_600_000)}`;
      const tail = pick(c.r, [
        `dial tcp ${addr}: i/o timeout`,
        `read tcp 10.8.0.${int(c.r, 2, 60)}:${int(c.r, 32768, 60999)}->${addr}: read: connection reset by peer`,
        "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
      ]);
      return zerolog(
        c,
        "ERROR",
        `${SRC}/feed/fetch.go:63`,
        "distributor sync failed",
        { distributor: dist, attempt: int(c.r, 1, 5), max_attempts: 5, backoff: pick(c.r, ["1s", "2s", "4s", "8s", "16s"]) },
        `sync ${dist}: fetch stock feed: Get "${url}": ${tail}`,
      );
    },
  },
  {
    id: "P24",
    about:
      "zerolog error: BigQuery streaming insert rejected because a column changed type; snake_case table of 3 in the error text, row count; steady",
    rate: steady(3),
    make: (c) => {
      const table = pick(c.r, BQ_TABLES);
      return zerolog(
        c,
        "ERROR",
        `${SRC}/export/bigquery.go:97`,
        "bigquery insert failed",
        { table, rows: int(c.r, 50, 5_000), dataset: "inventory" },
        `insert ${table}: googleapi: Error 400: Provided Schema does not match Table ${PROJECT}:inventory.${table}. Field warehouse_code has changed type from STRING to INTEGER, invalid`,
      );
    },
  },
  {
    id: "P25",
    about:
      "zerolog warning with a pgx error: a stock reservation waits out the row lock (SQLSTATE 55P03); warehouse of 6, order id, EAN-13 of a gift item or an ISBN, wait in ms; diurnal, the busiest problem of the service",
    rate: diurnal(2, 80),
    make: (c) =>
      zerolog(
        c,
        "WARNING",
        `${SRC}/reserve/ledger.go:212`,
        "reservation lock wait exceeded",
        {
          warehouse: skewed(c.r, WAREHOUSES),
          order_id: orderId(c.r),
          sku: c.r() < 0.3 ? ean13(c.r, pick(c.r, ["40", "50", "87"])) : isbn(c.r),
          waited_ms: int(c.r, 2_000, 2_150),
        },
        "reserve: lock stock row: ERROR: canceling statement due to lock timeout (SQLSTATE 55P03)",
      ),
  },
  {
    id: "P26",
    about:
      "zerolog error: a recovered nil-pointer panic in the availability handler, with the goroutine stack as a field; HTTP method of 2, ISBN path; sparse, five hours, 1-3 each",
    rate: only([3, 9, 12, 17, 22], steady(2)),
    make: (c) =>
      zerolog(c, "ERROR", `${SRC}/server/recover.go:31`, "recovered from panic", {
        method: pick(c.r, ["GET", "HEAD"]),
        path: `/v1/stock/${isbn(c.r)}/availability`,
        panic: "runtime error: invalid memory address or nil pointer dereference",
        stack: GO_PANIC_STACK(int(c.r, 200, 90_000)),
      }),
  },
];

// ---------------------------------------------------------------- print-router: Quarkus JSON logging

const PARTNERS = ["inkwell", "brightleaf", "quarto", "foliopress", "stonebridge"] as const;
const PARTNER_LIMIT_MB: Record<(typeof PARTNERS)[number], number> = {
  inkwell: 300,
  brightleaf: 250,
  quarto: 500,
  foliopress: 200,
  stonebridge: 350,
};
const PAPERS = ["cream_natural", "white_bright", "coated_silk", "recycled_bond"] as const;
const BINDINGS = ["perfect_bound", "saddle_stitch", "case_bound", "coil"] as const;

interface JavaException {
  readonly exceptionType: string;
  readonly message: string;
  readonly frames: readonly { class: string; method: string; line: number }[];
  readonly causedBy?: JavaException;
}
function javaException(e: JavaException, refId = 1): Record<string, unknown> {
  return {
    refId,
    exceptionType: e.exceptionType,
    message: e.message,
    frames: e.frames,
    ...(e.causedBy ? { causedBy: { exception: javaException(e.causedBy, refId + 1) } } : {}),
  };
}
function quarkus(
  c: Ctx,
  severity: "WARNING" | "ERROR",
  loggerName: string,
  message: string,
  mdc: Record<string, string>,
  exception?: JavaException,
): Body {
  return {
    severity,
    jsonPayload: {
      timestamp: iso(c.time - int(c.r, 0, 2)),
      // the process's record counter: it grows through the day
      sequence: 1_000 + Math.floor((c.time - DAY_START) / 40) + int(c.r, 0, 30),
      loggerClassName: "org.jboss.logging.Logger",
      loggerName,
      level: severity === "ERROR" ? "ERROR" : "WARN",
      message,
      threadName: `executor-thread-${int(c.r, 1, 32)}`,
      threadId: int(c.r, 40, 120),
      mdc,
      ndc: "",
      hostName: "localhost",
      processName: "quarkus-run.jar",
      processId: 1,
      ...(exception ? { exception: javaException(exception) } : {}),
    },
  };
}
const DISPATCH_FRAMES = [
  { class: "com.paperleaf.print.partner.PartnerClient$$QuarkusRestClientInterface", method: "submit", line: 112 },
  { class: "com.paperleaf.print.dispatch.JobDispatcher", method: "submit", line: 74 },
  { class: "com.paperleaf.print.dispatch.JobDispatcher_Subclass", method: "submit$$superforward", line: -1 },
  { class: "io.quarkus.arc.impl.AroundInvokeInvocationContext", method: "proceed", line: 73 },
] as const;

const print: Omit<Problem, "service">[] = [
  {
    id: "P27",
    about:
      "Quarkus error: print job submission to a partner fails with ProcessingException caused by SocketTimeoutException (partner slow); near miss of P28, the same logger and lead message with another exception; job UUID and partner of 5 in the message; diurnal",
    rate: diurnal(1, 40),
    make: (c) => {
      const job = uuid(c.r);
      return quarkus(
        c,
        "ERROR",
        "com.paperleaf.print.dispatch.JobDispatcher",
        `Print job ${job} submission to partner ${skewed(c.r, PARTNERS)} failed`,
        { jobId: job },
        {
          exceptionType: "jakarta.ws.rs.ProcessingException",
          message: "java.net.SocketTimeoutException: Read timed out",
          frames: [
            { class: "org.jboss.resteasy.reactive.client.impl.InvocationState", method: "handleException", line: 188 },
            ...DISPATCH_FRAMES,
          ],
          causedBy: {
            exceptionType: "java.net.SocketTimeoutException",
            message: "Read timed out",
            frames: [
              { class: "io.vertx.core.http.impl.HttpClientRequestImpl", method: "handleException", line: 395 },
              { class: "io.netty.handler.timeout.ReadTimeoutHandler", method: "readTimedOut", line: 98 },
            ],
          },
        },
      );
    },
  },
  {
    id: "P28",
    about:
      "Quarkus error: the same lead message as P27 but ClientWebApplicationException 422 caused by WebApplicationException (the partner rejects the file); another root cause; job UUID, partner of 5",
    rate: diurnal(0.3, 8),
    make: (c) => {
      const job = uuid(c.r);
      return quarkus(
        c,
        "ERROR",
        "com.paperleaf.print.dispatch.JobDispatcher",
        `Print job ${job} submission to partner ${skewed(c.r, PARTNERS)} failed`,
        { jobId: job },
        {
          exceptionType: "org.jboss.resteasy.reactive.ClientWebApplicationException",
          message:
            "Received: 'Unprocessable Entity, status code 422' when invoking: Rest Client method: 'com.paperleaf.print.partner.PartnerClient#submit'",
          frames: [
            {
              class: "io.quarkus.rest.client.reactive.runtime.DefaultMicroprofileRestClientExceptionMapper",
              method: "toThrowable",
              line: 19,
            },
            ...DISPATCH_FRAMES,
          ],
          causedBy: {
            exceptionType: "jakarta.ws.rs.WebApplicationException",
            message: "Unprocessable Entity, status code 422",
            frames: [{ class: "io.quarkus.rest.client.reactive.runtime.MicroProfileRestClientResponseFilter", method: "filter", line: 52 }],
          },
        },
      );
    },
  },
  {
    id: "P29",
    about:
      "Quarkus warning: an interior PDF is above the partner's size limit and images get downsampled; job UUID, size in MB, the partner's own limit (partner of 5 with a fixed limit), dpi; diurnal",
    rate: diurnal(1, 34),
    make: (c) => {
      const partner = skewed(c.r, PARTNERS);
      const limit = PARTNER_LIMIT_MB[partner];
      const job = uuid(c.r);
      return quarkus(
        c,
        "WARNING",
        "com.paperleaf.print.preflight.InteriorPreflight",
        `Interior PDF for job ${job} is ${(limit + 1 + c.r() * 400).toFixed(1)} MB, above the ${limit} MB limit of partner ${partner}; images will be downsampled to ${pick(c.r, [300, 240, 200])} dpi`,
        { jobId: job, isbn: isbn(c.r) },
      );
    },
  },
  {
    id: "P30",
    about:
      "Quarkus error from Hibernate's SqlExceptionHelper: serialization failure under concurrent update (print batch rows); a fixed message, diurnal",
    rate: diurnal(3, 16),
    make: (c) =>
      quarkus(
        c,
        "ERROR",
        "org.hibernate.engine.jdbc.spi.SqlExceptionHelper",
        "ERROR: could not serialize access due to concurrent update",
        {},
      ),
  },
  {
    id: "P31",
    about:
      "Quarkus warning: a paper stock is out at a partner and the job is rerouted; paper of 4, two partners of 5 (distinct), binding of 4, job id; diurnal",
    rate: diurnal(1, 36),
    make: (c) => {
      const partner = skewed(c.r, PARTNERS);
      const to = pick(
        c.r,
        PARTNERS.filter((p) => p !== partner),
      );
      const job = uuid(c.r);
      return quarkus(
        c,
        "WARNING",
        "com.paperleaf.print.routing.PartnerRouter",
        `Paper stock ${skewed(c.r, PAPERS)} unavailable at ${partner} for ${pick(c.r, BINDINGS)} jobs, job ${job} rerouted to ${to}`,
        { jobId: job },
      );
    },
  },
  {
    id: "P32",
    about:
      "Quarkus error from the scheduler: the 4-hourly proof cleanup lacks storage.objects.delete on a proofs bucket (of 2), StorageException caused by GoogleJsonResponseException; only at 00, 04, 08, 12, 16, 20",
    rate: only([0, 4, 8, 12, 16, 20], steady(1.6)),
    make: (c) => {
      const bucket = pick(c.r, ["paperleaf-proofs", "paperleaf-proofs-archive"]);
      const object = `${isbn(c.r)}/proof-${hex(c.r, 8)}.pdf`;
      const denied = `print-router@${PROJECT}.iam.gserviceaccount.com does not have storage.objects.delete access to the Google Cloud Storage object. Permission 'storage.objects.delete' denied on resource (or it may not exist).`;
      return quarkus(
        c,
        "ERROR",
        "io.quarkus.scheduler.common.runtime.StatusEmitterInvoker",
        "Error occurred while executing task for trigger IntervalTrigger [id=1_com.paperleaf.print.proofs.ProofJanitor_ScheduledInvoker_purgeExpired, interval=PT4H]",
        {},
        {
          exceptionType: "com.google.cloud.storage.StorageException",
          message: denied,
          frames: [
            { class: "com.google.cloud.storage.StorageException", method: "translate", line: 165 },
            { class: "com.google.cloud.storage.StorageImpl", method: "delete", line: 621 },
            { class: "com.paperleaf.print.proofs.ProofJanitor", method: "purgeExpired", line: 48 },
          ],
          causedBy: {
            exceptionType: "com.google.api.client.googleapis.json.GoogleJsonResponseException",
            message: `403 Forbidden\nDELETE https://storage.googleapis.com/storage/v1/b/${bucket}/o/${encodeURIComponent(object)}\n${denied}`,
            frames: [{ class: "com.google.api.client.googleapis.json.GoogleJsonResponseException", method: "from", line: 146 }],
          },
        },
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

export const SERVICE_NAMES = ["storefront", "order-hub", "stock-sync", "print-router"] as const;

/** JSON with object keys sorted at every level, as `gcloud … --format=json` prints entries. */
function sortedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

export function buildDay(seed = 20261128): Day {
  const r = rng(seed);
  const services = new Map<string, Service>([
    [
      "storefront",
      service(
        "storefront",
        [
          [0, "00512-gav"],
          [20, "00513-hum"],
        ],
        r,
      ),
    ],
    [
      "order-hub",
      service(
        "order-hub",
        [
          [0, "00230-bek"],
          [11, "00231-dov"],
          [15, "00232-fyr"],
        ],
        r,
      ),
    ],
    ["stock-sync", service("stock-sync", [[0, "00097-sil"]], r)],
    [
      "print-router",
      service(
        "print-router",
        [
          [0, "00144-mar"],
          [9, "00145-nox"],
        ],
        r,
      ),
    ],
  ]);
  const problems: Problem[] = [
    ...storefront.map((p) => ({ ...p, service: "storefront" })),
    ...orders.map((p) => ({ ...p, service: "order-hub" })),
    ...stock.map((p) => ({ ...p, service: "stock-sync" })),
    ...print.map((p) => ({ ...p, service: "print-router" })),
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
        const body = p.make({ r, hour: h, time, svc });
        const log = body.log ?? "stdout";
        seq++;
        const entry: Record<string, unknown> = {
          // The ground-truth marker: problem number, then a sequence number and random hex.
          insertId: `ht${p.id.slice(1)}-${seq.toString(36)}${hex(r, 8)}`,
          ...(body.httpRequest ? { httpRequest: body.httpRequest } : {}),
          ...(body.jsonPayload ? { jsonPayload: body.jsonPayload } : {}),
          ...(body.textPayload !== undefined ? { textPayload: body.textPayload } : {}),
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
          labels: { ...(body.labels ?? {}), instanceId: pick(r, revision.instances) },
          logName: `projects/${PROJECT}/logs/run.googleapis.com%2F${log}`,
          // Cloud Run traces its request logs; these apps do not propagate the trace into their own logs.
          ...(log === "requests" ? { trace: `projects/${PROJECT}/traces/${hex(r, 32)}`, spanId: hex(r, 16), traceSampled: r() < 0.1 } : {}),
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

/** Problem id from a marker insertId ("ht07-…" → "P07"), undefined for anything else. */
export function problemOfInsertId(insertId: unknown): string | undefined {
  if (typeof insertId !== "string") return undefined;
  const m = /^ht(\d\d)-/.exec(insertId);
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

// `node dist/bench/heldout-day/third-day.js DIR [--seed N]`: writes the day to DIR.
if (require.main === module) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf("--seed");
  const dir = args.find((a, i) => !a.startsWith("--") && (seedAt < 0 || i !== seedAt + 1)) ?? "heldout-day-3";
  const day = buildDay(seedAt >= 0 ? Number(args[seedAt + 1]) : undefined);
  writeDay(day, dir);
  const total = Object.values(day.counts).reduce((a, xs) => a + xs.reduce((s, n) => s + n, 0), 0);
  process.stdout.write(`wrote ${day.problems.length} problems, ${total} entries over 24 hours to ${dir}\n`);
}
