/**
 * A labelled day of Cloud Run logs, generated: five services (Python, Node with pino, Go, JVM,
 * and a Node service that logs free-form events), request logs and stack traces, written the
 * way those runtimes and their Cloud Logging integrations write them. Every entry carries its
 * problem in a parallel label list (the ground truth), never in the entry itself.
 *
 * What it is for: problems whose variables are words (user names, tables, feature flags,
 * cache-key prefixes, host names without digits, topics, tenants, regions), near-miss pairs
 * that must stay apart (one call site with two texts, two exception types in one file, short
 * events that differ in their verb), and values that keep arriving: each word variable draws
 * from a pool that widens hour by hour, so later hours bring values never seen before.
 *
 * Deterministic: the same seed gives the same day, entry for entry.
 */
import { hex, int, pick, rng as seeded, type Rng } from "./seeded-random";

export interface LabelledHour {
  readonly start: number; // epoch ms
  readonly entries: readonly Record<string, unknown>[];
  /** labels[i] is the problem of entries[i]. */
  readonly labels: readonly string[];
}

export interface ProblemInfo {
  readonly id: string;
  readonly service: string;
  readonly description: string;
}

export interface LabelledDay {
  readonly hours: readonly LabelledHour[];
  readonly problems: readonly ProblemInfo[];
}

