/**
 * A held-out labelled day of Cloud Run logs: 24 hours of four services, each entry a Cloud
 * Logging LogEntry as `gcloud logging read --format=json` prints it, WARNING and worse, each
 * written the way its stack logs on Cloud Run:
 *
 * - `ledger-web`: Django behind gunicorn, google-cloud-logging's StructuredLogHandler (message,
 *   sourceLocation, `python_logger` label, the request's partial httpRequest), tracebacks from
 *   `logger.exception`, Django's `django.request` warnings.
 * - `courier-push`: Node with plain pino (`msg`, `pid`, `hostname`, `err.stack`; a level
 *   formatter writes `severity`; no module labels) and Cloud Run request logs.
 * - `intake-gateway`: Go with log/slog's JSON handler (ReplaceAttr renames to message/severity,
 *   AddSource to sourceLocation), a recovered panic with debug.Stack(), request logs.
 * - `finder-search`: Spring Boot with logstash-logback-encoder (`logger_name`, `thread_name`,
 *   `level`, `stack_trace`), Java stack traces, request logs.
 *
 * Every entry belongs to one problem (P01…P31). The problem is recoverable from the entry's
 * insertId only (`hd<NN>-…`): insertId is the de-duplication key and nothing else, so it cannot
 * influence clustering, and it survives into a cluster's samples. Ground truth is the number of
 * entries per (problem, hour). Seeded: the same seed writes the same bytes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hex, int, pick, rng, type Rng } from "../seeded-random";

export { rng };

export const DAY = "2026-11-30";
export const DAY_START = Date.parse(`${DAY}T00:00:00.000Z`);
const PROJECT = "acme-prod-7731";
const HOUR = 3_600_000;

// ---------------------------------------------------------------------------------------------
// Seeded randomness (rng, int, pick, hex from ../seeded-random)

const alnum = (r: Rng, n: number): string =>
  Array.from({ length: n }, () => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(r() * 62)]).join("");
const uuid = (r: Rng): string => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${pick(r, ["8", "9", "a", "b"])}${hex(r, 3)}-${hex(r, 12)}`;
/** A word value from a pool that grows through the day: later hours bring values not seen before. */
const grown = <T>(r: Rng, pool: readonly T[], hour: number, first: number, perHour: number): T =>
  pool[Math.floor(r() * Math.min(pool.length, first + Math.floor(hour * perHour)))]!;

// ---------------------------------------------------------------------------------------------
// Hourly rates

/** Expected entries in `hour` (0…23). */
type Rate = (hour: number) => number;
const steady =
  (n: number): Rate =>
  () =>
    n;
/** Low at night, peak mid-afternoon UTC. */
const diurnal =
  (low: number, peak: number): Rate =>
  (h) =>
    low + (peak - low) * Math.max(0, Math.sin(((h - 4) / 24) * 2 * Math.PI)) ** 2;
const bursts =
  (base: number, burst: number, hours: readonly number[]): Rate =>
  (h) =>
    hours.includes(h) ? burst : base;
const startsAt =
  (hour: number, n: number): Rate =>
  (h) =>
    h >= hour ? n : 0;
const stopsAfter =
  (hour: number, n: number): Rate =>
  (h) =>
    h <= hour ? n : 0;
/** A few entries in some hours, none in others. */
const sparse =
  (hours: readonly number[], n: number): Rate =>
  (h) =>
    hours.includes(h) ? n : 0;

// ---------------------------------------------------------------------------------------------
// Services and entry shapes

interface Service {
  readonly name: string;
  /** Revision in effect from each hour on. */
  readonly revisions: readonly { readonly from: number; readonly name: string }[];
  readonly instances: readonly string[];
  readonly host: string;
}

function service(name: string, revs: readonly [number, string][], r: Rng, host: string): Service {
  return {
    name,
    revisions: revs.map(([from, rev]) => ({ from, name: `${name}-${rev}` })),
    instances: Array.from({ length: 4 }, () => `00${hex(r, 6)}${hex(r, 40)}${hex(r, 40)}${hex(r, 30)}`),
    host,
  };
}

/** What a problem's maker returns: the parts of the LogEntry that differ by stack. */
interface Body {
  readonly severity: "WARNING" | "ERROR" | "CRITICAL";
  readonly log?: "stdout" | "stderr" | "requests";
  readonly jsonPayload?: Record<string, unknown>;
  readonly textPayload?: string;
  readonly httpRequest?: Record<string, unknown>;
  readonly sourceLocation?: { file: string; line: string; function: string };
  readonly labels?: Record<string, string>;
}

