/**
 * A second held-out labelled day of Cloud Run logs, independent of the first
 * (bench/heldout-day/day.ts): other services, other stacks, other problems. 24 hours of four
 * services, each entry a Cloud Logging LogEntry as `gcloud logging read --format=json` prints it
 * (keys sorted), resource `cloud_run_revision`, WARNING and worse:
 *
 * - `quote-api`: Python FastAPI on gunicorn with uvicorn workers, python-json-logger on the root
 *   logger (`levelname` renamed to `severity`; `name`, `module`, `funcName`, `lineno`, extras at
 *   the top level, the traceback in `exc_info`), plus plain-text stderr lines from gunicorn's
 *   arbiter and Python's warnings module (`textPayload`) and Cloud Run request logs.
 * - `hooks-relay`: Node with bunyan (numeric `level`, `msg`, `name`, `hostname`, `pid`, `v`,
 *   an `err` object with `stack`; a stream adds `severity` from the level), ioredis's unhandled
 *   error line on stderr, and request logs (including Cloud Run's own 504 timeout text).
 * - `route-planner`: Go with zap's production JSON encoder remapped for Cloud Logging
 *   (`severity`, `message`, `caller`, `logger`, `stacktrace` at ERROR), a recovered panic with
 *   debug.Stack(), and request logs (Cloud Run's "no available instance" 429s).
 * - `inventory-sync`: Kotlin/Ktor with Log4j2's JsonTemplateLayout GCP layout (`message` with the
 *   stack trace appended, `_exception`, `_thread`, `_logger`; source location, MDC labels and
 *   timestamp taken out of the payload by Cloud Logging), Java stack traces with `Caused by`, and
 *   request logs.
 *
 * Every entry belongs to one problem (P01…P31), one root cause an on-call engineer would fix
 * once. The problem is recoverable from the entry's insertId only (`hs<NN>-…`): insertId is the
 * de-duplication key and nothing else. Ground truth is the number of entries per (problem, hour).
 * Seeded: the same seed writes the same bytes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hex, int, pick, rng, type Rng } from "../seeded-random";

export { rng };

export const DAY = "2026-11-29";
export const DAY_START = Date.parse(`${DAY}T00:00:00.000Z`);
const PROJECT = "freightly-prod-4410";
const LOCATION = "europe-west4";
const HOUR = 3_600_000;

// --- randomness helpers -----------------------------------------------------------------------

const uuid = (r: Rng): string => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${pick(r, ["8", "9", "a", "b"])}${hex(r, 3)}-${hex(r, 12)}`;
/** A few values carry most of the traffic, as in real logs. */
const skewed = <T>(r: Rng, pool: readonly T[]): T => pool[Math.floor(pool.length * r() ** 2)]!;
/**
 * A pool that grows through the day: `first` values are known from hour 0, `perHour` more each
 * hour after; the newest ones are over-represented (a new customer, a new depot going live).
 */
function grown<T>(r: Rng, pool: readonly T[], hour: number, first: number, perHour: number): T {
  const n = Math.min(pool.length, first + Math.floor(hour * perHour));
  const fresh = Math.min(n - first, Math.max(1, Math.ceil(perHour * 2)));
  if (fresh > 0 && r() < 0.2) return pool[n - 1 - Math.floor(r() * fresh)]!;
  return pool[Math.floor(n * r() ** 3)]!;
}
const ip = (r: Rng): string => `${pick(r, ["203.0.113", "198.51.100", "192.0.2", "100.24.17", "34.90.12"])}.${int(r, 1, 254)}`;
const latency = (r: Rng, lo: number, hi: number): string => `${(lo + r() * (hi - lo)).toFixed(6)}s`;

// --- rates (expected entries per hour) --------------------------------------------------------

type Rate = (hour: number) => number;
/** 0 at 02 UTC, 1 at 14 UTC: European business hours. */
const dayShape = (h: number): number => (1 - Math.cos(((h - 2) / 24) * 2 * Math.PI)) / 2;
const diurnal =
  (peak: number, night: number): Rate =>
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
  (hours: Readonly<Record<number, number>>): Rate =>
  (h) =>
    hours[h] ?? 0;
const startsAt =
  (from: number, base: Rate): Rate =>
  (h) =>
    h >= from ? base(h) : 0;
const stopsAfter =
  (last: number, base: Rate): Rate =>
  (h) =>
    h <= last ? base(h) : 0;

// --- shapes shared by every problem -----------------------------------------------------------

interface Service {
  readonly name: string;
  readonly url: string;
  /** Revision in effect from each hour on, with its own instances. */
  readonly revisions: readonly { readonly from: number; readonly name: string; readonly instances: readonly string[] }[];
}