const uuid = (rng: Rng): string => `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-a${hex(rng, 3)}-${hex(rng, 12)}`;
const ip = (rng: Rng): string => `10.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;

/**
 * A word-valued variable: values drawn with a long tail (the first ones most often) from a
 * pool whose first `start` values are in use at hour 0 and that widens by `grow` each hour.
 */
class Pool {
  constructor(
    private readonly values: readonly string[],
    private readonly start: number,
    private readonly grow: number,
  ) {}
  draw(rng: Rng, hour: number): string {
    const open = Math.min(this.values.length, this.start + Math.floor(hour * this.grow));
    // rank ~ open * u^2: a skewed, Zipf-like draw
    const u = rng();
    return this.values[Math.min(open - 1, Math.floor(open * u * u))]!;
  }
}

const USERS = new Pool(
  "admin root deploy ops support billing analytics webmaster ftp guest oracle postgres jenkins ubuntu git backup nagios mysql www test alice bob carol dave erin frank grace heidi ivan judy mallory oscar peggy trent victor walter".split(
    " ",
  ),
  6,
  1.3,
);
const TABLES = new Pool(
  "orders invoices line_items customers shipments refunds coupons payouts ledger_entries carts addresses tax_rates price_lists suppliers warehouses returns".split(
    " ",
  ),
  4,
  0.6,
);
const FLAGS = new Pool(
  "new-checkout-flow dark-mode instant-refunds one-click-reorder smart-recommendations gift-wrapping express-shipping loyalty-points split-payments saved-carts guest-checkout wishlist-sharing".split(
    " ",
  ),
  3,
  0.45,
);
const PREFIXES = new Pool(
  "session cart product-page user-prefs inventory pricing search-results recommendations shipping-quote tax-rate promo-codes store-hours".split(
    " ",
  ),
  3,
  0.45,
);
const HOSTS = new Pool(
  "payments-db redis-primary ledger inventory-api search-backend fraud-scorer geocoder mailer rates-service catalog-cache identity kafka-broker".split(
    " ",
  ),
  3,
  0.45,
);
const TOPICS = new Pool(
  "orders.created orders.paid invoices.issued refunds.requested payouts.settled customers.updated shipments.dispatched carts.abandoned".split(
    " ",
  ),
  3,
  0.3,
);
const TENANTS = new Pool(
  "acme globex initech umbrella hooli stark wayne wonka tyrell cyberdyne soylent aperture vandelay dunder oceanic".split(" "),
  4,
  0.5,
);
const QUEUES = new Pool("emails thumbnails exports webhooks reindex invoices-pdf notifications imports".split(" "), 3, 0.25);
const DATASOURCES = new Pool("ordersDS reportingDS ledgerDS auditDS billingDS customersDS".split(" "), 2, 0.2);

interface Ctx {
  readonly rng: Rng;
  readonly hour: number;
}

interface Problem {
  readonly id: string;
  readonly service: string;
  readonly description: string;
  /** Mean entries per hour. */
  readonly rate: number;
  /** Hours it happens in (default: all). */
  readonly hours?: (hour: number) => boolean;
  /** The entry without its common fields (resource, timestamp, insertId…). */
  readonly make: (c: Ctx) => Partial<Record<string, unknown>>;
}

// --- how each runtime writes an entry -----------------------------------------------------

/** Python, google-cloud-logging's StructuredLogHandler: message, severity, source location. */
function python(severity: string, message: string, file: string, fn: string, line: number): Partial<Record<string, unknown>> {
  return {
    severity,
    jsonPayload: { message },
    sourceLocation: { file, line: String(line), function: fn },
  };
}

/** A Python traceback written by logging.exception through the structured handler. */
function pythonTrace(
  lead: string,
  type: string,
  detail: string,
  frames: readonly [string, number, string][],
  file: string,
  fn: string,
): Partial<Record<string, unknown>> {
  const lines = ["Traceback (most recent call last):"];
  for (const [f, l, name] of frames) lines.push(`  File "${f}", line ${l}, in ${name}`, `    ${name}_impl()`);
  lines.push(`${type}: ${detail}`);
  return { severity: "ERROR", jsonPayload: { message: `${lead}\n${lines.join("\n")}` }, sourceLocation: { file, line: "1", function: fn } };
}

/** pino (no module labels, as most Node services log): numeric level, msg, pid, hostname. */
function pino(severity: string, msg: string, extra: Record<string, unknown> = {}): Partial<Record<string, unknown>> {
  const level = severity === "ERROR" ? 50 : severity === "CRITICAL" ? 60 : 40;
  return { severity, jsonPayload: { level, time: 0, pid: 1, hostname: "localhost", msg, ...extra } };
}

/** Go, zap with a GCP encoder: severity, message, caller. */
function zap(severity: string, message: string, caller: string, extra: Record<string, unknown> = {}): Partial<Record<string, unknown>> {
  return { severity, jsonPayload: { severity, message, caller, ...extra } };
}

/** JVM, logback's JSON layout: message, logger_name, thread_name, stack_trace. */
function logback(severity: string, message: string, logger: string, stack?: string): Partial<Record<string, unknown>> {
  const payload: Record<string, unknown> = { message, logger_name: logger, thread_name: "http-nio-8080-exec-3" };
  if (stack) payload.stack_trace = stack;
  return { severity, jsonPayload: payload };
}

function javaStack(type: string, detail: string, frames: readonly string[]): string {
  return [`${type}: ${detail}`, ...frames.map((f) => `\tat ${f}`), "\tat java.base/java.lang.Thread.run(Thread.java:1583)"].join("\n");
}

function nodeStack(type: string, detail: string, frames: readonly string[]): string {
  return [`${type}: ${detail}`, ...frames.map((f) => `    at ${f}`)].join("\n");
}

/** A request log (Cloud Run's own), no payload. */
function request(method: string, url: string, status: number, rng: Rng): Partial<Record<string, unknown>> {
  return {
    severity: status >= 500 ? "ERROR" : "WARNING",
    logName: "projects/demo-shop/logs/run.googleapis.com%2Frequests",
    httpRequest: {
      requestMethod: method,
      requestUrl: url,
      status,
      latency: `${(rng() * 2).toFixed(3)}s`,
      remoteIp: ip(rng),
      userAgent: "Mozilla/5.0",
    },
  };
}

// --- the problems ---------------------------------------------------------------------------

const PY = "orders-api"; // Python
const NODE = "storefront"; // Node, pino
const GO = "edge-gateway"; // Go
const JVM = "billing"; // JVM
const EVENTS = "subscriptions"; // Node, short free-form events

const PROBLEMS: readonly Problem[] = [
  // orders-api (Python)
  {
    id: "py-login-failed",
    service: PY,
    description: "failed logins, word-valued user name",
    rate: 120,
    make: ({ rng, hour }) =>
      python(
        "WARNING",
        `Login failed for user ${USERS.draw(rng, hour)} from ${ip(rng)}: invalid credentials`,
        "/app/orders/auth.py",
        "authenticate",
        57,
      ),
  },
  {
    id: "py-slow-query",
    service: PY,
    description: "slow queries, word-valued table",
    rate: 60,
    make: ({ rng, hour }) =>
      python(
        "WARNING",
        `Slow query on table ${TABLES.draw(rng, hour)} took ${int(rng, 1200, 9000)} ms (threshold 1000 ms)`,
        "/app/orders/db.py",
        "execute",
        140,
      ),
  },
  {
    id: "py-deadlock",
    service: PY,
    description: "deadlocks, word-valued table, quoted",
    rate: 15,
    make: ({ rng, hour }) =>
      python(
        "ERROR",
        `Deadlock detected while updating "${TABLES.draw(rng, hour)}"; transaction rolled back`,
        "/app/orders/db.py",
        "execute",
        162,
      ),
  },
  {
    id: "py-sync-locked",
    service: PY,
    description: "near miss A: one call site, two texts",
    rate: 40,
    make: () => python("WARNING", "Order sync skipped: customer record locked by another worker", "/app/orders/sync.py", "sync_order", 88),
  },
  {
    id: "py-sync-missing",
    service: PY,
    description: "near miss B: one call site, two texts",
    rate: 25,
    make: () =>
      python("WARNING", "Order sync skipped: warehouse record missing from another region", "/app/orders/sync.py", "sync_order", 93),
  },
  {
    id: "py-tenant-quota",
    service: PY,
    description: "tenant over quota, word-valued tenant",
    rate: 30,
    make: ({ rng, hour }) =>
      python(
        "WARNING",
        `Tenant ${TENANTS.draw(rng, hour)} exceeded its export quota; request rejected`,
        "/app/orders/quota.py",
        "check_quota",
        31,
      ),
  },
  {
    id: "py-keyerror",
    service: PY,
    description: "traceback: KeyError in refunds.py (same file as the ValueError)",
    rate: 20,
    make: () =>
      pythonTrace(
        "Refund processing failed",
        "KeyError",
        "'payment_intent'",
        [
          ["/app/orders/api.py", 212, "post_refund"],
          ["/app/orders/refunds.py", 48, "process_refund"],
        ],
        "/app/orders/refunds.py",
        "process_refund",
      ),
  },
  {
    id: "py-valueerror",
    service: PY,
    description: "traceback: ValueError in refunds.py (same file as the KeyError)",
    rate: 12,
    make: ({ rng }) =>
      pythonTrace(
        "Refund processing failed",
        "ValueError",
        `refund amount ${int(rng, 1, 900)} exceeds captured amount`,
        [
          ["/app/orders/api.py", 212, "post_refund"],
          ["/app/orders/refunds.py", 61, "validate_amount"],
        ],
        "/app/orders/refunds.py",
        "process_refund",
      ),
  },
  // storefront (Node, pino, no module labels)
  {
    id: "node-flag-missing",
    service: NODE,
    description: "feature flag missing, word-valued flag",
    rate: 80,
    make: ({ rng, hour }) => pino("WARNING", `Feature flag ${FLAGS.draw(rng, hour)} not found in remote config, serving default variant`),
  },
  {
    id: "node-cache-read",
    service: NODE,
    description: "cache read failures, word-valued cache-key prefix",
    rate: 90,
    make: ({ rng, hour }) =>
      pino("ERROR", `Cache read failed for key prefix ${PREFIXES.draw(rng, hour)}: ECONNRESET`, { key: `${hex(rng, 12)}` }),
  },
  {
    id: "node-cache-evict",
    service: NODE,
    description: "cache evictions, word-valued prefix in a key=value",
    rate: 35,
    make: ({ rng, hour }) =>
      pino("WARNING", `evicted ${int(rng, 100, 5000)} entries under memory pressure prefix=${PREFIXES.draw(rng, hour)}`),
  },
  {
    id: "node-typeerror",
    service: NODE,
    description: "stack trace: TypeError in cart.js",
    rate: 25,
    make: () =>
      pino("ERROR", "request failed", {
        err: {
          type: "TypeError",
          message: "Cannot read properties of undefined (reading 'price')",
          stack: nodeStack("TypeError", "Cannot read properties of undefined (reading 'price')", [
            "computeTotal (/app/src/cart.js:88:31)",
            "CartService.checkout (/app/src/cart.js:140:12)",
          ]),
        },
      }),
  },
  {
    id: "node-rangeerror",
    service: NODE,
    description: "stack trace: RangeError in cart.js",
    rate: 8,
    make: () =>
      pino("ERROR", "request failed", {
        err: {
          type: "RangeError",
          message: "Invalid array length",
          stack: nodeStack("RangeError", "Invalid array length", [
            "splitShipments (/app/src/cart.js:201:17)",
            "CartService.checkout (/app/src/cart.js:146:20)",
          ]),
        },
      }),
  },
  {
    id: "node-req-500",
    service: NODE,
    description: "request log: POST /api/carts/{id}/checkout 500",
    rate: 40,
    make: ({ rng }) => request("POST", `https://storefront-abc-uc.a.run.app/api/carts/${int(rng, 1000, 99999)}/checkout`, 500, rng),
  },
  {
    id: "node-req-404",
    service: NODE,
    description: "request log: GET /api/products/{uuid} 404",
    rate: 60,
    make: ({ rng }) => request("GET", `https://storefront-abc-uc.a.run.app/api/products/${uuid(rng)}?ref=search`, 404, rng),
  },
  // edge-gateway (Go, zap)
  {
    id: "go-no-such-host",
    service: GO,
    description: "DNS failures, host name without digits",
    rate: 50,
    make: ({ rng, hour }) => {
      const host = HOSTS.draw(rng, hour);
      return zap("ERROR", `dial tcp: lookup ${host} on 169.254.169.254:53: no such host`, "proxy/upstream.go:212");
    },
  },
  {
    id: "go-upstream-ejected",
    service: GO,
    description: "upstream ejected, host name without digits, key=value",
    rate: 45,
    make: ({ rng, hour }) =>
      zap(
        "WARNING",
        `ejecting unhealthy upstream upstream=${HOSTS.draw(rng, hour)} consecutive_failures=${int(rng, 3, 9)}`,
        "proxy/health.go:77",
      ),
  },
  {
    id: "go-region-failover",
    service: GO,
    description: "failover, word-valued region and tenant",
    rate: 20,
    make: ({ rng, hour }) =>
      zap(
        "WARNING",
        `failing over tenant ${TENANTS.draw(rng, hour)} to secondary region ${pick(rng, ["europe-west", "us-east", "asia-south", "us-central"])}`,
        "proxy/failover.go:40",
      ),
  },
  {
    id: "go-ratelimit",
    service: GO,
    description: "rate limited, word-valued route-free client name",
    rate: 70,
    make: ({ rng, hour }) =>
      zap("WARNING", `rate limit exceeded for client ${TENANTS.draw(rng, hour)}-mobile, dropping request`, "middleware/ratelimit.go:58"),
  },
  {
    id: "go-panic",
    service: GO,
    description: "panic recovered (Go stack in the message field)",
    rate: 6,
    make: () =>
      zap("ERROR", "panic recovered: runtime error: invalid memory address or nil pointer dereference", "middleware/recover.go:31", {
        stacktrace:
          "goroutine 77 [running]:\nmain.(*Router).ServeHTTP(0xc000134000)\n\t/src/router.go:88 +0x1a5\nnet/http.serverHandler.ServeHTTP()\n\t/usr/local/go/src/net/http/server.go:3137 +0x8e",
      }),
  },
  {
    id: "go-req-502",
    service: GO,
    description: "request log: GET /v1/quotes 502",
    rate: 30,
    make: ({ rng }) => request("GET", `https://edge-gateway-xyz-ew.a.run.app/v1/quotes?zip=${int(rng, 10000, 99999)}`, 502, rng),
  },
  // billing (JVM, logback)
  {
    id: "jvm-pool-exhausted",
    service: JVM,
    description: "connection pool exhausted, word-valued data source",
    rate: 30,
    make: ({ rng, hour }) =>
      logback(
        "ERROR",
        `Connection pool exhausted for datasource ${DATASOURCES.draw(rng, hour)}, waited 30000 ms`,
        "com.zaxxer.hikari.pool.HikariPool",
      ),
  },
  {
    id: "jvm-kafka-retry",
    service: JVM,
    description: "consumer retries, word-valued dotted topic",
    rate: 55,
    make: ({ rng, hour }) =>
      logback(
        "WARNING",
        `Retrying record from topic ${TOPICS.draw(rng, hour)} partition ${int(rng, 0, 11)} after rebalance`,
        "com.example.billing.events.Consumer",
      ),
  },
  {
    id: "jvm-queue-backlog",
    service: JVM,
    description: "queue backlog, word-valued queue, quoted",
    rate: 25,
    make: ({ rng, hour }) =>
      logback(
        "WARNING",
        `Queue '${QUEUES.draw(rng, hour)}' backlog above threshold: ${int(rng, 1000, 50000)} messages`,
        "com.example.billing.jobs.QueueMonitor",
      ),
  },
  {
    id: "jvm-illegal-state",
    service: JVM,
    description: "stack trace: IllegalStateException in InvoiceService",
    rate: 18,
    make: ({ rng }) =>
      logback(
        "ERROR",
        `Invoice ${int(rng, 10000, 99999)} could not be finalized`,
        "com.example.billing.InvoiceService",
        javaStack("java.lang.IllegalStateException", "Invoice already finalized", [
          "com.example.billing.InvoiceService.finalize(InvoiceService.java:118)",
          "com.example.billing.InvoiceController.close(InvoiceController.java:64)",
        ]),
      ),
  },
  {
    id: "jvm-illegal-argument",
    service: JVM,
    description: "stack trace: IllegalArgumentException in InvoiceService",
    rate: 9,
    make: ({ rng }) =>
      logback(
        "ERROR",
        `Invoice ${int(rng, 10000, 99999)} could not be finalized`,
        "com.example.billing.InvoiceService",
        javaStack("java.lang.IllegalArgumentException", "amount must be positive", [
          "com.example.billing.InvoiceService.validate(InvoiceService.java:201)",
          "com.example.billing.InvoiceService.finalize(InvoiceService.java:112)",
        ]),
      ),
  },
  {
    id: "jvm-req-503",
    service: JVM,
    description: "request log: POST /invoices/{id}/pay 503",
    rate: 20,
    make: ({ rng }) => request("POST", `https://billing-123-uc.a.run.app/invoices/${int(rng, 10000, 99999)}/pay`, 503, rng),
  },
  // subscriptions (Node, pino, short free-form events)
  ...["paused", "resumed", "cancelled", "expired"].map((verb, i): Problem => ({
    id: `events-renewal-${verb}`,
    service: EVENTS,
    description: `near miss: short event differing in its verb (${verb})`,
    rate: [50, 30, 20, 12][i]!,
    make: () => pino("WARNING", `Subscription renewal ${verb}`),
  })),
  {
    id: "events-webhook-user",
    service: EVENTS,
    description: "webhook retries, word-valued user name",
    rate: 35,
    make: ({ rng, hour }) => pino("WARNING", `Webhook for ${USERS.draw(rng, hour)} failed, retry scheduled`),
  },
  {
    id: "events-job-stalled",
    service: EVENTS,
    description: "background job stalled, word-valued queue (only some hours)",
    rate: 25,
    hours: (h) => h % 3 !== 1,
    make: ({ rng, hour }) => pino("ERROR", `Job stalled in queue ${QUEUES.draw(rng, hour)} for more than 5 minutes`),
  },
];