interface Ctx {
  readonly r: Rng;
  readonly hour: number;
  readonly time: number;
  readonly svc: Service;
  readonly traceId: string;
}

export interface Problem {
  readonly id: string;
  readonly service: string;
  /** What it is, and what it tests. */
  readonly about: string;
  readonly rate: Rate;
  readonly make: (c: Ctx) => Body;
}

// --- ledger-web: Django + google-cloud-logging StructuredLogHandler --------------------------

const LEDGER_URL = "https://ledger-web-q7xw2lm3ha-uc.a.run.app";

function py(
  c: Ctx,
  severity: Body["severity"],
  logger: string,
  file: string,
  line: number,
  fn: string,
  message: string,
  extra: Record<string, unknown> = {},
  request?: { method: string; path: string },
): Body {
  return {
    severity,
    jsonPayload: { message, ...extra },
    sourceLocation: { file, line: String(line), function: fn },
    labels: { python_logger: logger },
    ...(request
      ? {
          httpRequest: {
            requestMethod: request.method,
            requestUrl: `${LEDGER_URL}${request.path}`,
            userAgent: "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            protocol: "HTTP/1.1",
          },
        }
      : {}),
  };
}

const DECLINE_CODES = ["insufficient_funds", "card_declined", "expired_card", "do_not_honor", "processing_error"];
const TABLES = ["ledger_entries", "invoice_lines", "tax_rates", "credit_notes", "payouts", "refunds", "dunning_events", "coupons"];
const FLAGS = ["new_tax_engine", "dunning_v2", "proration_preview", "usage_alerts", "smart_retries", "annual_discount", "invoice_grouping"];
const SUB_STATES = ["past_due", "unpaid", "incomplete_expired", "paused"];

const pyTraceback = (frames: readonly [string, number, string, string][], last: string): string =>
  [
    "Traceback (most recent call last):",
    ...frames.flatMap(([f, l, fn, code]) => [`  File "${f}", line ${l}, in ${fn}`, `    ${code}`]),
    last,
  ].join("\n");

const WEBHOOK_FRAMES: [string, number, string, string][] = [
  ["/usr/local/lib/python3.12/site-packages/django/core/handlers/exception.py", 55, "inner", "response = get_response(request)"],
  [
    "/usr/local/lib/python3.12/site-packages/django/core/handlers/base.py",
    197,
    "_get_response",
    "response = wrapped_callback(request, *callback_args, **callback_kwargs)",
  ],
];

