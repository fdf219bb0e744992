/**
 * Ninth held-out day: 24 hours (2026-11-22, UTC) of Cloud Run logs of Fernhill Lending, a fintech
 * lending platform that sells point-of-sale and personal instalment loans through merchant and
 * broker partners (roofers, solar installers, dentists, car dealers), and its ground truth.
 *
 * Four Cloud Run services in project `fernhill-lending-prod` (us-east4):
 * - `origination-api` — Java 21, Quarkus 3 (RESTEasy Reactive, Hibernate ORM on Agroal/PostgreSQL,
 *   REST client to the credit bureaus, scheduler). Logs to stdout through quarkus-logging-json with
 *   `key-overrides=level=severity`, `exception-output-type=detailed-and-formatted` (an `exception`
 *   object with `exceptionType`/`message`/`frames`/`causedBy` and a formatted `stackTrace` string with
 *   "Caused by:"), `timestamp`, `sequence`, `hostName`, `processName` and `ndc` excluded; `mdc` carries
 *   the OpenTelemetry `traceId`/`spanId`/`sampled` and a few app keys.
 * - `underwriting` — Python 3.12, Flask under gunicorn. python-json-logger on stderr with
 *   `%(asctime)s %(levelname)s %(name)s %(message)s`, `levelname` renamed to `severity`, tracebacks in
 *   `exc_info`, and a filter that adds `logging.googleapis.com/trace` and
 *   `logging.googleapis.com/sourceLocation`. gunicorn's own `gunicorn.error` logger goes through the
 *   same formatter (`logconfig_dict`), so "WORKER TIMEOUT (pid:N)" arrives as a JSON line.
 * - `ledger` — Go 1.23 with rs/zerolog on stdout: `zerolog.LevelFieldName = "severity"`, a level
 *   marshaller that prints Cloud Logging names, `.Caller()` (`caller`), `.Err()` (`error`),
 *   `zerolog.ErrorStackMarshaler = pkgerrors.MarshalStack` (`stack` array of source/line/func), and
 *   a recoverer middleware that logs recovered panics with the `debug.Stack()` goroutine dump.
 * - `borrower-web-api` — Node 22, express, bunyan (`name`, `hostname`, `pid`, numeric `level`, `v`,
 *   the standard `err` serializer). A custom stream renames `msg` to `message` and adds `severity`.
 * Cloud Run adds its request log (`run.googleapis.com/requests`) for every request, and its own texts
 * for requests it aborts (no available instance, request timeout) as that request log's textPayload.
 * The logging agent has promoted `severity`, `logging.googleapis.com/*` keys and consumed the `time`
 * fields, so payloads show none of them. Only WARNING and worse entries are in the day.
 *
 * A problem is one root cause an on-call engineer would fix once; every entry it causes (the app's
 * line and, where there is one, the request log of the same failing request) belongs to it. The
 * only ground-truth marker is the insertId: `hw<NN>-<seq base36><8 hex>` where NN is the problem
 * number (P07 → `hw07-…`) and seq is the entry's position in the day's time order.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hex, int, pick, rng, type Rng } from "../seeded-random";

export { rng };

export const DAY = "2026-11-22";
export const DAY_START = Date.parse(`${DAY}T00:00:00.000Z`);

export interface Problem {
  readonly id: string;
  readonly service: string;
  readonly about: string;
}

export interface Day {
  readonly problems: readonly Problem[];
  readonly counts: Readonly<Record<string, readonly number[]>>;
  readonly hours: readonly string[];
}

export const SERVICE_NAMES = ["origination-api", "underwriting", "ledger", "borrower-web-api"] as const;
type Service = (typeof SERVICE_NAMES)[number];

const MARKER = "hw";
const PROJECT = "fernhill-lending-prod";
const PROJECT_NUMBER = "418275530962";
const REGION = "us-east4";
const NS_HOUR = 3_600_000_000_000;
const NS_MIN = 60_000_000_000;
const NS_SEC = 1_000_000_000;
const DAY_NS = 24 * NS_HOUR;
const hm = (h: number, m: number, s = 0): number => ((h * 60 + m) * 60 + s) * NS_SEC;

/** Revisions: [from, revision number]. Deploys move the service to a new revision. */
const DEPLOYS: Record<Service, ReadonlyArray<readonly [number, number]>> = {
  "origination-api": [
    [0, 57],
    [hm(14, 20, 11), 58],
  ],
  underwriting: [
    [0, 44],
    [hm(16, 42, 37), 45],
  ],
  ledger: [
    [0, 71],
    [hm(13, 5, 48), 72],
    [hm(18, 31, 2), 73],
  ],
  "borrower-web-api": [
    [0, 88],
    [hm(11, 15, 26), 89],
    [hm(19, 48, 9), 90],
  ],
};

const HOSTS: Record<Service, string> = {
  "origination-api": `origination-api-${PROJECT_NUMBER}.${REGION}.run.app`,
  underwriting: `underwriting-${PROJECT_NUMBER}.${REGION}.run.app`,
  ledger: `ledger-${PROJECT_NUMBER}.${REGION}.run.app`,
  "borrower-web-api": "portal-api.fernhill.com",
};

// ---------------------------------------------------------------------------------------------
// Word pools (skewed; some grow during the day)

interface Pool {
  readonly base: readonly string[];
  readonly adds: ReadonlyArray<readonly [number, readonly string[]]>;
}

const PARTNERS: Pool = {
  base: [
    "northwind-auto",
    "bluebird-solar",
    "maple-home",
    "cedar-credit",
    "summit-dental",
    "harbor-furniture",
    "lumen-roofing",
    "copper-kitchens",
  ],
  adds: [
    [9, ["orchard-vet", "ridgeway-motors"]],
    [14, ["pinecrest-pools", "tidewater-boats", "alder-orthodontics"]],
    [19, ["juniper-fitness", "willow-hvac"]],
  ],
};
const INSTITUTIONS: Pool = {
  base: ["chase", "wellsfargo", "bankofamerica", "citibank", "usbank", "pnc", "truist", "capitalone", "navyfederal"],
  adds: [
    [10, ["ally", "regions"]],
    [16, ["huntington", "citizens", "keybank"]],
    [21, ["frost", "synovus"]],
  ],
};
const CURRENCIES: Pool = {
  base: ["CAD", "MXN", "GBP"],
  adds: [
    [12, ["EUR", "AUD"]],
    [18, ["JPY", "CHF", "NZD"]],
  ],
};
const CACHE_PREFIXES: Pool = {
  base: ["score", "bankconn", "ratesheet", "offer"],
  adds: [
    [8, ["fraudsig"]],
    [15, ["kyc", "incomeverify"]],
    [20, ["hardship"]],
  ],
};
const FLAGS: Pool = {
  base: ["autopay-nudge", "offer-carousel", "relink-banner", "spanish-onboarding", "instant-decision"],
  adds: [
    [10, ["hardship-flow"]],
    [15, ["paperless-consent", "refi-upsell"]],
    [20, ["payoff-widget", "dark-mode"]],
  ],
};
const TOPICS: Pool = {
  base: ["ledger-events", "repayment-posted", "disbursement-settled"],
  adds: [
    [11, ["chargeoff-events"]],
    [17, ["autopay-scheduled", "late-fee-assessed"]],
  ],
};
const TABLES: Pool = {
  base: ["journal_lines", "account_balances", "repayment_schedules"],
  adds: [
    [12, ["payout_batches"]],
    [18, ["fee_accruals"]],
  ],
};
const WEBHOOK_PROVIDERS: Pool = {
  base: ["moov", "treasuryprime"],
  adds: [
    [12, ["column"]],
    [17, ["increase", "synctera"]],
  ],
};
const PRODUCTS = ["personal", "home-improvement", "solar", "auto-refi", "medical", "debt-consolidation"] as const;
const BUREAUS = [
  ["experian", "us-api.experian.com"],
  ["equifax", "api.equifax.com"],
  ["transunion", "netaccess.transunion.com"],
] as const;
const RECON_BANKS = ["lakeshore", "evergreen", "bluewater"] as const;
const DOC_TYPES = ["paystub", "bank-statement", "drivers-license", "w2", "utility-bill", "tax-return"] as const;
const BAD_MIME = [
  "image/heic",
  "image/webp",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "image/tiff",
] as const;
const FIRST = [
  "maria",
  "james",
  "aisha",
  "tyler",
  "sofia",
  "marcus",
  "elena",
  "devon",
  "priya",
  "logan",
  "grace",
  "andre",
  "chloe",
  "mateo",
  "hannah",
  "rashid",
  "olivia",
  "wesley",
  "nadia",
  "connor",
  "yuki",
  "brandon",
  "leah",
  "omar",
] as const;
const LAST = [
  "okafor",
  "nguyen",
  "garcia",
  "kowalski",
  "brennan",
  "patel",
  "moreno",
  "lindqvist",
  "harper",
  "castillo",
  "dubois",
  "whitaker",
  "ferreira",
  "osei",
  "sullivan",
  "romero",
  "becker",
  "tanaka",
  "mcallister",
  "ivanova",
] as const;

const available = (p: Pool, h: number): string[] => [...p.base, ...p.adds.filter(([at]) => at <= h).flatMap(([, xs]) => xs)];

/** Zipf-like pick: the first values carry most of the traffic. */
function zipf<T>(r: Rng, xs: readonly T[], s = 1.1): T {
  let total = 0;
  for (let i = 0; i < xs.length; i++) total += 1 / Math.pow(i + 1, s);
  let x = r() * total;
  for (let i = 0; i < xs.length; i++) {
    x -= 1 / Math.pow(i + 1, s);
    if (x <= 0) return xs[i]!;
  }
  return xs[xs.length - 1]!;
}