function service(name: string, revs: readonly [number, string][], r: Rng): Service {
  return {
    name,
    url: `https://${name}-${hex(r, 10).replace(/[0-9]/g, (d) => "kmpqrstvwx"[Number(d)]!)}-ez.a.run.app`,
    revisions: revs.map(([from, rev]) => ({
      from,
      name: `${name}-${rev}`,
      instances: Array.from({ length: 3 }, () => `00${hex(r, 6)}${hex(r, 40)}${hex(r, 40)}${hex(r, 30)}`),
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
  readonly sourceLocation?: { file: string; line: string; function: string };
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

/** A Cloud Run request log: httpRequest, no payload (or Cloud Run's own text for 429/504). */
function request(
  c: Ctx,
  severity: Body["severity"],
  method: string,
  pathAndQuery: string,
  status: number,
  lat: string,
  userAgent: string,
  textPayload?: string,
): Body {
  return {
    severity,
    log: "requests",
    httpRequest: {
      latency: lat,
      protocol: "HTTP/1.1",
      remoteIp: ip(c.r),
      requestMethod: method,
      requestSize: String(method === "GET" || method === "HEAD" ? int(c.r, 300, 900) : int(c.r, 900, 6000)),
      requestUrl: `${c.svc.url}${pathAndQuery}`,
      responseSize: String(textPayload ? int(c.r, 40, 120) : int(c.r, 120, 900)),
      serverIp: `169.254.${int(c.r, 1, 8)}.${int(c.r, 1, 254)}`,
      status,
      userAgent,
    },
    ...(textPayload !== undefined ? { textPayload } : {}),
  };
}

// --- quote-api: FastAPI + uvicorn/gunicorn, python-json-logger ---------------------------------

function py(
  severity: Body["severity"],
  logger: string,
  where: readonly [module: string, funcName: string, lineno: number],
  message: string,
  extra: Record<string, unknown> = {},
  excInfo?: string,
): Body {
  return {
    severity,
    jsonPayload: {
      message,
      name: logger,
      module: where[0],
      funcName: where[1],
      lineno: where[2],
      ...extra,
      ...(excInfo !== undefined ? { exc_info: excInfo } : {}),
    },
  };
}

const ACCOUNTS = [
  "bluefin-outdoor",
  "kettle-and-co",
  "northpier",
  "alder-home",
  "pebble-pets",
  "tallow-candles",
  "brightmoor",
  "copperleaf",
  "driftwood-supply",
  "ember-goods",
  "fennel-kitchen",
  "glasshouse",
  "harbourline",
  "ironbark",
  "juniper-lane",
  "kestrel-bikes",
  "lumen-optics",
  "marrow-books",
  "nettle-tea",
  "oakridge-tools",
  "pinecone-toys",
  "quill-paper",
  "rowan-textiles",
  "saltmarsh",
  "thistle-beauty",
  "umber-ceramics",
  "vale-coffee",
  "willow-baby",
  "yarrow-garden",
  "zephyr-sports",
  "amberly",
  "birchwood-pharma",
  "cobalt-audio",
  "dovetail-furniture",
  "elmstead",
  "foxglove-florals",
  "garnet-jewels",
  "hazel-bakery",
  "indigo-denim",
  "jasper-wines",
] as const;
const CARRIERS = ["dhl", "dpd", "gls", "ups", "postnl", "fedex"] as const;
const COUNTRIES = ["DE", "NL", "FR", "BE", "PL", "AT", "ES", "IT", "DK", "SE", "CZ", "GB"] as const;
const PLANS = ["starter", "growth", "scale", "enterprise"] as const;
const PLAN_QUOTA: Record<(typeof PLANS)[number], number> = { starter: 500, growth: 5000, scale: 25000, enterprise: 100000 };
const FLAGS = ["eco_routing", "split_shipments", "dynamic_fuel_surcharge", "carrier_auto_select", "green_delivery_badge"] as const;

const SITE = "/usr/local/lib/python3.12/site-packages";
const pyTraceback = (chains: readonly (readonly (readonly [string, number, string, string])[])[], lasts: readonly string[]): string =>
  chains
    .map(
      (frames, i) =>
        "Traceback (most recent call last):\n" +
        frames.map(([file, line, fn, code]) => `  File "${file}", line ${line}, in ${fn}\n${code ? `    ${code}\n` : ""}`).join("") +
        lasts[i],
    )
    .join("\n\nThe above exception was the direct cause of the following exception:\n\n");

const CARRIER_TIMEOUT = pyTraceback(
  [
    [
      [`${SITE}/httpx/_transports/default.py`, 101, "map_httpcore_exceptions", "yield"],
      [`${SITE}/httpx/_transports/default.py`, 394, "handle_async_request", "resp = await self._pool.handle_async_request(req)"],
      [`${SITE}/httpcore/_async/connection_pool.py`, 256, "handle_async_request", "raise exc from None"],
      [`${SITE}/httpcore/_async/http11.py`, 217, "_receive_event", "data = await self._network_stream.read("],
      [`${SITE}/httpcore/_backends/anyio.py`, 32, "read", "with map_exceptions(exc_map):"],
      [`/usr/local/lib/python3.12/contextlib.py`, 158, "__exit__", "self.gen.throw(value)"],
      [`${SITE}/httpcore/_exceptions.py`, 14, "map_exceptions", "raise to_exc(exc) from exc"],
    ],
    [
      ["/app/quote/carriers/client.py", 58, "fetch_rates", "resp = await self._http.post(url, json=payload, timeout=self.timeout)"],
      [`${SITE}/httpx/_client.py`, 1905, "post", "return await self.request("],
      [`${SITE}/httpx/_client.py`, 1585, "request", "return await self.send(request, auth=auth, follow_redirects=follow_redirects)"],
      [`${SITE}/httpx/_client.py`, 1674, "send", "response = await self._send_handling_auth("],
      [`${SITE}/httpx/_transports/default.py`, 393, "handle_async_request", "with map_httpcore_exceptions():"],
      [`/usr/local/lib/python3.12/contextlib.py`, 158, "__exit__", "self.gen.throw(value)"],
      [`${SITE}/httpx/_transports/default.py`, 118, "map_httpcore_exceptions", "raise mapped_exc(message) from exc"],
    ],
  ],
  ["httpcore.ReadTimeout", "httpx.ReadTimeout"],
);

const SAVE_QUOTE_HEAD: [string, number, string, string][] = [
  ["/app/quote/api/quotes.py", 74, "create_quote", "await store.save_quote(quote)"],
  ["/app/quote/store.py", 112, "save_quote", "async with self._pool.acquire() as conn:"],
];
const uniqueViolation = (key: string): string =>
  pyTraceback(
    [
      [
        ["/app/quote/api/quotes.py", 74, "create_quote", "await store.save_quote(quote)"],
        ["/app/quote/store.py", 118, "save_quote", "await conn.execute(INSERT_QUOTE, *row)"],
        [`${SITE}/asyncpg/connection.py`, 352, "execute", "_, status, _ = await self._execute("],
        [`${SITE}/asyncpg/connection.py`, 1864, "_execute", "result, _ = await self.__execute("],
        [`${SITE}/asyncpg/connection.py`, 1961, "__execute", "result, stmt = await self._do_execute("],
        [`${SITE}/asyncpg/connection.py`, 2024, "_do_execute", "result = await executor(stmt, None)"],
        ["asyncpg/protocol/protocol.pyx", 207, "bind_execute", ""],
      ],
    ],
    [
      `asyncpg.exceptions.UniqueViolationError: duplicate key value violates unique constraint "quotes_idempotency_key_key"\nDETAIL:  Key (idempotency_key)=(${key}) already exists.`,
    ],
  );
const TOO_MANY_CONNECTIONS = pyTraceback(
  [
    [
      ...SAVE_QUOTE_HEAD,
      [`${SITE}/asyncpg/pool.py`, 1024, "__aenter__", "self.connection = await self.pool._acquire(self.timeout)"],
      [`${SITE}/asyncpg/pool.py`, 864, "_acquire", "return await _acquire_impl()"],
      [`${SITE}/asyncpg/pool.py`, 849, "_acquire_impl", "await ch.connect()"],
      [`${SITE}/asyncpg/pool.py`, 140, "connect", "self._con = await self._pool._get_new_connection()"],
      [`${SITE}/asyncpg/connect_utils.py`, 1049, "_connect_addr", "return await __connect_addr(params, True, *args)"],
      [`${SITE}/asyncpg/connect_utils.py`, 1102, "__connect_addr", "await connected"],
    ],
  ],
  ["asyncpg.exceptions.TooManyConnectionsError: remaining connection slots are reserved for roles with the SUPERUSER attribute"],
);

const quote: Omit<Problem, "service">[] = [
  {
    id: "P01",
    about: "carrier rate API read timeouts (httpx traceback with a chained cause); carrier and lane countries vary",
    rate: diurnal(45, 1.5),
    make: (c) => {
      const carrier = skewed(c.r, CARRIERS);
      const from = skewed(c.r, COUNTRIES);
      const to = pick(c.r, COUNTRIES);
      const timeout = carrier === "fedex" ? "12.0" : "8.0";
      return py(
        "ERROR",
        "quote.carriers",
        ["client", "fetch_rates", 64],
        `Rate lookup for carrier ${carrier} on lane ${from}-${to} timed out after ${timeout}s; serving cached rate card`,
        { carrier, request_id: uuid(c.r) },
        CARRIER_TIMEOUT,
      );
    },
  },
  {
    id: "P02",
    about:
      "near miss with P03: same logger.exception call and lead message, UniqueViolationError on the idempotency key (a retry bug); account names grow through the day",
    rate: diurnal(8, 0.4),
    make: (c) => {
      const account = grown(c.r, ACCOUNTS, c.hour, 10, 1.2);
      return py(
        "ERROR",
        "quote.store",
        ["quotes", "create_quote", 77],
        `Failed to persist quote ${uuid(c.r)} for account ${account}`,
        { account },
        uniqueViolation(hex(c.r, 32)),
      );
    },
  },
  {
    id: "P03",
    about: "near miss with P02: same call and lead message, TooManyConnectionsError (connection pool exhaustion, in bursts)",
    rate: only({ 8: 40, 9: 70, 10: 25, 17: 55, 18: 20 }),
    make: (c) => {
      const account = grown(c.r, ACCOUNTS, c.hour, 10, 1.2);
      return py(
        "ERROR",
        "quote.store",
        ["quotes", "create_quote", 77],
        `Failed to persist quote ${uuid(c.r)} for account ${account}`,
        { account },
        TOO_MANY_CONNECTIONS,
      );
    },
  },
  {
    id: "P04",
    about: "monthly quote quota exceeded: account (growing pool), contact email, plan name (4) and counts in the message",
    rate: diurnal(30, 2),
    make: (c) => {
      const account = grown(c.r, ACCOUNTS, c.hour, 10, 1.2);
      const plan = skewed(c.r, PLANS.slice(0, 3));
      const quota = PLAN_QUOTA[plan];
      return py(
        "WARNING",
        "quote.quota",
        ["quota", "check_quota", 41],
        `Account ${account} (${pick(c.r, ["ops", "it", "shipping", "admin"])}@${account.replace(/-/g, "")}.example) on plan ${plan} exceeded its monthly quote quota: ${quota + int(c.r, 1, quota / 10)} of ${quota}`,
        { account, plan },
      );
    },
  },
  {
    id: "P05",
    about: "gunicorn arbiter WORKER TIMEOUT, plain-text stderr (textPayload) with its own timestamp and pid; sparse hours",
    rate: only({ 3: 2, 9: 7, 10: 4, 15: 3, 21: 2 }),
    make: (c) => {
      const t = new Date(c.time).toISOString();
      return {
        severity: "CRITICAL",
        log: "stderr",
        textPayload: `[${t.slice(0, 10)} ${t.slice(11, 19)} +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:${int(c.r, 8, 400)})`,
      };
    },
  },
  {
    id: "P06",
    about:
      "starts with the deploy of revision 00232 at 14:00: a feature flag returns a variant the new code does not know; flag (5), variant (2), account vary",
    rate: startsAt(14, diurnal(40, 3)),
    make: (c) => {
      const flag = skewed(c.r, FLAGS);
      const account = grown(c.r, ACCOUNTS, c.hour, 10, 1.2);
      return py(
        "WARNING",
        "quote.flags",
        ["flags", "variant_for", 93],
        `Feature flag ${flag} returned unknown variant '${c.r() < 0.8 ? "holdout" : "treatment_b"}' for account ${account}; serving control`,
        { flag, account },
      );
    },
  },
  {
    id: "P07",
    about: "Pydantic V2 deprecation warning printed to stderr by the warnings module at worker start (textPayload), a few an hour",
    rate: diurnal(4, 0.6),
    make: () => ({
      severity: "WARNING",
      log: "stderr",
      textPayload:
        "/app/quote/schemas.py:41: PydanticDeprecatedSince20: Support for class-based `config` is deprecated, use ConfigDict instead. Deprecated in Pydantic V2.0 to be removed in V3.0. See Pydantic V2 Migration Guide at https://errors.pydantic.dev/2.9/migration/",
    }),
  },
  {
    id: "P08",
    about: "request log 429 on GET /v2/rates from a partner's sync client, country codes in the query; morning burst",
    rate: plus(diurnal(30, 1), { 6: 260, 7: 190 }),
    make: (c) =>
      request(
        c,
        "WARNING",
        "GET",
        `/v2/rates?origin=${skewed(c.r, COUNTRIES)}&destination=${pick(c.r, COUNTRIES)}&weight_g=${int(c.r, 100, 30000)}`,
        429,
        latency(c.r, 0.001, 0.02),
        "parcelwise-sync/2.4.1 (+https://parcelwise.example/bot)",
      ),
  },
];

// --- hooks-relay: Node + bunyan --------------------------------------------------------------

const BUNYAN_SEVERITY = { 40: "WARNING", 50: "ERROR", 60: "CRITICAL" } as const;
function bunyan(level: 40 | 50 | 60, msg: string, fields: Record<string, unknown>, err?: Record<string, unknown>): Body {
  return {
    severity: BUNYAN_SEVERITY[level],
    jsonPayload: { name: "hooks-relay", hostname: "localhost", pid: 1, level, ...fields, ...(err ? { err } : {}), msg, v: 0 },
  };
}

const ENDPOINT_HOSTS = [
  "hooks.bluefin-outdoor.example",
  "api.kettleandco.example",
  "webhooks.northpier.example",
  "events.alderhome.example",
  "shipping.pebblepets.example",
  "hooks.brightmoor.example",
  "erp.copperleaf.example",
  "integrations.driftwood.example",
  "api.embergoods.example",
  "hooks.glasshouse.example",
  "webhook.harbourline.example",
  "connect.ironbark.example",
  "api.juniperlane.example",
  "hooks.kestrelbikes.example",
  "events.lumenoptics.example",
  "orders.marrowbooks.example",
  "api.nettletea.example",
  "webhooks.oakridge.example",
  "hooks.pineconetoys.example",
  "sync.quillpaper.example",
  "api.rowantextiles.example",
  "hooks.saltmarsh.example",
  "webhooks.thistle.example",
  "erp.umberceramics.example",
  "api.valecoffee.example",
  "hooks.willowbaby.example",
  "events.yarrowgarden.example",
  "api.zephyrsports.example",
] as const;
const HOOK_PATHS = ["/webhooks/shipping", "/api/hooks/freightly", "/hooks/parcel-events", "/integrations/freightly/events"] as const;
const EVENT_TYPES = ["shipment.created", "shipment.delivered", "shipment.exception", "label.printed", "return.received"] as const;
const QUEUES = ["priority", "bulk", "retry"] as const;
const NET_ERRORS = [
  ["ECONNREFUSED", "connect", (a: string) => `connect ECONNREFUSED ${a}:443`],
  ["ETIMEDOUT", "connect", (a: string) => `connect ETIMEDOUT ${a}:443`],
  ["ECONNRESET", "read", (_a: string) => "read ECONNRESET"],
] as const;

const undiciStack = (msg: string): string =>
  `Error: ${msg}\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1637:16)\n    at TCPConnectWrap.callbackTrampoline (node:internal/async_hooks:130:17)`;

const hooks: Omit<Problem, "service">[] = [
  {
    id: "P09",
    about:
      "webhook delivery to customer endpoints failing, retried: HTTP method (2), hostname (growing pool), path, error code (3), attempt in the message; err object with stack",
    rate: diurnal(110, 6),
    make: (c) => {
      const host = grown(c.r, ENDPOINT_HOSTS, c.hour, 8, 0.9);
      const method = c.r() < 0.85 ? "POST" : "PUT";
      const [code, syscall, text] = skewed(c.r, NET_ERRORS);
      const message = text(ip(c.r));
      const attempt = int(c.r, 1, 7);
      return bunyan(
        40,
        `${method} https://${host}${pick(c.r, HOOK_PATHS)} failed with ${code}, retrying in ${2 ** attempt}s (attempt ${attempt}/8)`,
        { component: "delivery", subscriptionId: uuid(c.r), eventType: skewed(c.r, EVENT_TYPES), attempt },
        {
          message,
          name: "Error",
          stack: undiciStack(message),
          code,
          errno: code === "ECONNREFUSED" ? -111 : code === "ETIMEDOUT" ? -110 : -104,
          syscall,
        },
      );
    },
  },
  {
    id: "P10",
    about: "near miss with P11 (one verb apart): 'outbox batch stalled', consumer lag on a queue (3 names); sparse hours",
    rate: only({ 2: 3, 3: 6, 11: 12, 12: 15, 13: 8, 20: 4 }),
    make: (c) =>
      bunyan(40, "outbox batch stalled", {
        component: "outbox",
        queue: skewed(c.r, QUEUES),
        batchId: int(c.r, 400000, 499999),
        pending: int(c.r, 200, 9000),
        oldestAgeSec: int(c.r, 120, 1800),
      }),
  },
  {
    id: "P11",
    about: "near miss with P10 (one verb apart): 'outbox batch dropped', events lost when a queue overflows; few, sparse hours",
    rate: only({ 12: 4, 13: 6, 20: 2, 21: 3 }),
    make: (c) =>
      bunyan(50, "outbox batch dropped", {
        component: "outbox",
        queue: skewed(c.r, QUEUES),
        batchId: int(c.r, 400000, 499999),
        dropped: int(c.r, 50, 500),
        reason: "queue_full",
      }),
  },
  {
    id: "P12",
    about: "stops after 09:00 (fixed by revision 00419 at 10:00): TypeError while signing a payload, Node err.stack",
    rate: stopsAfter(9, (h) => 20 + 6 * h),
    make: (c) => {
      const message = "Cannot read properties of undefined (reading 'tenantId')";
      return bunyan(
        50,
        "failed to sign payload",
        { component: "signing", subscriptionId: uuid(c.r), eventType: skewed(c.r, EVENT_TYPES) },
        {
          message,
          name: "TypeError",
          stack: `TypeError: ${message}\n    at signPayload (/app/dist/signing/sign.js:41:38)\n    at Outbox.deliver (/app/dist/outbox/outbox.js:118:23)\n    at async Promise.all (index ${int(c.r, 0, 15)})\n    at async Outbox.flush (/app/dist/outbox/outbox.js:87:5)\n    at async Timeout._onTimeout (/app/dist/outbox/loop.js:22:7)`,
        },
      );
    },
  },
  {
    id: "P13",
    about: "ioredis 'Unhandled error event' on stderr (multi-line textPayload) during network blips; three sparse hours",
    rate: only({ 4: 6, 11: 22, 19: 9 }),
    make: (c) => ({
      severity: "ERROR",
      log: "stderr",
      textPayload: `[ioredis] Unhandled error event: Error: read ECONNRESET\n    at TCP.onStreamRead (node:internal/stream_base_commons:216:20)${c.r() < 0.3 ? "\n    at TCP.callbackTrampoline (node:internal/async_hooks:130:17)" : ""}`,
    }),
  },
  {
    id: "P14",
    about: "request log 504 with Cloud Run's own timeout text: POST …/replay on a subscription (uuid in the URL), steady",
    rate: steady(3),
    make: (c) =>
      request(
        c,
        "ERROR",
        "POST",
        `/v1/subscriptions/${uuid(c.r)}/replay?since=2026-11-${pick(c.r, ["26", "27", "28"])}T00:00:00Z`,
        504,
        latency(c.r, 300, 300.01),
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "The request has been terminated because it has reached the maximum request timeout. To change this limit, see https://cloud.google.com/run/docs/configuring/request-timeout",
      ),
  },
  {
    id: "P15",
    about: "payload over the plan's size limit, truncated: sizes, plan name (4), event type (5), account",
    rate: diurnal(20, 1),
    make: (c) => {
      const plan = skewed(c.r, PLANS);
      const limit = { starter: 65536, growth: 262144, scale: 1048576, enterprise: 4194304 }[plan];
      const type = skewed(c.r, EVENT_TYPES);
      return bunyan(
        40,
        `payload of ${limit + int(c.r, 1, limit)} bytes exceeds the ${limit} byte limit of plan ${plan}; event ${type} truncated`,
        {
          component: "delivery",
          account: grown(c.r, ACCOUNTS, c.hour, 10, 1.2),
          plan,
          eventType: type,
        },
      );
    },
  },
];

// --- route-planner: Go + zap (production encoder, remapped for Cloud Logging) --------------------

const MOD = "github.com/freightly/route-planner";
function zap(
  severity: Body["severity"],
  logger: string,
  caller: string,
  message: string,
  fields: Record<string, unknown>,
  stacktrace?: string,
): Body {
  return { severity, jsonPayload: { logger, caller, message, ...fields, ...(stacktrace !== undefined ? { stacktrace } : {}) } };
}
const zapStack = (frames: readonly (readonly [string, string])[]): string =>
  [
    ...frames,
    ["net/http.HandlerFunc.ServeHTTP", "/usr/local/go/src/net/http/server.go:2220"],
    ["net/http.serverHandler.ServeHTTP", "/usr/local/go/src/net/http/server.go:3210"],
    ["net/http.(*conn).serve", "/usr/local/go/src/net/http/server.go:2092"],
  ]
    .map(([fn, at]) => `${fn}\n\t${at}`)
    .join("\n");

const REGIONS = ["benelux", "nordics", "iberia", "alpine", "baltics", "balkans"] as const;
const PROVIDERS = ["here", "mapbox", "osrm"] as const;
const DEPOTS = [
  "depot-berlin-tempelhof",
  "depot-hamburg-harbour",
  "depot-rotterdam-waalhaven",
  "depot-amsterdam-west",
  "depot-munich-east",
  "depot-cologne-port",
  "depot-antwerp-north",
  "depot-lyon-gerland",
  "depot-paris-rungis",
  "depot-milan-linate",
  "depot-vienna-simmering",
  "depot-prague-letnany",
  "depot-warsaw-okecie",
  "depot-copenhagen-south",
  "depot-stockholm-arsta",
  "depot-madrid-coslada",
  "depot-barcelona-zona-franca",
  "depot-lisbon-alverca",
  "depot-zurich-altstetten",
  "depot-brussels-vilvoorde",
  "depot-leipzig-halle",
  "depot-gdansk-port",
  "depot-turin-orbassano",
  "depot-oslo-alnabru",
] as const;
const JOBS = ["nightly_matrix_refresh", "depot_capacity_rollup", "traffic_profile_import", "driver_shift_sync"] as const;
const BUCKETS = ["payout-manifests-prod", "carrier-settlements", "finance-exports-eu"] as const;

const settlement = (c: Ctx, outcome: "committed" | "reverted", line: number): Body => {
  const carrier = skewed(c.r, CARRIERS);
  return zap(
    "ERROR",
    "settle",
    `settle/batch.go:${line}`,
    `Settlement batch ${int(c.r, 20000, 29999)} for carrier ${carrier} was ${outcome} in the ledger while its payout file was still uploading to bucket ${skewed(c.r, BUCKETS)}; reconcile the batch by hand before the next run`,
    { carrier, run_id: uuid(c.r) },
    zapStack([
      [`${MOD}/internal/settle.(*Runner).finish`, `/src/internal/settle/batch.go:${line}`],
      [`${MOD}/internal/settle.(*Runner).Run`, "/src/internal/settle/batch.go:88"],
      [`${MOD}/internal/server.(*Server).handleSettle`, "/src/internal/server/settle.go:31"],
    ]),
  );
};

const route: Omit<Problem, "service">[] = [
  {
    id: "P16",
    about:
      "distance-matrix upstream unavailable (gRPC Unavailable), retried; region (6) and provider (3) as zap fields, zap stacktrace; afternoon burst",
    rate: plus(diurnal(50, 3), { 16: 200 }),
    make: (c) =>
      zap(
        "ERROR",
        "matrix",
        "matrix/client.go:142",
        "distance matrix request failed",
        {
          region: skewed(c.r, REGIONS),
          provider: skewed(c.r, PROVIDERS),
          attempt: int(c.r, 1, 3),
          elapsed: `${(0.5 + c.r() * 4).toFixed(3)}s`,
          error:
            "rpc error: code = Unavailable desc = upstream connect error or disconnect/reset before headers. reset reason: connection termination",
        },
        zapStack([
          [`${MOD}/internal/matrix.(*Client).Fetch`, "/src/internal/matrix/client.go:142"],
          [`${MOD}/internal/plan.(*Planner).distances`, "/src/internal/plan/planner.go:97"],
          [`${MOD}/internal/plan.(*Planner).Plan`, "/src/internal/plan/planner.go:61"],
          [`${MOD}/internal/server.(*Server).handlePlan`, "/src/internal/server/plan.go:44"],
        ]),
      ),
  },
  {
    id: "P17",
    about: "recovered panic (index out of range, values vary) with a debug.Stack() goroutine dump in the stacktrace field; morning burst",
    rate: plus(steady(1.5), { 7: 30, 8: 45 }),
    make: (c) => {
      const n = int(c.r, 2, 9);
      const g = int(c.r, 1000, 99999);
      const p = (): string => `0xc000${hex(c.r, 6)}`;
      return zap(
        "ERROR",
        "server",
        "server/recover.go:31",
        "panic recovered",
        { panic: `runtime error: index out of range [${n}] with length ${n}`, method: "POST", path: "/v1/plans" },
        `goroutine ${g} [running]:\nruntime/debug.Stack()\n\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e\n${MOD}/internal/server.recoverer.func1.1()\n\t/src/internal/server/recover.go:29 +0x8a\npanic({0x1b3e5a0?, ${p()}?})\n\t/usr/local/go/src/runtime/panic.go:785 +0x132\n${MOD}/internal/plan.(*Planner).assignVehicles(${p()}, {${p()}, 0x${n.toString(16)}, 0x${(n + 1).toString(16)}})\n\t/src/internal/plan/assign.go:118 +0x4a5\n${MOD}/internal/plan.(*Planner).Plan(${p()}, {0x1f2e4c8, ${p()}}, ${p()})\n\t/src/internal/plan/planner.go:72 +0x2d1\n${MOD}/internal/server.(*Server).handlePlan(${p()}, {0x1f2b3a0, ${p()}}, ${p()})\n\t/src/internal/server/plan.go:44 +0x1c5\nnet/http.HandlerFunc.ServeHTTP(...)\n\t/usr/local/go/src/net/http/server.go:2220\nnet/http.(*conn).serve(${p()}, {0x1f2e4c8, ${p()}})\n\t/usr/local/go/src/net/http/server.go:2092 +0x1165\ncreated by net/http.(*Server).Serve in goroutine 1\n\t/usr/local/go/src/net/http/server.go:3360 +0x485`,
      );
    },
  },
  {
    id: "P18",
    about:
      "near miss with P19 (one word apart in a long message): settlement batch 'committed' in the ledger while its payout file was uploading; sparse settlement runs",
    rate: only({ 1: 3, 5: 2, 13: 5, 22: 4 }),
    make: (c) => settlement(c, "committed", 204),
  },
  {
    id: "P19",
    about: "near miss with P18: the same long message with 'reverted' (the rollback path has its own race); sparse",
    rate: only({ 5: 2, 9: 3, 17: 1 }),
    make: (c) => settlement(c, "reverted", 231),
  },
  {
    id: "P20",
    about:
      "solver stopped at its time budget: depot names (kebab-case, growing pool), stop and vehicle counts as fields; WARNING, no stack",
    rate: diurnal(90, 4),
    make: (c) =>
      zap("WARNING", "plan", "plan/solve.go:88", "route optimisation stopped at time budget", {
        depot: grown(c.r, DEPOTS, c.hour, 8, 0.75),
        stops: int(c.r, 80, 1400),
        vehicles: int(c.r, 4, 60),
        budget: "8s",
        best_cost: Number((1000 + c.r() * 90000).toFixed(1)),
      }),
  },
  {
    id: "P21",
    about: "scheduled job lost its lease to another instance: snake_case job name (4); one or two at each job slot",
    rate: only({ 0: 2, 6: 1, 12: 2, 18: 1 }),
    make: (c) =>
      zap("WARNING", "cron", "cron/lease.go:77", "lease lost to another instance", {
        job: skewed(c.r, JOBS),
        holder: hex(c.r, 24),
        held_for: `${(30 + c.r() * 30).toFixed(1)}s`,
      }),
  },
  {
    id: "P22",
    about: "request log 429 with Cloud Run's 'no available instance' text (max instances reached) on POST /v1/plans; bursts",
    rate: only({ 8: 120, 9: 60, 16: 45 }),
    make: (c) =>
      request(
        c,
        "ERROR",
        "POST",
        "/v1/plans",
        429,
        latency(c.r, 10, 12),
        "Apache-HttpClient/5.3 (Java/21.0.5)",
        "The request was aborted because there was no available instance. Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#abort-request",
      ),
  },
  {
    id: "P23",
    about:
      "starts with the deploy of revision 00078 at 17:00: geocode cache entries written by the old revision no longer decode; country code (12)",
    rate: startsAt(17, diurnal(80, 8)),
    make: (c) => {
      const country = skewed(c.r, COUNTRIES);
      return zap(
        "ERROR",
        "geo",
        "geo/cache.go:63",
        "geocode cache entry could not be decoded",
        {
          country,
          key: `geo:v3:${country}:${int(c.r, 1000, 99999)}`,
          error: "json: cannot unmarshal number into Go struct field Address.postcode of type string",
        },
        zapStack([
          [`${MOD}/internal/geo.(*Cache).Get`, "/src/internal/geo/cache.go:63"],
          [`${MOD}/internal/geo.(*Geocoder).Lookup`, "/src/internal/geo/geocoder.go:40"],
          [`${MOD}/internal/plan.(*Planner).locate`, "/src/internal/plan/planner.go:119"],
          [`${MOD}/internal/server.(*Server).handlePlan`, "/src/internal/server/plan.go:39"],
        ]),
      );
    },
  },
];

// --- inventory-sync: Kotlin/Ktor + Log4j2 JsonTemplateLayout (GcpLayout) -----------------------

const PKG = "com.freightly.inventory";
function log4j(
  c: Ctx,
  severity: Body["severity"],
  logger: string,
  src: readonly [file: string, line: number, fn: string],
  message: string,
  exception?: { readonly cls: string; readonly message: string; readonly stack: string },
  mdc: Record<string, string> = {},
): Body {
  const thread = logger.includes(".http.") ? `eventLoopGroupProxy-4-${int(c.r, 1, 8)}` : `DefaultDispatcher-worker-${int(c.r, 1, 16)}`;
  return {
    severity,
    jsonPayload: {
      message: exception ? `${message}\n${exception.stack}` : message,
      ...(exception ? { _exception: { class: exception.cls, message: exception.message, stackTrace: exception.stack } } : {}),
      _thread: thread,
      _logger: logger,
    },
    sourceLocation: { file: src[0], line: String(src[1]), function: `${logger}.${src[2]}` },
    ...(Object.keys(mdc).length > 0 ? { labels: mdc } : {}),
  };
}
const COROUTINE_TAIL =
  "\tat kotlin.coroutines.jvm.internal.BaseContinuationImpl.resumeWith(ContinuationImpl.kt:33)\n\tat kotlinx.coroutines.DispatchedTask.run(DispatchedTask.kt:108)\n\tat kotlinx.coroutines.scheduling.CoroutineScheduler.runSafely(CoroutineScheduler.kt:584)\n\tat kotlinx.coroutines.scheduling.CoroutineScheduler$Worker.executeTask(CoroutineScheduler.kt:811)\n\tat kotlinx.coroutines.scheduling.CoroutineScheduler$Worker.runWorker(CoroutineScheduler.kt:715)\n\tat kotlinx.coroutines.scheduling.CoroutineScheduler$Worker.run(CoroutineScheduler.kt:702)";

const FEEDS = [
  "nordwind-foods",
  "alpenmilch",
  "baltic-fish-co",
  "greenleaf-organics",
  "kaffee-kontor",
  "sunfield-produce",
  "vintner-select",
  "dolce-vita-import",
] as const;
const COLUMNS = ["allergen_codes", "pack_size_ml", "country_of_origin", "case_gtin", "shelf_life_days", "vat_class"] as const;
const WAREHOUSES = ["wh-rotterdam-north", "wh-duisburg", "wh-poznan", "wh-lyon-est", "wh-milano-sud", "wh-madrid-coslada"] as const;
const TABLES = ["stock_levels", "stock_reservations", "stock_movements"] as const;
/** Marketplace channels and their API hosts; Shopify's host is the shop's own subdomain. */
const CHANNELS = [
  ["shopify", ""],
  ["amazon", "sellingpartnerapi-eu.amazon.com"],
  ["zalando", "api.merchants.zalando.com"],
  ["otto", "api.otto.market"],
  ["bol", "api.bol.com"],
  ["kaufland", "sellerapi.kaufland.com"],
] as const;
const SHOPS = ["bluefin-outdoor", "kettle-and-co", "northpier", "alder-home", "pebble-pets"] as const;
const ORDER_STATES = ["CANCELLED", "REFUNDED", "ON_HOLD", "BACKORDERED", "SPLIT"] as const;
const ean = (r: Rng): string => `40${String(int(r, 0, 99999999999)).padStart(11, "0")}`;

const FEED_REJECT = ["FeedImporter.kt", 212, "reject"] as const;
const REAPER = `${PKG}.reservations.ReservationReaper`;
const reservation = (c: Ctx, when: "before" | "after", line: number): Body => {
  const wh = skewed(c.r, WAREHOUSES);
  return log4j(
    c,
    "ERROR",
    REAPER,
    ["ReservationReaper.kt", line, "sweep"],
    `Reservation ${uuid(c.r)} for order ${int(c.r, 7000000, 7999999)} in warehouse ${wh} was released ${when} the payment was captured; ${int(c.r, 1, 12)} units are now double-allocated and must be reconciled by hand`,
  );
};

const inventory: Omit<Problem, "service">[] = [
  {
    id: "P24",
    about:
      "near miss with P25 (same sourceLocation and logger, a different message): a supplier feed arrived empty; feed name (8); at import slots",
    rate: only({ 1: 2, 4: 1, 7: 3, 10: 2, 13: 4, 16: 2, 19: 3, 22: 1 }),
    make: (c) =>
      log4j(
        c,
        "WARNING",
        `${PKG}.feeds.FeedImporter`,
        FEED_REJECT,
        `Supplier feed ${skewed(c.r, FEEDS)} delivered an empty catalogue; keeping the previous snapshot of ${int(c.r, 400, 9000)} SKUs`,
      ),
  },
  {
    id: "P25",
    about:
      "near miss with P24 (same call site): a supplier feed has a column the importer does not know; feed (8) and snake_case column (6)",
    rate: diurnal(6, 0),
    make: (c) =>
      log4j(
        c,
        "WARNING",
        `${PKG}.feeds.FeedImporter`,
        FEED_REJECT,
        `Supplier feed ${skewed(c.r, FEEDS)} has unknown column ${skewed(c.r, COLUMNS)}; ${int(c.r, 1, 3000)} rows skipped`,
      ),
  },
  {
    id: "P26",
    about:
      "serialization failure writing stock: warehouse (6) and table (3, also in the SQL of the trace), Exposed exception with 'Caused by' PSQLException",
    rate: diurnal(25, 1),
    make: (c) => {
      const wh = skewed(c.r, WAREHOUSES);
      const table = skewed(c.r, TABLES);
      const cause = "ERROR: could not serialize access due to concurrent update";
      const stack = `org.jetbrains.exposed.exceptions.ExposedSQLException: org.postgresql.util.PSQLException: ${cause}\nSQL: [UPDATE ${table} SET on_hand=?, updated_at=? WHERE (${table}.sku = ?) AND (${table}.warehouse = ?)]\n\tat org.jetbrains.exposed.sql.statements.Statement.executeIn$exposed_core(Statement.kt:63)\n\tat org.jetbrains.exposed.sql.Transaction.exec(Transaction.kt:310)\n\tat org.jetbrains.exposed.sql.Transaction.exec(Transaction.kt:284)\n\tat org.jetbrains.exposed.sql.QueriesKt.update(Queries.kt:424)\n\tat ${PKG}.stock.StockWriter$write$2.invokeSuspend(StockWriter.kt:88)\n${COROUTINE_TAIL}\nCaused by: org.postgresql.util.PSQLException: ${cause}\n\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2733)\n\tat org.postgresql.core.v3.QueryExecutorImpl.processResults(QueryExecutorImpl.java:2420)\n\tat org.postgresql.core.v3.QueryExecutorImpl.execute(QueryExecutorImpl.java:372)\n\tat org.postgresql.jdbc.PgStatement.executeInternal(PgStatement.java:517)\n\tat org.postgresql.jdbc.PgPreparedStatement.executeUpdate(PgPreparedStatement.java:152)\n\tat com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeUpdate(HikariProxyPreparedStatement.java)\n\tat org.jetbrains.exposed.sql.statements.jdbc.JdbcPreparedStatementImpl.executeUpdate(JdbcPreparedStatementImpl.kt:28)\n\tat org.jetbrains.exposed.sql.statements.UpdateStatement.executeInternal(UpdateStatement.kt:30)\n\tat org.jetbrains.exposed.sql.statements.Statement.executeIn$exposed_core(Statement.kt:61)\n\t... 9 more`;
      return log4j(
        c,
        "ERROR",
        `${PKG}.stock.StockWriter`,
        ["StockWriter.kt", 94, "write"],
        `Failed to write stock levels for warehouse ${wh} to table ${table}`,
        { cls: "org.jetbrains.exposed.exceptions.ExposedSQLException", message: `org.postgresql.util.PSQLException: ${cause}`, stack },
        { "call-id": uuid(c.r) },
      );
    },
  },
  {
    id: "P27",
    about:
      "near miss with P28 (one word apart in a long message): reservation released 'before' the payment was captured (TTL too short, oversell); warehouse (6)",
    rate: diurnal(12, 0.3),
    make: (c) => reservation(c, "before", 97),
  },
  {
    id: "P28",
    about:
      "near miss with P27: the same long message with 'after' (capture did not convert the reservation, double decrement); low and steady",
    rate: steady(1.5),
    make: (c) => reservation(c, "after", 104),
  },
  {
    id: "P29",
    about:
      "marketplace stock push timed out: channel (6) and its hostname (shop subdomains for one channel), Ktor HttpRequestTimeoutException; bursts",
    rate: plus(steady(2), { 10: 90, 11: 140, 12: 60, 19: 80 }),
    make: (c) => {
      const [channel, api] = skewed(c.r, CHANNELS);
      const host = channel === "shopify" ? `${skewed(c.r, SHOPS)}.myshopify.com` : api;
      const url = `https://${host}/${channel === "shopify" ? "admin/api/2024-10/inventory_levels/set.json" : "v1/stock"}`;
      const msg = `Request timeout has expired [url=${url}, request_timeout=30000 ms]`;
      const stack = `io.ktor.client.plugins.HttpRequestTimeoutException: ${msg}\n\tat io.ktor.client.plugins.HttpTimeoutKt$HttpTimeout$2$1$1$killer$1.invokeSuspend(HttpTimeout.kt:165)\n${COROUTINE_TAIL}`;
      return log4j(
        c,
        "ERROR",
        `${PKG}.channels.ChannelPusher`,
        ["ChannelPusher.kt", 71, "push"],
        `Stock push to channel ${channel} failed after 3 attempts`,
        { cls: "io.ktor.client.plugins.HttpRequestTimeoutException", message: msg, stack },
      );
    },
  },
  {
    id: "P30",
    about: "stock event ignored because the order is in an unexpected state: enum state (5), SKU, order number",
    rate: diurnal(40, 2),
    make: (c) =>
      log4j(
        c,
        "WARNING",
        `${PKG}.events.StockEventConsumer`,
        ["StockEventConsumer.kt", 58, "handle"],
        `Ignoring stock event ${uuid(c.r)} for SKU ${ean(c.r)}: order ${int(c.r, 7000000, 7999999)} is in state ${skewed(c.r, ORDER_STATES)}, expected RESERVED`,
      ),
  },
  {
    id: "P31",
    about: "request log 404 on GET/HEAD /api/v1/sku/{ean}/availability from a mobile client, warehouse in the query",
    rate: diurnal(60, 2),
    make: (c) =>
      request(
        c,
        "WARNING",
        c.r() < 0.9 ? "GET" : "HEAD",
        `/api/v1/sku/${ean(c.r)}/availability?warehouse=${skewed(c.r, WAREHOUSES)}`,
        404,
        latency(c.r, 0.004, 0.09),
        "okhttp/4.12.0",
      ),
  },
];

// --- the day ------------------------------------------------------------------------------------

export interface Day {
  readonly problems: readonly Problem[];
  /** counts[problemId][hour] */
  readonly counts: Readonly<Record<string, readonly number[]>>;
  /** One JSON-lines text per hour, entries in timestamp order. */
  readonly hours: readonly string[];
}

export const SERVICE_NAMES = ["quote-api", "hooks-relay", "route-planner", "inventory-sync"] as const;

/** JSON with object keys sorted at every level, as `gcloud … --format=json` prints entries. */
function sortedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

export function buildDay(seed = 20261129): Day {
  const r = rng(seed);
  const services = new Map<string, Service>([
    [
      "quote-api",
      service(
        "quote-api",
        [
          [0, "00231-vex"],
          [14, "00232-lum"],
        ],
        r,
      ),
    ],
    [
      "hooks-relay",
      service(
        "hooks-relay",
        [
          [0, "00418-pim"],
          [10, "00419-rok"],
        ],
        r,
      ),
    ],
    [
      "route-planner",
      service(
        "route-planner",
        [
          [0, "00077-kip"],
          [17, "00078-zed"],
        ],
        r,
      ),
    ],
    ["inventory-sync", service("inventory-sync", [[0, "00156-tor"]], r)],
  ]);
  const problems: Problem[] = [
    ...quote.map((p) => ({ ...p, service: "quote-api" })),
    ...hooks.map((p) => ({ ...p, service: "hooks-relay" })),
    ...route.map((p) => ({ ...p, service: "route-planner" })),
    ...inventory.map((p) => ({ ...p, service: "inventory-sync" })),
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
          insertId: `hs${p.id.slice(1)}-${seq.toString(36)}${hex(r, 8)}`,
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
          ...(body.sourceLocation ? { sourceLocation: body.sourceLocation } : {}),
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

/** Problem id from a marker insertId ("hs07-…" → "P07"), undefined for anything else. */
export function problemOfInsertId(insertId: unknown): string | undefined {
  if (typeof insertId !== "string") return undefined;
  const m = /^hs(\d\d)-/.exec(insertId);
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

// `node dist/bench/heldout-day/second-day.js DIR [--seed N]`: writes the day to DIR.
if (require.main === module) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf("--seed");
  const dir = args.find((a, i) => !a.startsWith("--") && (seedAt < 0 || i !== seedAt + 1)) ?? "heldout-day-2";
  const day = buildDay(seedAt >= 0 ? Number(args[seedAt + 1]) : undefined);
  writeDay(day, dir);
  const total = Object.values(day.counts).reduce((a, xs) => a + xs.reduce((s, n) => s + n, 0), 0);
  process.stdout.write(`wrote ${day.problems.length} problems, ${total} entries over 24 hours to ${dir}\n`);
}