const ledger: Omit<Problem, "service">[] = [
  {
    id: "P01",
    about: "card decline with an enum-like decline code, invoice and customer ids, inside a request (partial httpRequest)",
    rate: steady(38),
    make: (c) => {
      const inv = int(c.r, 100000, 999999);
      return py(
        c,
        "WARNING",
        "billing.payments",
        "/app/billing/payments.py",
        144,
        "charge_invoice",
        `Charge declined for invoice INV-${inv} (customer cus_${alnum(c.r, 14)}): ${pick(c.r, DECLINE_CODES)}`,
        { json_fields: { invoice: inv } },
        { method: "POST", path: `/api/invoices/${inv}/pay` },
      );
    },
  },
  {
    id: "P02",
    about: "warehouse sync failure; the table name is a word-valued variable (pool grows during the day)",
    rate: diurnal(6, 30),
    make: (c) =>
      py(
        c,
        "ERROR",
        "billing.sync",
        "/app/billing/sync.py",
        73,
        "push_table",
        `Warehouse sync for table ${grown(c.r, TABLES, c.hour, 4, 0.25)} failed after ${int(c.r, 3, 5)} attempts: 504 Deadline Exceeded`,
      ),
  },
  {
    id: "P03",
    about: "Python traceback from logger.exception, account id in the lead line; bursts",
    rate: bursts(3, 90, [2, 3, 15]),
    make: (c) =>
      py(
        c,
        "ERROR",
        "billing.statements",
        "/app/billing/statements.py",
        214,
        "build_statement",
        `Error generating statement for account ${int(c.r, 10000, 99999)}\n${pyTraceback(
          [
            ["/app/billing/statements.py", 211, "build_statement", "totals = summarize(lines)"],
            ["/app/billing/statements.py", 98, "summarize", "rate = Decimal(line.tax_rate)"],
          ],
          "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]",
        )}`,
      ),
  },
  {
    id: "P04",
    about: "near miss with P05: same lead message and file, exception KeyError",
    rate: steady(12),
    make: (c) =>
      py(
        c,
        "ERROR",
        "billing.webhooks",
        "/app/billing/webhooks.py",
        62,
        "handle",
        `Stripe webhook evt_${alnum(c.r, 24)} could not be processed\n${pyTraceback([...WEBHOOK_FRAMES, ["/app/billing/webhooks.py", 57, "handle", 'obj = payload["data"]["object"]']], "KeyError: 'data'")}`,
        {},
        { method: "POST", path: "/webhooks/stripe" },
      ),
  },
  {
    id: "P05",
    about: "near miss with P04: same lead message and file, exception json.decoder.JSONDecodeError",
    rate: sparse([1, 4, 5, 9, 10, 11, 16, 18, 21, 22], 5),
    make: (c) =>
      py(
        c,
        "ERROR",
        "billing.webhooks",
        "/app/billing/webhooks.py",
        62,
        "handle",
        `Stripe webhook evt_${alnum(c.r, 24)} could not be processed\n${pyTraceback(
          [
            ...WEBHOOK_FRAMES,
            ["/app/billing/webhooks.py", 41, "handle", "payload = json.loads(request.body)"],
            ["/usr/local/lib/python3.12/json/__init__.py", 346, "loads", "return _default_decoder.decode(s)"],
            ["/usr/local/lib/python3.12/json/decoder.py", 337, "decode", "obj, end = self.raw_decode(s, idx=_w(s, 0).end())"],
            [
              "/usr/local/lib/python3.12/json/decoder.py",
              355,
              "raw_decode",
              'raise JSONDecodeError("Expecting value", s, err.value) from None',
            ],
          ],
          "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
        )}`,
        {},
        { method: "POST", path: "/webhooks/stripe" },
      ),
  },
  {
    id: "P06",
    about: "Django 404 warning (django.request), numeric id in the path; near miss with P07 (same call site)",
    rate: steady(55),
    make: (c) => {
      const id = int(c.r, 1000, 99999);
      return py(
        c,
        "WARNING",
        "django.request",
        "/usr/local/lib/python3.12/site-packages/django/utils/log.py",
        241,
        "log_response",
        `Not Found: /api/v2/customers/${id}/subscription`,
        {},
        { method: "GET", path: `/api/v2/customers/${id}/subscription` },
      );
    },
  },
  {
    id: "P07",
    about: "near miss with P06: Django CSRF 403 from the same call site; starts at hour 13 (a deploy)",
    rate: startsAt(13, 24),
    make: (c) => {
      const id = int(c.r, 1000, 99999);
      return py(
        c,
        "WARNING",
        "django.request",
        "/usr/local/lib/python3.12/site-packages/django/utils/log.py",
        241,
        "log_response",
        `Forbidden (CSRF token missing.): /api/v2/customers/${id}/payment-methods`,
        {},
        { method: "POST", path: `/api/v2/customers/${id}/payment-methods` },
      );
    },
  },
  {
    id: "P08",
    about: "feature-flag evaluation fallback; the flag name is a word-valued variable; stops after hour 9",
    rate: stopsAfter(9, 20),
    make: (c) =>
      py(
        c,
        "WARNING",
        "billing.flags",
        "/app/billing/flags.py",
        30,
        "evaluate",
        `Flag ${grown(c.r, FLAGS, c.hour, 3, 0.5)} evaluation failed, serving default (flagd: connection refused)`,
      ),
  },
  {
    id: "P09",
    about: "renewal skipped; enum-like subscription state and a numeric id",
    rate: steady(22),
    make: (c) =>
      py(
        c,
        "WARNING",
        "billing.renewals",
        "/app/billing/renewals.py",
        118,
        "renew",
        `Skipping renewal of subscription ${int(c.r, 100000, 999999)}: status is ${pick(c.r, SUB_STATES)}`,
      ),
  },
];

// --- courier-push: Node + pino (no module labels) ---------------------------------------------

function pino(c: Ctx, severity: Body["severity"], msg: string, extra: Record<string, unknown> = {}): Body {
  return {
    severity,
    jsonPayload: { time: c.time, pid: 1, hostname: "localhost", reqId: `req-${int(c.r, 1, 99999).toString(36)}`, ...extra, msg },
  };
}