/** From a growing pool: skewed over what exists by hour h, with newly added values getting a share. */
function fromPool(r: Rng, p: Pool, h: number): string {
  const added = p.adds.filter(([at]) => at <= h).flatMap(([, xs]) => xs);
  if (added.length > 0 && r() < 0.3) return pick(r, added);
  return zipf(r, available(p, h));
}

// ---------------------------------------------------------------------------------------------
// Small value generators

const uuid = (r: Rng): string => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${pick(r, ["8", "9", "a", "b"])}${hex(r, 3)}-${hex(r, 12)}`;
const ALNUM = "0123456789abcdefghijklmnopqrstuvwxyz";
const B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const alnum = (r: Rng, n: number): string => Array.from({ length: n }, () => ALNUM[Math.floor(r() * ALNUM.length)]).join("");
const b62 = (r: Rng, n: number): string => Array.from({ length: n }, () => B62[Math.floor(r() * B62.length)]).join("");
const appId = (r: Rng): string => `APP-${int(r, 1_100_000, 1_999_999)}`;
const loanId = (r: Rng): string => `ln_${alnum(r, 14)}`;
const accountId = (r: Rng): string => `acct_${alnum(r, 12)}`;
const username = (r: Rng): string =>
  r() < 0.5 ? `${zipf(r, FIRST, 0.6)}.${zipf(r, LAST, 0.6)}` : `${zipf(r, FIRST, 0.6)[0]}${zipf(r, LAST, 0.6)}`;
const email = (r: Rng): string =>
  `${pick(r, FIRST)}.${pick(r, LAST)}${r() < 0.4 ? int(r, 1, 99) : ""}@${zipf(r, ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com"])}`;
const publicIp = (r: Rng): string =>
  r() < 0.15
    ? `2600:${hex(r, 4)}:${hex(r, 4)}:${hex(r, 4)}::${hex(r, 3)}`
    : `${pick(r, [24, 47, 67, 73, 98, 104, 108, 172, 174, 71, 76, 99])}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
const SERVER_IPS = ["216.239.32.53", "216.239.34.53", "216.239.36.53", "216.239.38.53"] as const;
const BROWSERS = [
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Linux; Android 14; SM-S921U) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "FernhillApp/5.12.1 (iPhone; iOS 18.1; Scale/3.00)",
  "FernhillApp/5.12.0 (Android 14; Pixel 8)",
] as const;
const PARTNER_AGENTS = [
  "okhttp/4.12.0",
  "python-requests/2.32.3",
  "Go-http-client/2.0",
  "axios/1.7.7",
  "Apache-HttpClient/5.3.1 (Java/17.0.12)",
] as const;
const INTERNAL_AGENTS = { node: "axios/1.7.7", java: "Vert.x-WebClient/4.5.11", python: "python-requests/2.32.3" } as const;

function poisson(r: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda * (0.82 + 0.36 * r())));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r();
  } while (p > l);
  return k - 1;
}

/** Borrower traffic by UTC hour (US customers: quiet from 05 to 11 UTC). */
function traffic(h: number): number {
  const local = (h + 19) % 24;
  const w = [0.15, 0.12, 0.1, 0.1, 0.12, 0.18, 0.3, 0.5, 0.8, 1, 1, 1, 0.95, 1, 1, 1, 1, 0.9, 0.8, 0.8, 0.75, 0.6, 0.4, 0.25];
  return w[local]!;
}

// ---------------------------------------------------------------------------------------------
// Entry construction

interface Rev {
  readonly at: number;
  readonly name: string;
  readonly instances: readonly string[];
}

interface Raw {
  readonly pid: string;
  readonly t: number;
  readonly obj: Record<string, unknown>;
}

interface ReqOpts {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly latency: number;
  readonly ua: string;
  readonly trace?: string;
  readonly reqSize?: number;
  readonly respSize?: number;
  readonly referer?: string;
  readonly text?: string;
  readonly noInstance?: boolean;
  readonly ip?: string;
}

const pad = (n: number, w: number): string => String(n).padStart(w, "0");

function rfc3339(tNs: number): string {
  const ms = Math.floor(tNs / 1e6);
  const iso = new Date(DAY_START + ms).toISOString();
  return `${iso.slice(0, 19)}.${pad(tNs % NS_SEC, 9)}Z`;
}

class Gen {
  readonly raws: Raw[] = [];
  pid = "";
  constructor(
    readonly r: Rng,
    private readonly revs: Record<Service, Rev[]>,
  ) {}

  revAt(svc: Service, t: number): { idx: number; rev: Rev } {
    const list = this.revs[svc];
    let idx = 0;
    for (let i = 0; i < list.length; i++) if (list[i]!.at <= t) idx = i;
    return { idx, rev: list[idx]! };
  }

  trace(): string {
    return `projects/${PROJECT}/traces/${hex(this.r, 32)}`;
  }

  private push(svc: Service, t: number, severity: string, log: string, body: Record<string, unknown>, instance?: string | null): void {
    if (t < 0 || t >= DAY_NS) return;
    // Lines stamped by the agent get full nanosecond precision.
    if (t % 1_000_000 === 0) t += int(this.r, 1, 999_999);
    const { rev } = this.revAt(svc, t);
    const obj: Record<string, unknown> = {
      logName: `projects/${PROJECT}/logs/run.googleapis.com%2F${log}`,
      receiveTimestamp: rfc3339(Math.min(t + int(this.r, 8_000_000, 1_400_000_000), DAY_NS + NS_HOUR)),
      resource: {
        type: "cloud_run_revision",
        labels: { configuration_name: svc, location: REGION, project_id: PROJECT, revision_name: rev.name, service_name: svc },
      },
      severity,
      timestamp: rfc3339(t),
      ...body,
    };
    if (instance !== null) obj.labels = { instanceId: instance ?? zipf(this.r, rev.instances, 0.8) };
    this.raws.push({ pid: this.pid, t, obj });
  }

  /** A structured line from the app (payload already stripped of what the agent promotes). */
  app(
    svc: Service,
    t: number,
    severity: string,
    log: "stdout" | "stderr",
    jsonPayload: Record<string, unknown>,
    extra: Record<string, unknown> = {},
    instance?: string,
  ): void {
    this.push(svc, t, severity, log, { jsonPayload, ...extra }, instance);
  }

  /** Cloud Run's request log of one request. */
  req(svc: Service, t: number, o: ReqOpts): void {
    const r = this.r;
    const httpRequest: Record<string, unknown> = {
      latency: `${o.latency.toFixed(6)}s`,
      protocol: r() < 0.6 ? "HTTP/1.1" : "HTTP/2",
      remoteIp: o.ip ?? publicIp(r),
      requestMethod: o.method,
      requestSize: String(o.reqSize ?? int(r, 280, 2400)),
      requestUrl: `https://${HOSTS[svc]}${o.path}`,
      responseSize: String(o.respSize ?? int(r, 180, 900)),
      serverIp: pick(r, SERVER_IPS),
      status: o.status,
      userAgent: o.ua,
    };
    if (o.referer) httpRequest.referer = o.referer;
    const body: Record<string, unknown> = { httpRequest, spanId: hex(r, 16), trace: o.trace ?? this.trace() };
    if (o.text) body.textPayload = o.text;
    this.push(svc, t, o.status >= 500 ? "ERROR" : "WARNING", "requests", body, o.noInstance ? null : undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Stack shapes

/** A JVM exception as quarkus-logging-json prints it (detailed object + formatted string). */
interface JEx {
  readonly type: string;
  readonly message: string;
  readonly frames: ReadonlyArray<readonly [string, string, number]>;
  readonly cause?: JEx;
}

function jexJson(e: JEx, refId = 1): Record<string, unknown> {
  const out: Record<string, unknown> = {
    refId,
    exceptionType: e.type,
    message: e.message,
    frames: e.frames.map(([cls, method, line]) => ({ class: cls, method, line })),
  };
  if (e.cause) out.causedBy = { exception: jexJson(e.cause, refId + 1) };
  return out;
}

const javaFile = (cls: string): string => `${cls.split(".").pop()!.split("$")[0]}.java`;

function jexText(e: JEx, parentFrames = 0): string {
  const head = `${e.type}: ${e.message}`;
  const lines = e.frames.map(([cls, m, line]) => `\tat ${cls}.${m}(${line > 0 ? `${javaFile(cls)}:${line}` : "Unknown Source"})`);
  let s = parentFrames > 0 ? `Caused by: ${head}\n${lines.join("\n")}` : `${head}\n${lines.join("\n")}`;
  if (parentFrames > 0) s += `\n\t... ${Math.max(1, parentFrames - 3)} more`;
  if (e.cause) s += `\n${jexText(e.cause, e.frames.length)}`;
  return s;
}

const QUARKUS_HTTP_TAIL: ReadonlyArray<readonly [string, string, number]> = [
  ["org.jboss.resteasy.reactive.server.handlers.InvocationHandler", "handle", 29],
  ["io.quarkus.resteasy.reactive.server.runtime.QuarkusResteasyReactiveRequestContext", "invokeHandler", 183],
  ["org.jboss.resteasy.reactive.common.core.AbstractResteasyReactiveContext", "run", 147],
  ["io.quarkus.vertx.core.runtime.VertxCoreRecorder$14", "runWith", 635],
  ["org.jboss.threads.EnhancedQueueExecutor$Task", "doRunWith", 2516],
  ["org.jboss.threads.EnhancedQueueExecutor$Task", "run", 2495],
  ["org.jboss.threads.JBossThread", "run", 483],
  ["java.lang.Thread", "run", 1583],
];

function quarkus(
  g: Gen,
  logger: string,
  message: string,
  mdc: Record<string, string>,
  exc?: JEx,
  thread?: string,
): Record<string, unknown> {
  const r = g.r;
  const threadName = thread ?? `executor-thread-${int(r, 1, 48)}`;
  const p: Record<string, unknown> = {
    loggerClassName: "org.jboss.logging.Logger",
    loggerName: logger,
    message,
    mdc: { sampled: "true", spanId: hex(r, 16), traceId: hex(r, 32), ...mdc },
    threadId: int(r, 60, 240),
    threadName,
  };
  if (exc) {
    p.exception = jexJson(exc);
    p.stackTrace = jexText(exc);
  }
  return p;
}

/** python-json-logger payload. */
function pyPayload(g: Gen, t: number, name: string, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const d = new Date(DAY_START + Math.floor(t / 1e6)).toISOString();
  return { asctime: `${d.slice(0, 10)} ${d.slice(11, 19)},${d.slice(20, 23)}`, message, name, ...extra };
}

type PyFrame = readonly [string, number, string, string];
const SP = "/usr/local/lib/python3.12/site-packages";
const PY = "/usr/local/lib/python3.12";

function pyTrace(frames: readonly PyFrame[], last: string): string {
  const body = frames.map(([file, line, fn, code]) => `  File "${file}", line ${line}, in ${fn}\n    ${code}`).join("\n");
  return `Traceback (most recent call last):\n${body}\n${last}`;
}
const CAUSE = "\n\nThe above exception was the direct cause of the following exception:\n\n";
const DURING = "\n\nDuring handling of the above exception, another exception occurred:\n\n";

const FLASK_FRAMES: readonly PyFrame[] = [
  [`${SP}/flask/app.py`, 1511, "wsgi_app", "response = self.full_dispatch_request()"],
  [`${SP}/flask/app.py`, 919, "full_dispatch_request", "rv = self.handle_user_exception(e)"],
  [`${SP}/flask/app.py`, 917, "full_dispatch_request", "rv = self.dispatch_request()"],
  [
    `${SP}/flask/app.py`,
    902,
    "dispatch_request",
    "return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)  # type: ignore[no-any-return]",
  ],
];

const goCaller = (file: string, line: number): string => `/src/internal/${file}:${line}`;
const pkgStack = (frames: ReadonlyArray<readonly [string, number, string]>): Array<Record<string, string>> =>
  frames.map(([source, line, fn]) => ({ func: fn, line: String(line), source }));

function bunyan(g: Gen, level: 40 | 50 | 60, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { hostname: "localhost", level, message, name: "borrower-web-api", pid: 1, v: 0, ...extra };
}
const NODE_TIMERS = ["    at listOnTimeout (node:internal/timers:594:17)", "    at process.processTimers (node:internal/timers:529:7)"];

// ---------------------------------------------------------------------------------------------
// Problems

interface Def extends Problem {
  /** Expected number of events in hour h (an event may log more than one entry). */
  readonly rate?: (h: number) => number;
  /** Events clustered in a few minutes of each hour rather than spread over it. */
  readonly bursty?: boolean;
  readonly from?: number;
  readonly to?: number;
  /** Explicit event times (instead of rate). */
  readonly times?: (g: Gen) => number[];
  readonly emit: (g: Gen, t: number, h: number) => void;
}

const at =
  (m: Record<number, number>, dflt = 0) =>
  (h: number): number =>
    m[h] ?? dflt;

function defs(): Def[] {
  const O: Service = "origination-api";
  const U: Service = "underwriting";
  const L: Service = "ledger";
  const B: Service = "borrower-web-api";
  const partnerUa = (g: Gen): string => zipf(g.r, PARTNER_AGENTS);
  const browserUa = (g: Gen): string => zipf(g.r, BROWSERS, 0.7);
  const schedulerInstance = new Map<number, string>();

  const submitFrames = (g: Gen, t: number): Array<readonly [string, string, number]> => {
    const shift = g.revAt(O, t).idx * 6;
    return [
      ["com.fernhill.origination.application.ApplicationService", "submit", 141 + shift],
      ["com.fernhill.origination.application.ApplicationService_Subclass", "submit$$superforward", -1],
      ["io.quarkus.narayana.jta.runtime.interceptor.TransactionalInterceptorBase", "invokeInOurTx", 136],
      ["com.fernhill.origination.api.PartnerApplicationResource", "submit", 88 + (g.r() < 0.5 ? 0 : 2)],
      ...QUARKUS_HTTP_TAIL,
    ];
  };

  const list: Def[] = [
    // ------------------------------------------------------------------ origination-api (Java)
    {
      id: "P01",
      service: O,
      about:
        "Agroal connection pool exhausted under partner batch submissions: Hibernate throws JDBCConnectionException (Sorry, acquisition timeout!) and the request fails with 500.",
      rate: (h) => at({ 14: 150, 15: 290, 16: 110, 20: 170 }, traffic(h) > 0.9 ? 2 : 0)(h),
      bursty: true,
      emit(g, t, h) {
        const r = g.r;
        const slug = fromPool(r, PARTNERS, h);
        const path = `/v1/partners/${slug}/applications`;
        const trace = g.trace();
        const errId = `${uuid(r)}-${int(r, 1, 900)}`;
        const exc: JEx = {
          type: "org.hibernate.exception.JDBCConnectionException",
          message: "Unable to acquire JDBC Connection [Sorry, acquisition timeout!] [n/a]",
          frames: [
            ["org.hibernate.exception.internal.SQLStateConversionDelegate", "convert", 100],
            ["org.hibernate.exception.internal.StandardSQLExceptionConverter", "convert", 58],
            ["org.hibernate.engine.jdbc.spi.SqlExceptionHelper", "convert", 108],
            ["org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl", "acquireConnectionIfNeeded", 110],
            ["org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl", "getPhysicalConnection", 138],
            ["org.hibernate.internal.AbstractSharedSessionContract", "beginTransaction", 596],
            ["com.fernhill.origination.application.ApplicationRepository", "findByPartnerAndRef", 52],
            ["com.fernhill.origination.application.ApplicationService", "submit", 118 + g.revAt(O, t).idx * 6],
            ["com.fernhill.origination.api.PartnerApplicationResource", "submit", 88],
            ...QUARKUS_HTTP_TAIL,
          ],
          cause: {
            type: "java.sql.SQLException",
            message: "Sorry, acquisition timeout!",
            frames: [
              ["io.agroal.pool.ConnectionPool", "handlerFromSharedCache", 347],
              ["io.agroal.pool.ConnectionPool", "getConnection", 293],
              ["io.agroal.pool.DataSource", "getConnection", 86],
              ["io.quarkus.hibernate.orm.runtime.customized.QuarkusConnectionProvider", "getConnection", 36],
              ["org.hibernate.internal.NonContextualJdbcConnectionAccess", "obtainConnection", 46],
              ["org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl", "acquireConnectionIfNeeded", 107],
            ],
          },
        };
        const lat = 5 + r() * 0.09;
        g.req(O, t, { method: "POST", path, status: 500, latency: lat, ua: partnerUa(g), trace, respSize: 0, reqSize: int(r, 1800, 9000) });
        g.app(
          O,
          t + Math.floor(lat * NS_SEC) - int(r, 1, 4) * 1_000_000,
          "ERROR",
          "stdout",
          quarkus(g, "io.quarkus.vertx.http.runtime.QuarkusErrorHandler", `HTTP Request to ${path} failed, error id: ${errId}`, {}, exc),
        );
      },
    },
    {
      id: "P02",
      service: O,
      about:
        "Two partner callbacks update the same loan application at once: submit fails with OptimisticLockException (Row was updated or deleted by another transaction).",
      rate: (h) => 9 * traffic(h),
      emit(g, t, h) {
        const r = g.r;
        const id = appId(r);
        const slug = fromPool(r, PARTNERS, h);
        const msg = "Row was updated or deleted by another transaction (or unsaved-value mapping was incorrect)";
        const ent = `[com.fernhill.origination.domain.LoanApplication#${id.slice(4)}]`;
        const exc: JEx = {
          type: "jakarta.persistence.OptimisticLockException",
          message: `${msg}: ${ent}`,
          frames: [
            ["org.hibernate.internal.ExceptionConverterImpl", "wrapStaleStateException", 226],
            ["org.hibernate.internal.ExceptionConverterImpl", "convert", 93],
            ["org.hibernate.internal.SessionImpl", "doFlush", 1435],
            ["org.hibernate.internal.SessionImpl", "flush", 1417],
            ...submitFrames(g, t),
          ],
          cause: {
            type: "org.hibernate.StaleObjectStateException",
            message: `${msg}: ${ent}`,
            frames: [
              ["org.hibernate.engine.jdbc.mutation.internal.ModelMutationHelper", "identifiedResultsCheck", 75],
              ["org.hibernate.persister.entity.mutation.UpdateCoordinatorStandard", "lambda$doStaticUpdate$9", 785],
              ["org.hibernate.engine.jdbc.mutation.internal.AbstractMutationExecutor", "checkResults", 110],
            ],
          },
        };
        g.app(
          O,
          t,
          "ERROR",
          "stdout",
          quarkus(
            g,
            "com.fernhill.origination.application.ApplicationService",
            `Failed to submit application ${id} for partner ${slug}`,
            { partner: slug },
            exc,
          ),
        );
      },
    },
    {
      id: "P03",
      service: O,
      about:
        "Partners resend an application with an external reference already on file: submit fails with Hibernate ConstraintViolationException on loan_application_partner_ref_key.",
      rate: (h) => 6 * traffic(h),
      emit(g, t, h) {
        const r = g.r;
        const id = appId(r);
        const slug = fromPool(r, PARTNERS, h);
        const ref = `${slug.split("-")[0]!.toUpperCase()}-${int(r, 10000, 99999)}`;
        const pg =
          `ERROR: duplicate key value violates unique constraint "loan_application_partner_ref_key"\n` +
          `  Detail: Key (partner_id, external_ref)=(${int(r, 11, 240)}, ${ref}) already exists.`;
        const exc: JEx = {
          type: "org.hibernate.exception.ConstraintViolationException",
          message: `could not execute statement [${pg}] [insert into loan_application (amount_cents,created_at,external_ref,partner_id,product,status,id) values (?,?,?,?,?,?,?)]`,
          frames: [
            ["org.hibernate.exception.internal.SQLStateConversionDelegate", "convert", 97],
            ["org.hibernate.exception.internal.StandardSQLExceptionConverter", "convert", 58],
            ["org.hibernate.engine.jdbc.spi.SqlExceptionHelper", "convert", 108],
            ["org.hibernate.engine.jdbc.internal.ResultSetReturnImpl", "executeUpdate", 197],
            ["org.hibernate.internal.SessionImpl", "flush", 1417],
            ...submitFrames(g, t),
          ],
          cause: {
            type: "org.postgresql.util.PSQLException",
            message: pg,
            frames: [
              ["org.postgresql.core.v3.QueryExecutorImpl", "receiveErrorResponse", 2733],
              ["org.postgresql.core.v3.QueryExecutorImpl", "processResults", 2420],
              ["org.postgresql.jdbc.PgPreparedStatement", "executeUpdate", 152],
              ["io.agroal.pool.wrapper.PreparedStatementWrapper", "executeUpdate", 88],
            ],
          },
        };
        g.app(
          O,
          t,
          "ERROR",
          "stdout",
          quarkus(
            g,
            "com.fernhill.origination.application.ApplicationService",
            `Failed to submit application ${id} for partner ${slug}`,
            { partner: slug },
            exc,
          ),
        );
      },
    },
    {
      id: "P04",
      service: O,
      about: "Document uploads over the 25 MB limit (scanned multi-page statements) are rejected with 413: 'file size not allowed'.",
      rate: (h) => 7 * traffic(h),
      emit(g, t) {
        const r = g.r;
        const id = appId(r);
        const doc = zipf(r, DOC_TYPES);
        const size = int(r, 26_300_000, 71_000_000);
        const trace = g.trace();
        g.req(O, t, {
          method: "POST",
          path: `/v1/applications/${id}/documents`,
          status: 413,
          latency: 0.4 + r() * 3,
          ua: browserUa(g),
          trace,
          reqSize: size,
        });
        g.app(
          O,
          t + int(r, 20, 300) * 1_000_000,
          "WARNING",
          "stdout",
          quarkus(
            g,
            "com.fernhill.origination.documents.DocumentUploadResource",
            `Upload rejected for application ${id}: file size not allowed`,
            {
              contentLength: String(size),
              documentType: doc,
            },
          ),
        );
      },
    },
    {
      id: "P05",
      service: O,
      about:
        "Document uploads in formats the scanner pipeline cannot read (HEIC photos from iPhones, WEBP, DOCX) are rejected with 415: 'file type not allowed'.",
      rate: (h) => 5 * traffic(h),
      emit(g, t) {
        const r = g.r;
        const id = appId(r);
        const trace = g.trace();
        const mime = zipf(r, BAD_MIME, 1.4);
        g.req(O, t, {
          method: "POST",
          path: `/v1/applications/${id}/documents`,
          status: 415,
          latency: 0.2 + r(),
          ua: browserUa(g),
          trace,
          reqSize: int(r, 800_000, 6_000_000),
        });
        g.app(
          O,
          t + int(r, 10, 200) * 1_000_000,
          "WARNING",
          "stdout",
          quarkus(
            g,
            "com.fernhill.origination.documents.DocumentUploadResource",
            `Upload rejected for application ${id}: file type not allowed`,
            {
              contentType: mime,
              documentType: zipf(r, DOC_TYPES),
            },
          ),
        );
      },
    },
    {
      id: "P06",
      service: O,
      about:
        "Credit bureau REST client times out after 10 s during the bureaus' afternoon degradation; applications fall back to manual review.",
      rate: at({ 13: 18, 14: 40, 15: 25, 17: 12, 21: 30, 22: 9 }),
      bursty: true,
      emit(g, t) {
        const r = g.r;
        const [bureau, host] = zipf(r, BUREAUS, 0.5);
        const id = appId(r);
        const tm = `The timeout period of 10000ms has been exceeded while executing POST /v2/consumer-reports for server ${host}:443`;
        const exc: JEx = {
          type: "jakarta.ws.rs.ProcessingException",
          message: `io.vertx.core.http.impl.NoStackTraceTimeoutException: ${tm}`,
          frames: [
            ["org.jboss.resteasy.reactive.client.impl.InvocationBuilderImpl", "unwrap", 207],
            ["org.jboss.resteasy.reactive.client.impl.InvocationBuilderImpl", "method", 330],
            ["com.fernhill.origination.bureau.BureauClient$$QuarkusRestClientInterface", "pullReport", -1],
            ["com.fernhill.origination.bureau.BureauPullService", "pull", 64],
            ["com.fernhill.origination.bureau.BureauPullService_ClientProxy", "pull", -1],
            ["com.fernhill.origination.decision.DecisionService", "decide", 97],
            ...QUARKUS_HTTP_TAIL.slice(3),
          ],
          cause: { type: "io.vertx.core.http.impl.NoStackTraceTimeoutException", message: tm, frames: [] },
        };
        g.app(
          O,
          t,
          "ERROR",
          "stdout",
          quarkus(
            g,
            "com.fernhill.origination.bureau.BureauPullService",
            `Credit bureau pull failed for application ${id} (bureau=${bureau}), falling back to manual review`,
            { bureau },
            exc,
          ),
        );
      },
    },
    {
      id: "P07",
      service: O,
      about: "Partners' nightly-style batch pushes exceed their per-minute quota on origination-api; the partner rate limiter answers 429.",
      rate: at({ 15: 70, 16: 160, 21: 95 }, 1),
      bursty: true,
      emit(g, t, h) {
        const r = g.r;
        const slug = fromPool(r, PARTNERS, h);
        const limit = [60, 120, 300][slug.length % 3]!;
        const trace = g.trace();
        g.req(O, t, {
          method: "POST",
          path: `/v1/partners/${slug}/applications`,
          status: 429,
          latency: 0.002 + r() * 0.01,
          ua: partnerUa(g),
          trace,
          respSize: 98,
        });
        g.app(
          O,
          t + int(r, 1, 4) * 1_000_000,
          "WARNING",
          "stdout",
          quarkus(
            g,
            "com.fernhill.origination.ratelimit.PartnerRateLimitFilter",
            `Rate limit exceeded for partner ${slug} (limit ${limit}/min)`,
            { partner: slug },
            undefined,
            `vert.x-eventloop-thread-${int(r, 0, 3)}`,
          ),
        );
      },
    },
    {
      id: "P08",
      service: O,
      about:
        "Since revision 00058 the offer-expiry scheduled job hits a NullPointerException on offers with no expiry date, every minute on every instance.",
      from: hm(14, 20, 11),
      times(g) {
        const out: number[] = [];
        const { rev } = g.revAt(O, hm(14, 30));
        rev.instances.slice(0, 2).forEach((inst, i) => {
          const phase = (int(g.r, 0, 29_000) + i * 30_000) * 1_000_000;
          for (let m = 14 * 60 + 21; m < 24 * 60; m++) {
            const t = m * NS_MIN + phase + int(g.r, 0, 900) * 1_000_000;
            schedulerInstance.set(t, inst);
            out.push(t);
          }
        });
        return out;
      },
      emit(g, t) {
        const r = g.r;
        const inst = schedulerInstance.get(t);
        const exc: JEx = {
          type: "java.lang.NullPointerException",
          message:
            'Cannot invoke "java.time.Instant.isBefore(java.time.Instant)" because the return value of "com.fernhill.origination.domain.Offer.getExpiresAt()" is null',
          frames: [
            ["com.fernhill.origination.offers.OfferExpiryJob", "lambda$expireStaleOffers$0", 41],
            ["java.util.stream.ReferencePipeline$2$1", "accept", 178],
            ["java.util.ArrayList$ArrayListSpliterator", "forEachRemaining", 1708],
            ["java.util.stream.ReferencePipeline", "collect", 682],
            ["com.fernhill.origination.offers.OfferExpiryJob", "expireStaleOffers", 38],
            ["com.fernhill.origination.offers.OfferExpiryJob_ScheduledInvoker_expireStaleOffers_5b8e3c", "invokeBean", -1],
            ["io.quarkus.scheduler.common.runtime.DefaultInvoker", "invoke", 24],
            ["io.quarkus.scheduler.common.runtime.StatusEmitterInvoker", "invoke", 35],
            ["io.quarkus.scheduler.runtime.SimpleScheduler$ScheduledTask$1", "call", 578],
            ["io.vertx.core.impl.ContextImpl", "lambda$executeBlocking$1", 190],
            ["java.lang.Thread", "run", 1583],
          ],
        };
        g.app(
          O,
          t,
          "ERROR",
          "stdout",
          quarkus(
            g,
            "io.quarkus.scheduler.common.runtime.StatusEmitterInvoker",
            "Error occurred while executing task for trigger IntervalTrigger [id=1_com.fernhill.origination.offers.OfferExpiryJob#expireStaleOffers, interval=60000]",
            {},
            exc,
            `vert.x-worker-thread-${int(r, 0, 19)}`,
          ),
          {},
          inst,
        );
      },
    },
    {
      id: "P09",
      service: O,
      about: "The e-sign vendor rejects an expired service token (401) and the client logs the request headers, bearer token included.",
      times: () => [hm(11, 7, 42) + 118_204_551, hm(11, 52, 9) + 904_331_270],
      emit(g, t) {
        const r = g.r;
        const jwt = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${b62(r, 86)}.${b62(r, 43)}`;
        g.app(
          O,
          t,
          "ERROR",
          "stdout",
          quarkus(
            g,
            "com.fernhill.origination.esign.EnvelopeClient",
            `E-sign envelope creation failed for application ${appId(r)}: HTTP 401 Unauthorized; request headers {Accept=[application/json], Authorization=[Bearer ${jwt}], Content-Type=[application/json]}`,
            {},
          ),
        );
      },
    },
    {
      id: "P10",
      service: O,
      about:
        "origination-api hits its max-instances cap during the afternoon partner burst; Cloud Run aborts requests with 'no available instance'.",
      rate: at({ 15: 85, 16: 30, 20: 45 }),
      bursty: true,
      emit(g, t, h) {
        const r = g.r;
        const path = r() < 0.7 ? `/v1/partners/${fromPool(r, PARTNERS, h)}/applications` : `/v1/applications/${appId(r)}/offers`;
        g.req(O, t, {
          method: path.endsWith("offers") ? "GET" : "POST",
          path,
          status: 500,
          latency: 9 + r() * 1.2,
          ua: partnerUa(g),
          respSize: 0,
          noInstance: true,
          text: "The request was aborted because there was no available instance. Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#abort-request",
        });
      },
    },

    // ------------------------------------------------------------------ underwriting (Python)
    {
      id: "P11",
      service: U,
      about:
        "Cloud SQL maintenance failover drops the underwriting database connections: SQLAlchemy OperationalError (server closed the connection unexpectedly) on scoring, 500s.",
      rate: at({ 3: 95, 15: 35 }, 0.3),
      bursty: true,
      emit(g, t) {
        const r = g.r;
        const id = appId(r);
        const path = `/v1/applications/${id}/score`;
        const trace = g.trace();
        const pgMsg =
          "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.";
        const inner = pyTrace(
          [
            [`${SP}/sqlalchemy/engine/base.py`, 1967, "_exec_single_context", "self.dialect.do_execute("],
            [`${SP}/sqlalchemy/engine/default.py`, 941, "do_execute", "cursor.execute(statement, parameters)"],
          ],
          `psycopg2.OperationalError: ${pgMsg}`,
        );
        const outer = pyTrace(
          [
            ...FLASK_FRAMES,
            ["/app/underwriting/api/score.py", 58, "score_application", "features = load_features(application_id)"],
            ["/app/underwriting/features/store.py", 112 + (r() < 0.3 ? 4 : 0), "load_features", "row = session.execute(stmt).one()"],
            [`${SP}/sqlalchemy/orm/session.py`, 2362, "execute", "return self._execute_internal("],
            [`${SP}/sqlalchemy/engine/base.py`, 1418, "execute", "return meth("],
            [`${SP}/sqlalchemy/engine/base.py`, 1986, "_exec_single_context", "self._handle_dbapi_exception("],
            [
              `${SP}/sqlalchemy/engine/base.py`,
              2355,
              "_handle_dbapi_exception",
              "raise sqlalchemy_exception.with_traceback(exc_info[2]) from e",
            ],
          ],
          `sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) ${pgMsg}\n\n` +
            "[SQL: SELECT applicant_features.application_id, applicant_features.vector, applicant_features.updated_at \nFROM applicant_features \nWHERE applicant_features.application_id = %(application_id_1)s]\n" +
            `[parameters: {'application_id_1': '${id}'}]\n(Background on this error at: https://sqlalche.me/e/20/e3q8)`,
        );
        g.req(U, t, { method: "POST", path, status: 500, latency: 0.05 + r() * 0.4, ua: INTERNAL_AGENTS.java, trace, respSize: 265 });
        const ta = t + int(r, 20, 45) * 1_000_000;
        g.app(
          U,
          ta,
          "ERROR",
          "stderr",
          pyPayload(g, ta, "underwriting.app", `Exception on ${path} [POST]`, { exc_info: inner + CAUSE + outer }),
          {
            sourceLocation: { file: `${SP}/flask/app.py`, function: "log_exception", line: "875" },
            trace,
          },
        );
      },
    },
    {
      id: "P12",
      service: U,
      about:
        "The feature-cache Redis is unreachable (connection refused) all day; underwriting falls back to the database for every cache read.",
      rate: () => 42,
      emit(g, t, h) {
        const r = g.r;
        const prefix = fromPool(r, CACHE_PREFIXES, h);
        g.app(
          U,
          t,
          "WARNING",
          "stderr",
          pyPayload(
            g,
            t,
            "underwriting.cache",
            `Cache read failed for prefix ${prefix}, falling back to database: Error 111 connecting to feature-cache.internal:6379. Connection refused.`,
            {
              cache_key: `${prefix}:${r() < 0.5 ? appId(r) : uuid(r)}`,
            },
          ),
          { sourceLocation: { file: "/app/underwriting/cache.py", function: "get_cached", line: "47" } },
        );
      },
    },
    {
      id: "P13",
      service: U,
      about:
        "The bank-data aggregator is slow to return transaction history: requests ReadTimeout (read timeout=15) in fetch_transactions.",
      rate: (h) => 22 * traffic(h),
      emit(g, t, h) {
        const r = g.r;
        const inst = fromPool(r, INSTITUTIONS, h);
        const host = "api.openledger-data.com";
        const rt = `HTTPSConnectionPool(host='${host}', port=443): Read timed out. (read timeout=15)`;
        const a = pyTrace(
          [
            [`${SP}/urllib3/connectionpool.py`, 536, "_make_request", "response = conn.getresponse()"],
            [`${SP}/urllib3/connection.py`, 507, "getresponse", "httplib_response = super().getresponse()"],
            [`${PY}/http/client.py`, 1428, "getresponse", "response.begin()"],
            [`${PY}/http/client.py`, 331, "begin", "version, status, reason = self._read_status()"],
            [`${PY}/socket.py`, 720, "readinto", "return self._sock.recv_into(b)"],
            [`${PY}/ssl.py`, 1103, "read", "return self._sslobj.read(len, buffer)"],
          ],
          "TimeoutError: The read operation timed out",
        );
        const b = pyTrace(
          [
            [`${SP}/requests/adapters.py`, 667, "send", "resp = conn.urlopen("],
            [`${SP}/urllib3/connectionpool.py`, 843, "urlopen", "retries = retries.increment("],
            [`${SP}/urllib3/util/retry.py`, 474, "increment", "raise reraise(type(error), error, _stacktrace)"],
            [`${SP}/urllib3/connectionpool.py`, 538, "_make_request", "self._raise_timeout(err=e, url=url, timeout_value=read_timeout)"],
          ],
          `urllib3.exceptions.ReadTimeoutError: ${rt}`,
        );
        const c = pyTrace(
          [
            ["/app/underwriting/bankdata/client.py", 88, "fetch_transactions", "resp = self.session.get(url, params=params, timeout=15)"],
            [`${SP}/requests/sessions.py`, 602, "get", 'return self.request("GET", url, **kwargs)'],
            [`${SP}/requests/sessions.py`, 589, "request", "resp = self.send(prep, **send_kwargs)"],
            [`${SP}/requests/sessions.py`, 703, "send", "r = adapter.send(request, **kwargs)"],
            [`${SP}/requests/adapters.py`, 713, "send", "raise ReadTimeout(e, request=request)"],
          ],
          `requests.exceptions.ReadTimeout: ${rt}`,
        );
        g.app(
          U,
          t,
          "ERROR",
          "stderr",
          pyPayload(g, t, "underwriting.bankdata", `Transaction pull failed for institution ${inst}`, {
            exc_info: a + CAUSE + b + DURING + c,
          }),
          {
            sourceLocation: { file: "/app/underwriting/bankdata/client.py", function: "fetch_transactions", line: "95" },
            trace: g.trace(),
          },
        );
      },
    },
    {
      id: "P14",
      service: U,
      about:
        "The aggregator's eu mirror started serving an expired TLS certificate at 18:00: requests SSLError CERTIFICATE_VERIFY_FAILED in fetch_transactions (the URL leaks the access token).",
      from: hm(18, 0, 4),
      rate: (h) => 28 * traffic(h) + 4,
      emit(g, t, h) {
        const r = g.r;
        const inst = fromPool(r, INSTITUTIONS, h);
        const host = "eu.openledger-data.com";
        const url = `/v3/accounts/${accountId(r)}/transactions?access_token=access-production-${uuid(r)}&count=500`;
        const ssl =
          "SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1000)')";
        const a = pyTrace(
          [
            [`${SP}/urllib3/connectionpool.py`, 464, "_make_request", "self._validate_conn(conn)"],
            [`${SP}/urllib3/connectionpool.py`, 1093, "_validate_conn", "conn.connect()"],
            [`${SP}/urllib3/connection.py`, 741, "connect", "sock_and_verified = _ssl_wrap_socket_and_match_hostname("],
            [`${SP}/urllib3/connection.py`, 920, "_ssl_wrap_socket_and_match_hostname", "ssl_sock = ssl_wrap_socket("],
            [`${PY}/ssl.py`, 1372, "do_handshake", "self._sslobj.do_handshake()"],
          ],
          `ssl.${ssl.replace("SSLCertVerificationError(1, '", "SSLCertVerificationError: ").replace("')", "")}`,
        );
        const b = pyTrace(
          [
            [`${SP}/urllib3/connectionpool.py`, 843, "urlopen", "retries = retries.increment("],
            [
              `${SP}/urllib3/util/retry.py`,
              519,
              "increment",
              "raise MaxRetryError(_pool, url, reason) from reason  # type: ignore[arg-type]",
            ],
          ],
          `urllib3.exceptions.MaxRetryError: HTTPSConnectionPool(host='${host}', port=443): Max retries exceeded with url: ${url} (Caused by SSLError(${ssl}))`,
        );
        const c = pyTrace(
          [
            ["/app/underwriting/bankdata/client.py", 88, "fetch_transactions", "resp = self.session.get(url, params=params, timeout=15)"],
            [`${SP}/requests/sessions.py`, 602, "get", 'return self.request("GET", url, **kwargs)'],
            [`${SP}/requests/sessions.py`, 703, "send", "r = adapter.send(request, **kwargs)"],
            [`${SP}/requests/adapters.py`, 698, "send", "raise SSLError(e, request=request)"],
          ],
          `requests.exceptions.SSLError: HTTPSConnectionPool(host='${host}', port=443): Max retries exceeded with url: ${url} (Caused by SSLError(${ssl}))`,
        );
        g.app(
          U,
          t,
          "ERROR",
          "stderr",
          pyPayload(g, t, "underwriting.bankdata", `Transaction pull failed for institution ${inst}`, {
            exc_info: a + CAUSE + b + DURING + c,
          }),
          {
            sourceLocation: { file: "/app/underwriting/bankdata/client.py", function: "fetch_transactions", line: "95" },
            trace: g.trace(),
          },
        );
      },
    },
    {
      id: "P15",
      service: U,
      about:
        "Revision 00045 ships model credit-v8, whose feature spec needs features the store does not yet compute: KeyError then FeatureMissingError on scoring.",
      from: hm(16, 42, 37),
      rate: (h) => 44 * traffic(h),
      emit(g, t) {
        const r = g.r;
        const feat = zipf(r, ["months_since_last_delinquency", "revolving_utilization_6m", "thin_file_flag"], 1.3);
        const inner = pyTrace(
          [["/app/underwriting/scoring/features.py", 141, "build_vector", "value = raw[name]\n            ~~~^^^^^^"]],
          `KeyError: '${feat}'`,
        );
        const outer = pyTrace(
          [
            ["/app/underwriting/api/score.py", 61, "score_application", "result = model.score(features)"],
            ["/app/underwriting/scoring/model.py", 77, "score", "vector = build_vector(features, self.spec)"],
            ["/app/underwriting/scoring/features.py", 144, "build_vector", "raise FeatureMissingError(name, spec.model_id)"],
          ],
          `underwriting.scoring.errors.FeatureMissingError: feature '${feat}' required by credit-v8 is missing`,
        );
        g.app(
          U,
          t,
          "ERROR",
          "stderr",
          pyPayload(g, t, "underwriting.scoring", `Score computation failed for application ${appId(r)} (model credit-v8)`, {
            exc_info: inner + DURING + outer,
            product: zipf(r, PRODUCTS),
          }),
          {
            sourceLocation: { file: "/app/underwriting/api/score.py", function: "score_application", line: "66" },
            trace: g.trace(),
          },
        );
      },
    },
    {
      id: "P16",
      service: U,
      about:
        "Bank-statement PDF parsing blocks a sync gunicorn worker past the 60 s timeout; the arbiter logs WORKER TIMEOUT and kills it.",
      rate: at({ 1: 3, 4: 2, 9: 5, 13: 7, 14: 4, 19: 6, 22: 3 }),
      emit(g, t) {
        g.app(U, t, "CRITICAL", "stderr", pyPayload(g, t, "gunicorn.error", `WORKER TIMEOUT (pid:${int(g.r, 7, 64)})`));
      },
    },
    {
      id: "P17",
      service: U,
      about: "A gunicorn worker is OOM-killed while loading a very large statement; the arbiter reports SIGKILL.",
      times: () => [hm(13, 48, 20) + 553_000_117, hm(19, 12, 3) + 20_914_882],
      emit(g, t) {
        g.app(
          U,
          t,
          "ERROR",
          "stderr",
          pyPayload(g, t, "gunicorn.error", `Worker (pid:${int(g.r, 7, 64)}) was sent SIGKILL! Perhaps out of memory?`),
        );
      },
    },
    {
      id: "P18",
      service: U,
      about: "Cross-border partners send applications in currencies the pricing tables do not cover; pricing falls back to USD.",
      rate: (h) => 14 * (traffic(h) > 0.3 ? traffic(h) : 0),
      emit(g, t, h) {
        const r = g.r;
        g.app(
          U,
          t,
          "WARNING",
          "stderr",
          pyPayload(
            g,
            t,
            "underwriting.pricing",
            `Unsupported currency ${fromPool(r, CURRENCIES, h)} for product ${zipf(r, PRODUCTS)}; pricing in USD`,
            { application_id: appId(r) },
          ),
          { sourceLocation: { file: "/app/underwriting/pricing/rates.py", function: "price_offer", line: "203" }, trace: g.trace() },
        );
      },
    },
    {
      id: "P19",
      service: U,
      about:
        "The bank-summary endpoint holds DB sessions during slow aggregator calls and exhausts the SQLAlchemy QueuePool (size 5 overflow 10) at peak.",
      rate: at({ 14: 22, 15: 48, 16: 30, 20: 26, 21: 12 }),
      bursty: true,
      emit(g, t) {
        const r = g.r;
        const id = appId(r);
        const path = `/v1/applications/${id}/bank-summary`;
        const trace = g.trace();
        const tb = pyTrace(
          [
            ...FLASK_FRAMES,
            ["/app/underwriting/api/bank.py", 34, "bank_summary", "accounts = repo.accounts_for(application_id)"],
            ["/app/underwriting/bankdata/repo.py", 71, "accounts_for", "return session.scalars(stmt).all()"],
            [`${SP}/sqlalchemy/orm/session.py`, 2459, "scalars", "return self._execute_internal("],
            [`${SP}/sqlalchemy/engine/base.py`, 3278, "raw_connection", "return self.pool.connect()"],
            [`${SP}/sqlalchemy/pool/base.py`, 449, "connect", "return _ConnectionFairy._checkout(self)"],
            [`${SP}/sqlalchemy/pool/impl.py`, 166, "_do_get", "raise exc.TimeoutError("],
          ],
          "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)",
        );
        g.req(U, t, { method: "GET", path, status: 500, latency: 30 + r() * 0.2, ua: INTERNAL_AGENTS.node, trace, respSize: 265 });
        const ta = t + 30 * NS_SEC + int(r, 1, 90) * 1_000_000;
        g.app(U, ta, "ERROR", "stderr", pyPayload(g, ta, "underwriting.app", `Exception on ${path} [GET]`, { exc_info: tb }), {
          sourceLocation: { file: `${SP}/flask/app.py`, function: "log_exception", line: "875" },
          trace,
        });
      },
    },

    // ------------------------------------------------------------------ ledger (Go)
    {
      id: "P20",
      service: L,
      about:
        "Repayment posting and autopay sweeps lock ledger rows in opposite orders: pgx deadlock detected (SQLSTATE 40P01) when posting journal entries.",
      rate: (h) => 16 * traffic(h) + 3,
      emit(g, t, h) {
        const r = g.r;
        const table = fromPool(r, TABLES, h);
        const entryId = `je_${alnum(r, 12)}`;
        g.app(L, t, "ERROR", "stdout", {
          account_id: accountId(r),
          batch: `rp-${pad(h, 2)}${pad(int(r, 0, 59), 2)}`,
          caller: goCaller("posting/poster.go", 212),
          error: `post journal entry ${entryId}: update ${table}: ERROR: deadlock detected (SQLSTATE 40P01)`,
          message: "failed to post journal entry",
          stack: pkgStack([
            ["poster.go", 198, "(*Poster).applyLines"],
            ["poster.go", 151, "(*Poster).Post"],
            ["repayments.go", 87, "(*RepaymentService).Apply"],
            ["worker.go", 64, "(*Worker).handle"],
            ["asm_amd64.s", 1700, "goexit"],
          ]),
        });
      },
    },
    {
      id: "P21",
      service: L,
      about:
        "Revision 00072 dereferences a nil promo schedule in the payoff quote handler; the recoverer logs the panic and the request returns 500 until the 00073 hotfix.",
      from: hm(13, 5, 48),
      to: hm(18, 31, 2),
      rate: (h) => 30 * traffic(h),
      emit(g, t) {
        const r = g.r;
        const loan = loanId(r);
        const path = `/v1/loans/${loan}/payoff-quote`;
        const trace = g.trace();
        const a = (): string => `0xc000${hex(r, 6)}`;
        const stack =
          `goroutine ${int(r, 900, 48000)} [running]:\n` +
          "runtime/debug.Stack()\n\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e\n" +
          "github.com/fernhill/ledger/internal/httpx.Recoverer.func1.1()\n\t/src/internal/httpx/recover.go:31 +0x7d\n" +
          `panic({0xc1e2a0?, 0x1450ad0?})\n\t/usr/local/go/src/runtime/panic.go:785 +0x132\n` +
          `github.com/fernhill/ledger/internal/payoff.(*Quoter).Quote(${a()}, {0xe7f1b8, ${a()}}, {${a()}, 0x11})\n\t/src/internal/payoff/quote.go:${r() < 0.8 ? 97 : 103} +0x1c4\n` +
          `github.com/fernhill/ledger/internal/api.(*Server).payoffQuote(${a()}, {0xe7a3d0, ${a()}}, ${a()})\n\t/src/internal/api/payoff.go:44 +0xd2\n` +
          "net/http.HandlerFunc.ServeHTTP(0x0?, {0xe7a3d0?, 0xc0004f21c0?}, 0x0?)\n\t/usr/local/go/src/net/http/server.go:2220 +0x29\n" +
          `github.com/fernhill/ledger/internal/httpx.Recoverer.func1({0xe7a3d0, ${a()}}, ${a()})\n\t/src/internal/httpx/recover.go:38 +0x8b\n` +
          "net/http.serverHandler.ServeHTTP({0xc0001b2d20?}, {0xe7a3d0?, 0xc0004f21c0?}, 0x6?)\n\t/usr/local/go/src/net/http/server.go:3210 +0x8e\n" +
          `net/http.(*conn).serve(${a()}, {0xe7f1b8, ${a()}})\n\t/usr/local/go/src/net/http/server.go:2092 +0x5d0\n` +
          "created by net/http.(*Server).Serve in goroutine 1\n\t/usr/local/go/src/net/http/server.go:3360 +0x485\n";
        g.req(L, t, { method: "GET", path, status: 500, latency: 0.004 + r() * 0.03, ua: INTERNAL_AGENTS.node, trace, respSize: 22 });
        g.app(
          L,
          t + int(r, 2, 20) * 1_000_000,
          "ERROR",
          "stdout",
          {
            caller: goCaller("httpx/recover.go", 29),
            message: "panic recovered",
            method: "GET",
            panic: "runtime error: invalid memory address or nil pointer dereference",
            path,
            stack,
          },
          { trace },
        );
      },
    },
    {
      id: "P22",
      service: L,
      about: "The 15-minute ledger snapshot overlaps the previous run when posting is heavy and is skipped (lock still held).",
      rate: at({ 2: 2, 14: 3, 15: 4, 16: 2, 20: 3, 21: 4, 22: 1 }),
      emit(g, t) {
        const r = g.r;
        g.app(L, t, "WARNING", "stdout", {
          caller: goCaller("snapshot/runner.go", 63),
          elapsed: `${int(r, 15, 31)}m${int(r, 0, 59)}.${pad(int(r, 0, 999), 3)}s`,
          message: "ledger snapshot skipped",
          reason: "previous snapshot still running",
          snapshot: `ledger-${rfc3339(t).slice(11, 16).replace(":", "")}`,
        });
      },
    },
    {
      id: "P23",
      service: L,
      about:
        "Until revision 00072 the snapshot job writes to a bucket its service account cannot write: googleapi Error 403 storage.objects.create denied, every 15 minutes.",
      to: hm(13, 5, 48),
      times(g) {
        const out: number[] = [];
        for (let q = 0; q < 24 * 4; q++) out.push(q * 15 * NS_MIN + int(g.r, 2_000, 9_000) * 1_000_000);
        return out;
      },
      emit(g, t) {
        const r = g.r;
        const stamp = rfc3339(t);
        const obj = `gs://fernhill-ledger-snapshots/${stamp.slice(0, 4)}/${stamp.slice(5, 7)}/${stamp.slice(8, 10)}/ledger-${stamp.slice(11, 16).replace(":", "")}.parquet`;
        g.app(L, t + int(r, 40, 900) * 1_000_000, "ERROR", "stdout", {
          caller: goCaller("snapshot/runner.go", 91),
          error: `write ${obj}: googleapi: Error 403: ledger-runner@${PROJECT}.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist)., forbidden`,
          message: "ledger snapshot failed",
          rows: int(r, 1_200_000, 1_900_000),
          stack: pkgStack([
            ["writer.go", 58, "(*GCSWriter).Close"],
            ["runner.go", 88, "(*Runner).run"],
            ["runner.go", 52, "(*Runner).Tick"],
            ["asm_amd64.s", 1700, "goexit"],
          ]),
        });
      },
    },
    {
      id: "P24",
      service: L,
      about:
        "Payment processors' webhooks fail HMAC verification after a signing-secret rotation on their side; ledger answers 401 and they retry in storms.",
      rate: at({ 6: 75, 7: 40, 18: 110 }, 0.6),
      bursty: true,
      emit(g, t, h) {
        const r = g.r;
        const provider = fromPool(r, WEBHOOK_PROVIDERS, h);
        const ip = publicIp(r);
        const trace = g.trace();
        g.req(L, t, {
          method: "POST",
          path: `/webhooks/${provider}`,
          status: 401,
          latency: 0.001 + r() * 0.004,
          ua: `${provider}-webhooks/1.0`,
          trace,
          ip,
          respSize: 0,
        });
        g.app(
          L,
          t + int(r, 1, 3) * 1_000_000,
          "WARNING",
          "stdout",
          {
            caller: goCaller("webhooks/verify.go", 47),
            error: `signature mismatch: header t=${Math.floor((DAY_START + t / 1e6) / 1000)},v1=${hex(r, 64)}`,
            event_id: `evt_${alnum(r, 20)}`,
            message: "webhook signature verification failed",
            provider,
            remote_ip: ip,
          },
          { trace },
        );
      },
    },
    {
      id: "P25",
      service: L,
      about: "Ledger event publishing to Pub/Sub times out (publisher flow control too tight): rpc error code DeadlineExceeded.",
      rate: () => 9,
      emit(g, t, h) {
        const r = g.r;
        const topic = fromPool(r, TOPICS, h);
        g.app(L, t, "ERROR", "stdout", {
          caller: goCaller("events/publisher.go", 74),
          error: `publish to projects/${PROJECT}/topics/${topic}: rpc error: code = DeadlineExceeded desc = context deadline exceeded`,
          message: "failed to publish ledger event",
          ordering_key: loanId(r),
          topic,
        });
      },
    },
    {
      id: "P26",
      service: L,
      about:
        "The nightly bank reconciliation call from Cloud Scheduler runs past the 300 s request timeout and Cloud Run terminates it (504).",
      rate: at({ 1: 4, 2: 6, 6: 3 }),
      emit(g, t) {
        const r = g.r;
        const bank = zipf(r, RECON_BANKS);
        g.req(L, t, {
          method: "POST",
          path: `/v1/reconcile/${bank}/${DAY}`,
          status: 504,
          latency: 300 + r() * 0.01,
          ua: "Google-Cloud-Scheduler",
          ip: `107.178.${int(r, 192, 199)}.${int(r, 1, 254)}`,
          respSize: 0,
          text: "The request has been terminated because it has reached the maximum request timeout. To change this limit, see https://cloud.google.com/run/docs/configuring/request-timeout",
        });
      },
    },

    // ------------------------------------------------------------------ borrower-web-api (Node)
    {
      id: "P27",
      service: B,
      about:
        "The borrower portal's own per-partner limiter is set too low for white-label partners' traffic: 429 'Rate limit exceeded for partner'.",
      rate: (h) => 12 * traffic(h),
      emit(g, t, h) {
        const r = g.r;
        const slug = fromPool(r, PARTNERS, h);
        const trace = g.trace();
        g.req(B, t, {
          method: "GET",
          path: `/p/${slug}/api/offers`,
          status: 429,
          latency: 0.001 + r() * 0.004,
          ua: browserUa(g),
          trace,
          referer: `https://apply.fernhill.com/p/${slug}/`,
          respSize: 64,
        });
        g.app(
          B,
          t + int(r, 1, 3) * 1_000_000,
          "WARNING",
          "stdout",
          bunyan(g, 40, `Rate limit exceeded for partner ${slug} (limit 30/min)`, { req_id: uuid(r) }),
        );
      },
    },
    {
      id: "P28",
      service: B,
      about:
        "The web app does not refresh sessions before the 14-day refresh token expires; refresh fails with 'refresh token expired' and users are logged out.",
      rate: (h) => 38 * traffic(h),
      emit(g, t) {
        const r = g.r;
        const trace = g.trace();
        g.req(B, t, {
          method: "POST",
          path: "/api/session/refresh",
          status: 401,
          latency: 0.01 + r() * 0.05,
          ua: browserUa(g),
          trace,
          respSize: 71,
        });
        g.app(
          B,
          t + int(r, 3, 30) * 1_000_000,
          "WARNING",
          "stdout",
          bunyan(g, 40, `Session refresh failed for user ${username(r)}: refresh token expired`, { req_id: uuid(r) }),
        );
      },
    },
    {
      id: "P29",
      service: B,
      about: "A revocation sync job wrongly revokes active refresh tokens in two waves; refresh fails with 'refresh token revoked'.",
      rate: at({ 16: 85, 17: 60 }, 1),
      bursty: true,
      emit(g, t) {
        const r = g.r;
        const trace = g.trace();
        g.req(B, t, {
          method: "POST",
          path: "/api/session/refresh",
          status: 401,
          latency: 0.01 + r() * 0.05,
          ua: browserUa(g),
          trace,
          respSize: 71,
        });
        g.app(
          B,
          t + int(r, 3, 30) * 1_000_000,
          "WARNING",
          "stdout",
          bunyan(g, 40, `Session refresh failed for user ${username(r)}: refresh token revoked`, { email: email(r), req_id: uuid(r) }),
        );
      },
    },
    {
      id: "P30",
      service: B,
      about:
        "ioredis connections to the session store time out (connect ETIMEDOUT) because of a missing VPC egress setting, fixed by revision 00089.",
      to: hm(11, 15, 26),
      rate: () => 16,
      emit(g, t) {
        const r = g.r;
        const stack = [
          "Error: connect ETIMEDOUT",
          `    at Socket.<anonymous> (/app/node_modules/ioredis/built/Redis.js:170:41)`,
          "    at Object.onceWrapper (node:events:634:28)",
          "    at Socket.emit (node:events:520:28)",
          "    at Socket._onTimeout (node:net:595:8)",
          ...NODE_TIMERS,
        ].join("\n");
        const trace = g.trace();
        if (r() < 0.5)
          g.req(B, t, { method: "GET", path: "/api/me", status: 500, latency: 10 + r() * 0.05, ua: browserUa(g), trace, respSize: 52 });
        g.app(
          B,
          t + 10 * NS_SEC + int(r, 1, 9) * 1_000_000,
          "ERROR",
          "stdout",
          bunyan(g, 50, "session store unavailable", {
            err: { code: "ETIMEDOUT", message: "connect ETIMEDOUT", name: "Error", stack },
            req_id: uuid(r),
          }),
        );
      },
    },
    {
      id: "P31",
      service: B,
      about:
        "The portal's 8 s axios timeout on ledger's repayment schedule endpoint is too short for long-lived loans; the portal answers 504.",
      rate: (h) => 14 * traffic(h) + (h === 21 ? 40 : 0),
      emit(g, t) {
        const r = g.r;
        const loan = loanId(r);
        const trace = g.trace();
        const stack = [
          "AxiosError: timeout of 8000ms exceeded",
          "    at RedirectableRequest.handleRequestTimeout (/app/node_modules/axios/dist/node/axios.cjs:3175:16)",
          "    at RedirectableRequest.emit (node:events:520:28)",
          "    at Timeout.<anonymous> (/app/node_modules/follow-redirects/index.js:221:12)",
          ...NODE_TIMERS,
          "    at Axios.request (/app/node_modules/axios/dist/node/axios.cjs:4287:41)",
          `    at async LedgerClient.getSchedule (/app/dist/clients/ledger.js:${r() < 0.85 ? 38 : 41}:21)`,
          "    at async /app/dist/routes/loans.js:52:26",
        ].join("\n");
        g.req(B, t, {
          method: "GET",
          path: `/api/loans/${loan}/schedule`,
          status: 504,
          latency: 8 + r() * 0.02,
          ua: browserUa(g),
          trace,
          respSize: 48,
        });
        g.app(
          B,
          t + 8 * NS_SEC + int(r, 1, 12) * 1_000_000,
          "ERROR",
          "stdout",
          bunyan(g, 50, "ledger call failed", {
            err: { code: "ECONNABORTED", message: "timeout of 8000ms exceeded", name: "AxiosError", stack },
            loanId: loan,
            req_id: uuid(r),
          }),
        );
      },
    },
    {
      id: "P32",
      service: B,
      about: "Flags referenced by the new portal build were never created in the production environment; the flag SDK serves defaults.",
      rate: (h) => 36 * traffic(h),
      emit(g, t, h) {
        const r = g.r;
        g.app(
          B,
          t,
          "WARNING",
          "stdout",
          bunyan(g, 40, `Unknown feature flag "${fromPool(r, FLAGS, h)}"; returning default value`, {
            component: "flags",
            partner: fromPool(r, PARTNERS, h),
          }),
        );
      },
    },
    {
      id: "P33",
      service: B,
      about:
        "The address-verification vendor rejects the portal's revoked API key (401); the log line carries the request URL with the api_key.",
      times: () => [hm(8, 14, 51) + 339_118_020, hm(8, 15, 2) + 71_640_553, hm(17, 40, 36) + 802_005_914],
      emit(g, t) {
        const r = g.r;
        const stack = [
          "AxiosError: Request failed with status code 401",
          "    at settle (/app/node_modules/axios/dist/node/axios.cjs:2019:12)",
          "    at IncomingMessage.handleStreamEnd (/app/node_modules/axios/dist/node/axios.cjs:3135:11)",
          "    at IncomingMessage.emit (node:events:532:35)",
          "    at endReadableNT (node:internal/streams/readable:1698:12)",
          "    at process.processTicksAndRejections (node:internal/process/task_queues:90:21)",
          "    at Axios.request (/app/node_modules/axios/dist/node/axios.cjs:4287:41)",
          "    at async AddressClient.verify (/app/dist/clients/address.js:22:19)",
        ].join("\n");
        g.app(
          B,
          t,
          "ERROR",
          "stdout",
          bunyan(g, 50, "address verification request failed", {
            err: { code: "ERR_BAD_REQUEST", message: "Request failed with status code 401", name: "AxiosError", stack },
            req_id: uuid(r),
            url: `https://api.addressverify.io/v2/verify?api_key=sk_live_${b62(r, 32)}&zip=${int(r, 10001, 99950)}`,
          }),
        );
      },
    },
  ];
  return list;
}

// ---------------------------------------------------------------------------------------------
// The day

function sortKeys(_k: string, v: unknown): unknown {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    );
  }
  return v;
}