const REVISIONS: Record<string, string> = {
  [PY]: "orders-api-00042-kez",
  [NODE]: "storefront-00117-wop",
  [GO]: "edge-gateway-00009-lam",
  [JVM]: "billing-00231-fiq",
  [EVENTS]: "subscriptions-00015-duv",
};

/** The day starting at `dayStart` (epoch ms, on the hour), `hours` long. */
export function generateDay(options: { seed?: number; dayStart?: number; hours?: number; scale?: number } = {}): LabelledDay {
  const seed = options.seed ?? 20260601;
  const dayStart = options.dayStart ?? Date.UTC(2026, 5, 1);
  const hourCount = options.hours ?? 24;
  const scale = options.scale ?? 1;
  const rng = seeded(seed);
  const hours: LabelledHour[] = [];
  let insert = 0;
  for (let h = 0; h < hourCount; h++) {
    const start = dayStart + h * 3_600_000;
    const rows: { at: number; entry: Record<string, unknown>; label: string }[] = [];
    // A daily curve: quiet at night, busy in the afternoon.
    const load = 0.4 + 0.6 * Math.sin((Math.PI * ((h + 18) % 24)) / 24) ** 2;
    for (const p of PROBLEMS) {
      if (p.hours && !p.hours(h)) continue;
      const mean = p.rate * load * scale;
      const n = Math.max(1, Math.round(mean * (0.7 + 0.6 * rng())));
      for (let k = 0; k < n; k++) {
        const at = start + Math.floor(rng() * 3_600_000);
        const body = p.make({ rng, hour: h });
        const entry: Record<string, unknown> = {
          insertId: `${(insert++).toString(36).padStart(8, "0")}${hex(rng, 6)}`,
          logName: "projects/demo-shop/logs/run.googleapis.com%2Fstdout",
          timestamp: new Date(at).toISOString(),
          receiveTimestamp: new Date(at + 500).toISOString(),
          resource: {
            type: "cloud_run_revision",
            labels: {
              project_id: "demo-shop",
              service_name: p.service,
              revision_name: REVISIONS[p.service],
              configuration_name: p.service,
              location: "us-central1",
            },
          },
          labels: { instanceId: `00f46b9285${hex(rng, 24)}` },
          trace: `projects/demo-shop/traces/${hex(rng, 32)}`,
          ...body,
        };
        rows.push({ at, entry, label: p.id });
      }
    }
    rows.sort((a, b) => a.at - b.at);
    hours.push({ start, entries: rows.map((r) => r.entry), labels: rows.map((r) => r.label) });
  }
  return { hours, problems: PROBLEMS.map((p) => ({ id: p.id, service: p.service, description: p.description })) };
}