function request(c: Ctx, severity: Body["severity"], method: string, url: string, status: number, latencyS: number, ua: string): Body {
  return {
    severity,
    log: "requests",
    httpRequest: {
      requestMethod: method,
      requestUrl: url,
      requestSize: String(int(c.r, 200, 4000)),
      status,
      responseSize: String(int(c.r, 80, 900)),
      userAgent: ua,
      remoteIp: `${int(c.r, 1, 223)}.${int(c.r, 0, 255)}.${int(c.r, 0, 255)}.${int(c.r, 1, 254)}`,
      serverIp: "216.239.32.53",
      latency: `${latencyS.toFixed(6)}s`,
      protocol: "HTTP/1.1",
    },
  };
}

const QUEUES = ["email-digest", "sms-otp", "push-marketing", "webhook-fanout", "inapp-badges", "weekly-summary"];
const RELAYS = ["postfix-west.mail.internal", "postfix-east.mail.internal", "relay-canary.mail.internal", "relay-main.mail.internal"];
const USERS = [
  "margot",
  "dieter",
  "akira",
  "beatriz",
  "oluwaseun",
  "ingrid",
  "rafael",
  "siobhan",
  "tomasz",
  "yuki",
  "anouk",
  "bjorn",
  "chiara",
  "dmitri",
  "esme",
  "farid",
  "greta",
  "hamish",
  "ines",
  "jarrah",
  "kasimir",
  "leilani",
  "mateo",
  "nadia",
  "orla",
  "pavel",
  "quentin",
  "rosalind",
  "santiago",
  "thandiwe",
  "ulrich",
  "valentina",
  "wendell",
  "ximena",
  "yusuf",
  "zofia",
  "aurelio",
  "brigid",
  "cosima",
  "desmond",
];

const NODE_STACK = [
  "TypeError: Cannot read properties of undefined (reading 'locale')",
  "    at renderTemplate (/srv/courier/dist/templates/render.js:88:31)",
  "    at Array.map (<anonymous>)",
  "    at buildBatch (/srv/courier/dist/workers/email.js:142:27)",
  "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)",
  "    at async EmailWorker.handle (/srv/courier/dist/workers/email.js:61:20)",
].join("\n");

const courier: Omit<Problem, "service">[] = [
  {
    id: "P10",
    about: "dead-lettered job: UUID and queue name (word-valued) in the message",
    rate: diurnal(4, 26),
    make: (c) =>
      pino(c, "ERROR", `job ${uuid(c.r)} on queue ${pick(c.r, QUEUES)} exhausted 5 attempts, moving to dead-letter`, { attempts: 5 }),
  },
  {
    id: "P11",
    about: "SMTP relay refused; hostname without digits and a retry duration",
    rate: steady(18),
    make: (c) => pino(c, "WARNING", `smtp relay ${pick(c.r, RELAYS)} refused connection, retrying in ${pick(c.r, [5, 10, 30, 60])}s`),
  },
  {
    id: "P12",
    about: "near miss with P13: a constant short event message, verb 'evicted'",
    rate: steady(20),
    make: (c) => pino(c, "WARNING", "device registry cache evicted", { entries: int(c.r, 2000, 90000), reason: "memory pressure" }),
  },
  {
    id: "P13",
    about: "near miss with P12: a constant short event message, verb 'rebuilt'",
    rate: steady(14),
    make: (c) => pino(c, "WARNING", "device registry cache rebuilt", { entries: int(c.r, 2000, 90000), tookMs: int(c.r, 300, 9000) }),
  },
  {
    id: "P14",
    about: "Node TypeError with err.stack (pino err serializer), template id in a field; bursts",
    rate: bursts(2, 70, [7, 8, 20]),
    make: (c) =>
      pino(c, "ERROR", "failed to render notification", {
        templateId: `tpl_${alnum(c.r, 10)}`,
        err: { type: "TypeError", message: "Cannot read properties of undefined (reading 'locale')", stack: NODE_STACK },
      }),
  },
  {
    id: "P15",
    about: "expired unsubscribe token; the user name is a word-valued variable from a pool of 40 that grows all day",
    rate: steady(30),
    make: (c) => pino(c, "WARNING", `unsubscribe token for user ${grown(c.r, USERS, c.hour, 8, 1.4)} expired ${int(c.r, 1, 90)} days ago`),
  },
  {
    id: "P16",
    about: "partner endpoint gone; a UUID; a few entries in some hours only",
    rate: sparse([0, 3, 6, 12, 13, 17, 23], 3),
    make: (c) =>
      pino(c, "WARNING", `partner endpoint returned 410 Gone, disabling subscription ${uuid(c.r)}`, {
        partner: "hooks.example-partner.com",
      }),
  },
  {
    id: "P17",
    about: "Cloud Run request log, 503 on a POST",
    rate: steady(6),
    make: (c) =>
      request(
        c,
        "ERROR",
        "POST",
        `https://courier-push-q7xw2lm3ha-uc.a.run.app/v1/notifications`,
        503,
        10 + c.r() * 20,
        "Go-http-client/2.0",
      ),
  },
];