function eventTimes(g: Gen, d: Def): number[] {
  if (d.times) return d.times(g);
  const out: number[] = [];
  for (let h = 0; h < 24; h++) {
    const n = poisson(g.r, d.rate!(h));
    const start = h * NS_HOUR;
    if (d.bursty && n > 0) {
      const centers = Array.from({ length: n > 40 ? 2 : 1 }, () => start + int(g.r, 4, 56) * NS_MIN);
      for (let i = 0; i < n; i++) {
        const c = centers[i % centers.length]!;
        const spread = (g.r() + g.r() + g.r() - 1.5) * 6 * NS_MIN;
        out.push(Math.min(start + NS_HOUR - 1, Math.max(start, Math.floor(c + spread))));
      }
    } else for (let i = 0; i < n; i++) out.push(start + Math.floor(g.r() * NS_HOUR));
  }
  return out.sort((a, b) => a - b);
}

export function buildDay(seed = 20261122): Day {
  const r = rng(seed);
  const revs = {} as Record<Service, Rev[]>;
  for (const svc of SERVICE_NAMES) {
    revs[svc] = DEPLOYS[svc].map(([atNs, n]) => ({
      at: atNs,
      name: `${svc}-${pad(n, 5)}-${Array.from({ length: 3 }, () => "abcdefghijklmnopqrstuvwxyz"[int(r, 0, 25)]).join("")}`,
      instances: Array.from({ length: int(r, 3, 5) }, () => `00${hex(r, 94)}`),
    }));
  }
  const g = new Gen(r, revs);
  const ds = defs();
  for (const d of ds) {
    g.pid = d.id;
    for (const t of eventTimes(g, d)) {
      if (d.from !== undefined && t < d.from) continue;
      if (d.to !== undefined && t >= d.to) continue;
      d.emit(g, t, Math.floor(t / NS_HOUR));
    }
  }
  const raws = g.raws.map((x, i) => ({ x, i })).sort((a, b) => a.x.t - b.x.t || a.i - b.i);
  const counts: Record<string, number[]> = Object.fromEntries(ds.map((d) => [d.id, Array.from({ length: 24 }, () => 0)]));
  const hours: string[][] = Array.from({ length: 24 }, () => []);
  raws.forEach(({ x }, seq) => {
    const h = Math.floor(x.t / NS_HOUR);
    counts[x.pid]![h]!++;
    const obj = { ...x.obj, insertId: `${MARKER}${x.pid.slice(1)}-${seq.toString(36)}${hex(r, 8)}` };
    hours[h]!.push(JSON.stringify(obj, sortKeys));
  });
  return {
    problems: ds.map(({ id, service, about }) => ({ id, service, about })),
    counts,
    hours: hours.map((lines) => (lines.length ? `${lines.join("\n")}\n` : "")),
  };
}