// --- intake-gateway: Go + log/slog JSON handler ------------------------------------------------

function slog(
  c: Ctx,
  severity: Body["severity"],
  file: string,
  line: number,
  fn: string,
  message: string,
  attrs: Record<string, unknown> = {},
): Body {
  return {
    severity,
    jsonPayload: { time: new Date(c.time).toISOString(), message, ...attrs },
    sourceLocation: { file, line: String(line), function: fn },
  };
}

const TENANTS = ["northwind", "globex", "initech", "umbrella", "hooli", "vandelay", "soylent", "wonka", "cyberdyne", "tyrell"];
const SUBSCRIPTIONS = ["events-raw", "events-enriched", "events-replay", "audit-mirror"];
const DECODE = ["/src/intake/internal/wire/decode.go", 203, "github.com/acme/intake/internal/wire.(*Reader).Next"] as const;

function goStack(r: Rng): string {
  return [
    `goroutine ${int(r, 100, 99999)} [running]:`,
    "runtime/debug.Stack()",
    "\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e",
    "github.com/acme/intake/internal/httpx.Recover.func1.1()",
    "\t/src/intake/internal/httpx/recover.go:21 +0x6b",
    `panic({0xa1b2c0?, 0xc000${hex(r, 6)}?})`,
    "\t/usr/local/go/src/runtime/panic.go:785 +0x132",
    `github.com/acme/intake/internal/enrich.(*GeoTagger).Tag(0xc000${hex(r, 6)}, {0xc00${hex(r, 7)}, 0x3, 0x3})`,
    "\t/src/intake/internal/enrich/geo.go:77 +0x3f5",
    `github.com/acme/intake/internal/api.(*Handler).Ingest(0xc000${hex(r, 6)}, {0xbb1e40, 0xc000${hex(r, 6)}}, 0xc000${hex(r, 6)})`,
    "\t/src/intake/internal/api/ingest.go:112 +0x2a1",
    "net/http.HandlerFunc.ServeHTTP(0x0?, {0xbb1e40?, 0xc000${hex}?}, 0x0?)".replace("${hex}", hex(r, 6)),
    "\t/usr/local/go/src/net/http/server.go:2220 +0x29",
  ].join("\n");
}

const intake: Omit<Problem, "service">[] = [
  {
    id: "P18",
    about: "batch dropped over quota; tenant slug is a word-valued variable (pool grows) plus a count",
    rate: steady(34),
    make: (c) =>
      slog(
        c,
        "ERROR",
        "/src/intake/internal/sink/writer.go",
        158,
        "github.com/acme/intake/internal/sink.(*Writer).Flush",
        `dropping batch of ${int(c.r, 50, 5000)} events: tenant ${grown(c.r, TENANTS, c.hour, 5, 0.3)} is over its storage quota`,
        { component: "sink" },
      ),
  },
  {
    id: "P19",
    about: "near miss with P20: same call site (decode.go Next), text 'unexpected EOF'",
    rate: steady(20),
    make: (c) =>
      slog(c, "ERROR", ...DECODE, "decode frame: unexpected EOF", {
        conn: `10.8.${int(c.r, 0, 255)}.${int(c.r, 1, 254)}:${int(c.r, 30000, 60000)}`,
      }),
  },
  {
    id: "P20",
    about: "near miss with P19: same call site, text 'crc mismatch' with hex values",
    rate: diurnal(3, 18),
    make: (c) =>
      slog(c, "ERROR", ...DECODE, `decode frame: crc mismatch (got 0x${hex(c.r, 8)}, want 0x${hex(c.r, 8)})`, {
        conn: `10.8.${int(c.r, 0, 255)}.${int(c.r, 1, 254)}:${int(c.r, 30000, 60000)}`,
      }),
  },
  {
    id: "P21",
    about: "consumer lag; Pub/Sub subscription name (word-valued), a count and a duration; bursts",
    rate: bursts(5, 60, [6, 7, 19]),
    make: (c) =>
      slog(
        c,
        "WARNING",
        "/src/intake/internal/pull/consumer.go",
        88,
        "github.com/acme/intake/internal/pull.(*Consumer).throttle",
        `consumer lag ${int(c.r, 10000, 900000)} messages on subscription ${pick(c.r, SUBSCRIPTIONS)}, pausing pulls for ${pick(c.r, [250, 500, 1000, 2000])}ms`,
      ),
  },
  {
    id: "P22",
    about: "recovered panic logged with a debug.Stack() attribute (goroutine ids and pointers vary); starts at hour 13 with a new revision",
    rate: startsAt(13, 16),
    make: (c) =>
      slog(
        c,
        "ERROR",
        "/src/intake/internal/httpx/recover.go",
        24,
        "github.com/acme/intake/internal/httpx.Recover.func1.1",
        "panic recovered in handler",
        {
          panic: "runtime error: index out of range [3] with length 3",
          stack: goStack(c.r),
          path: "/v1/events",
        },
      ),
  },
  {
    id: "P23",
    about: "Cloud Run request log, 429 on POST /v1/events; bursts with P21",
    rate: bursts(4, 120, [6, 7, 19]),
    make: (c) =>
      request(c, "WARNING", "POST", `https://intake-gateway-q7xw2lm3ha-uc.a.run.app/v1/events`, 429, c.r() * 0.01, "acme-sdk-python/3.4.1"),
  },
  {
    id: "P24",
    about: "Cloud Run request log, 504 on a stream cursor (numeric id in the path)",
    rate: steady(5),
    make: (c) =>
      request(
        c,
        "ERROR",
        "GET",
        `https://intake-gateway-q7xw2lm3ha-uc.a.run.app/v1/streams/${int(c.r, 1000, 99999)}/cursor?after=${int(c.r, 1, 1e9)}`,
        504,
        60 + c.r(),
        "acme-sdk-go/1.9.0",
      ),
  },
];

// --- finder-search: Spring Boot + logstash-logback-encoder ------------------------------------

function logback(
  c: Ctx,
  severity: Body["severity"],
  logger: string,
  thread: string,
  message: string,
  stack?: string,
  mdc: Record<string, unknown> = {},
): Body {
  return {
    severity,
    jsonPayload: {
      "@timestamp": new Date(c.time).toISOString(),
      "@version": "1",
      message,
      logger_name: logger,
      thread_name: thread,
      level: severity === "WARNING" ? "WARN" : "ERROR",
      level_value: severity === "WARNING" ? 30000 : 40000,
      ...(stack !== undefined ? { stack_trace: stack } : {}),
      traceId: c.traceId,
      ...mdc,
    },
  };
}

const ALIASES = ["products_live", "suggestions_live", "stores_live", "synonyms_live"];
const PREFIXES = ["facet", "autocomplete", "geo", "price", "ranking", "banner", "promo"];
const NODES = ["opensearch-amber", "opensearch-birch", "opensearch-cedar", "opensearch-dune", "opensearch-ember", "opensearch-fjord"];

const JAVA_TAIL = [
  "\tat org.springframework.scheduling.support.ScheduledMethodRunnable.runInternal(ScheduledMethodRunnable.java:130)",
  "\tat org.springframework.scheduling.support.ScheduledMethodRunnable.run(ScheduledMethodRunnable.java:124)",
  "\tat java.base/java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:572)",
  "\tat java.base/java.lang.Thread.run(Thread.java:1583)",
];