export function problemOfInsertId(insertId: unknown): string | undefined {
  if (typeof insertId !== "string") return undefined;
  const m = /^hw(\d{2})-[0-9a-z]+$/.exec(insertId);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= 1 && n <= 33 ? `P${m[1]}` : undefined;
}

export function writeDay(day: Day, dir: string): void {
  mkdirSync(dir, { recursive: true });
  day.hours.forEach((text, h) => writeFileSync(join(dir, `hour-${pad(h, 2)}.jsonl`), text));
  const truth = {
    day: DAY,
    problems: day.problems.map((p) => ({ id: p.id, service: p.service, about: p.about, counts: day.counts[p.id] })),
  };
  writeFileSync(join(dir, "truth.json"), `${JSON.stringify(truth, null, 2)}\n`);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf("--seed");
  const dir = args.find((a, i) => !a.startsWith("--") && (seedAt < 0 || i !== seedAt + 1)) ?? "heldout-day-9";
  const day = buildDay(seedAt >= 0 ? Number(args[seedAt + 1]) : undefined);
  writeDay(day, dir);
  const total = Object.values(day.counts).reduce((a, xs) => a + xs.reduce((s, n) => s + n, 0), 0);
  process.stdout.write(`wrote ${day.problems.length} problems, ${total} entries over 24 hours to ${dir}\n`);
}