const finder: Omit<Problem, "service">[] = [
  {
    id: "P25",
    about: "near miss with P26: same logger and message, java.lang.IllegalStateException",
    rate: steady(8),
    make: (c) => {
      const alias = pick(c.r, ALIASES);
      return logback(
        c,
        "ERROR",
        "com.acme.finder.index.ReindexJob",
        `scheduling-${int(c.r, 1, 4)}`,
        `Reindex of alias ${alias} failed`,
        [
          `java.lang.IllegalStateException: alias ${alias} has no backing index`,
          "\tat com.acme.finder.index.ReindexJob.swapAlias(ReindexJob.java:184)",
          "\tat com.acme.finder.index.ReindexJob.run(ReindexJob.java:92)",
          ...JAVA_TAIL,
        ].join("\n"),
      );
    },
  },
  {
    id: "P26",
    about: "near miss with P25: same logger and message, java.net.SocketTimeoutException",
    rate: diurnal(2, 14),
    make: (c) =>
      logback(
        c,
        "ERROR",
        "com.acme.finder.index.ReindexJob",
        `scheduling-${int(c.r, 1, 4)}`,
        `Reindex of alias ${pick(c.r, ALIASES)} failed`,
        [
          "java.net.SocketTimeoutException: Read timed out",
          "\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:278)",
          "\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:304)",
          "\tat org.apache.http.impl.io.SessionInputBufferImpl.streamRead(SessionInputBufferImpl.java:137)",
          "\tat org.opensearch.client.RestClient.performRequest(RestClient.java:288)",
          "\tat com.acme.finder.index.ReindexJob.bulkCopy(ReindexJob.java:141)",
          "\tat com.acme.finder.index.ReindexJob.run(ReindexJob.java:88)",
          ...JAVA_TAIL,
        ].join("\n"),
      ),
  },
  {
    id: "P27",
    about: "cache miss storm; cache-key prefix is a word-valued variable (pool grows) plus a count",
    rate: bursts(12, 45, [11, 12]),
    make: (c) =>
      logback(
        c,
        "WARNING",
        "com.acme.finder.cache.CacheMetrics",
        "metrics-reporter",
        `cache miss storm on prefix ${grown(c.r, PREFIXES, c.hour, 4, 0.2)}:* (${int(c.r, 500, 20000)} misses in the last 60s)`,
      ),
  },
  {
    id: "P28",
    about: "slow query; node hostname without digits and a duration",
    rate: diurnal(25, 110),
    make: (c) =>
      logback(
        c,
        "WARNING",
        "com.acme.finder.search.SlowQueryLog",
        `http-nio-8080-exec-${int(c.r, 1, 200)}`,
        `slow query on node ${pick(c.r, NODES)} took ${int(c.r, 501, 9000)} ms (threshold 500 ms)`,
        undefined,
        { index: "products" },
      ),
  },
  {
    id: "P29",
    about: "Cloud Run request log, 500 on GET /api/search with a query string",
    rate: steady(10),
    make: (c) =>
      request(
        c,
        "ERROR",
        "GET",
        `https://finder-search-q7xw2lm3ha-uc.a.run.app/api/search?q=${pick(c.r, ["boots", "lamp", "desk", "kettle"])}&page=${int(c.r, 1, 9)}`,
        500,
        c.r() * 2,
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15",
      ),
  },
  {
    id: "P30",
    about: "near miss with P31: Spring's exception resolver (same logger), HttpMediaTypeNotAcceptableException",
    rate: steady(9),
    make: (c) =>
      logback(
        c,
        "WARNING",
        "org.springframework.web.servlet.mvc.method.annotation.ExceptionHandlerExceptionResolver",
        `http-nio-8080-exec-${int(c.r, 1, 200)}`,
        "Resolved [org.springframework.web.HttpMediaTypeNotAcceptableException: No acceptable representation]",
      ),
  },
  {
    id: "P31",
    about: "near miss with P30: same resolver, MissingServletRequestParameterException",
    rate: diurnal(1, 12),
    make: (c) =>
      logback(
        c,
        "WARNING",
        "org.springframework.web.servlet.mvc.method.annotation.ExceptionHandlerExceptionResolver",
        `http-nio-8080-exec-${int(c.r, 1, 200)}`,
        "Resolved [org.springframework.web.bind.MissingServletRequestParameterException: Required request parameter 'q' for method parameter type String is not present]",
      ),
  },
];

// ---------------------------------------------------------------------------------------------
// The day

export interface Day {
  readonly problems: readonly Problem[];
  /** counts[problemId][hour] */
  readonly counts: Readonly<Record<string, readonly number[]>>;
  /** One JSON-lines text per hour, entries in timestamp order. */
  readonly hours: readonly string[];
}

export const SERVICE_NAMES = ["ledger-web", "courier-push", "intake-gateway", "finder-search"] as const;

export function buildDay(seed = 20261130): Day {
  const r = rng(seed);
  const services = new Map<string, Service>([
    ["ledger-web", service("ledger-web", [[0, "00142-xoz"]], r, "ledger")],
    [
      "courier-push",
      service(
        "courier-push",
        [
          [0, "00311-bam"],
          [16, "00312-tel"],
        ],
        r,
        "courier",
      ),
    ],
    [
      "intake-gateway",
      service(
        "intake-gateway",
        [
          [0, "00057-riv"],
          [13, "00058-jup"],
        ],
        r,
        "intake",
      ),
    ],
    ["finder-search", service("finder-search", [[0, "00090-hax"]], r, "finder")],
  ]);
  const problems: Problem[] = [
    ...ledger.map((p) => ({ ...p, service: "ledger-web" })),
    ...courier.map((p) => ({ ...p, service: "courier-push" })),
    ...intake.map((p) => ({ ...p, service: "intake-gateway" })),
    ...finder.map((p) => ({ ...p, service: "finder-search" })),
  ];
  const counts: Record<string, number[]> = {};
  for (const p of problems) {
    counts[p.id] = Array.from({ length: 24 }, (_, h) => {
      const expected = p.rate(h);
      return expected <= 0 ? 0 : Math.max(1, Math.round(expected * (0.8 + 0.4 * r())));
    });
  }
  const hours: string[] = [];
  let seq = 0;
  for (let h = 0; h < 24; h++) {
    const rows: { time: number; text: string }[] = [];
    for (const p of problems) {
      const svc = services.get(p.service)!;
      const revision = [...svc.revisions].reverse().find((rv) => rv.from <= h)!.name;
      const n = counts[p.id]![h]!;
      for (let i = 0; i < n; i++) {
        const time = DAY_START + h * HOUR + Math.floor(r() * HOUR);
        const traceId = hex(r, 32);
        const body = p.make({ r, hour: h, time, svc, traceId });
        const log = body.log ?? "stdout";
        const ts = new Date(time).toISOString().replace("Z", `${String(int(r, 0, 999)).padStart(3, "0")}Z`);
        seq++;
        const entry: Record<string, unknown> = {
          // The ground-truth marker: problem number, then a sequence number and random hex.
          insertId: `hd${p.id.slice(1)}-${seq.toString(36)}${hex(r, 8)}`,
          ...(body.httpRequest ? { httpRequest: body.httpRequest } : {}),
          ...(body.jsonPayload ? { jsonPayload: body.jsonPayload } : {}),
          ...(body.textPayload !== undefined ? { textPayload: body.textPayload } : {}),
          resource: {
            type: "cloud_run_revision",
            labels: {
              configuration_name: svc.name,
              location: "europe-west1",
              project_id: PROJECT,
              revision_name: revision,
              service_name: svc.name,
            },
          },
          timestamp: ts,
          severity: body.severity,
          labels: { instanceId: pick(r, svc.instances), ...(body.labels ?? {}) },
          logName: `projects/${PROJECT}/logs/run.googleapis.com%2F${log}`,
          ...(log !== "requests"
            ? { trace: `projects/${PROJECT}/traces/${traceId}`, spanId: hex(r, 16) }
            : { trace: `projects/${PROJECT}/traces/${traceId}` }),
          ...(body.sourceLocation ? { sourceLocation: body.sourceLocation } : {}),
          receiveTimestamp: new Date(time + int(r, 20, 900)).toISOString(),
        };
        rows.push({ time, text: JSON.stringify(entry) });
      }
    }
    rows.sort((a, b) => a.time - b.time);
    hours.push(rows.map((x) => x.text).join("\n") + "\n");
  }
  return { problems, counts, hours };
}

/** Problem id from a marker insertId ("hd07-…" → "P07"), undefined for anything else. */
export function problemOfInsertId(insertId: unknown): string | undefined {
  if (typeof insertId !== "string") return undefined;
  const m = /^hd(\d\d)-/.exec(insertId);
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

// `node dist/bench/heldout-day/day.js DIR [--seed N]`: writes the day to DIR.
if (require.main === module) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith("--")) ?? "heldout-day";
  const seedAt = args.indexOf("--seed");
  const day = buildDay(seedAt >= 0 ? Number(args[seedAt + 1]) : undefined);
  writeDay(day, dir);
  const total = Object.values(day.counts).reduce((a, xs) => a + xs.reduce((s, n) => s + n, 0), 0);
  process.stdout.write(`wrote ${day.problems.length} problems, ${total} entries over 24 hours to ${dir}\n`);
}
