/**
 * The eighth held-out day: 2026-11-23 at Tallyroll, a payroll and HR SaaS for small and mid-sized
 * employers in the UK and the EU (pay runs, payslips, timesheets, RTI filings, bank payments).
 *
 * Four Cloud Run services in project `tallyroll-prod` (europe-west2):
 * - `payroll-api` — Kotlin on Ktor 3 (Netty), logback with logstash-logback-encoder's
 *   LogstashEncoder: `@timestamp`, `@version`, `message`, `logger_name`, `thread_name`, `level`,
 *   `level_value`, `stack_trace` (Throwable with `Caused by:` chains), MDC keys at the top level
 *   (`call_id` from the CallId plugin, `path` from CallLogging's `mdc("path")` for `/v1` routes only),
 *   plus a `severity` field from a small JsonProvider that maps WARN→WARNING for Cloud Logging.
 *   Unhandled route exceptions are logged by StatusPages as `Unhandled: <METHOD> - <uri>`.
 * - `employee-portal` — Node 22, express, winston with `format.errors({ stack: true })` and
 *   `format.json()`; a custom format moves `level` to an upper-case `severity`; metadata such as
 *   `path`, `method`, `requestId`, `orgSlug`; request-scoped lines carry
 *   `logging.googleapis.com/trace` from X-Cloud-Trace-Context (AsyncLocalStorage). No morgan.
 * - `bank-gateway` — Go 1.23, sirupsen/logrus JSONFormatter with FieldMap (level→severity,
 *   msg→message, time stays `time` and is promoted), ReportCaller on (`func`, `file`), `error`
 *   from WithError, a panic-recovery middleware that logs `stack` from runtime/debug.Stack().
 * - `payslip-worker` — Python 3.12 Celery worker on Cloud Run (no HTTP traffic), python-json-logger
 *   (`message`, `levelname` renamed to `severity`, `name`, `exc_info` as the formatted traceback,
 *   `task_id`/`task_name` from a filter reading `current_task`); Celery's own lines from
 *   `celery.app.trace` (task failure, with `data`), `celery.worker.request` (time limits) and
 *   `celery.worker.consumer.consumer` (broker), and a `task_retry` signal handler that logs
 *   Celery's retry line at WARNING.
 *
 * A problem is one root cause an on-call engineer would fix once; it may log in more than one
 * shape (an app line and the Cloud Run request log of the same failing request). Only WARNING and
 * worse is written. The ground truth is carried by the insertId alone: `hz<NN>-<seq><hex>` belongs to
 * problem P<NN>; `seq` is the entry's position in the whole day, so it says nothing else.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { hex, int, pick, rng, type Rng } from "../seeded-random";

export { rng };

export const DAY = "2026-11-23";
export const DAY_START = Date.parse(`${DAY}T00:00:00.000Z`);

export interface Problem {
  readonly id: string;
  readonly service: string;
  readonly about: string;
  readonly name: string;
}

export interface Day {
  readonly problems: readonly Problem[];
  readonly counts: Readonly<Record<string, readonly number[]>>;
  readonly hours: readonly string[];
}

export const SERVICE_NAMES = ["payroll-api", "employee-portal", "bank-gateway", "payslip-worker"] as const;
type ServiceName = (typeof SERVICE_NAMES)[number];

const MARK = "hz";
const PROJECT = "tallyroll-prod";
const REGION = "europe-west2";
const NS_MIN = 60e9;
const NS_HOUR = 3600e9;
const NS_DAY = 24 * NS_HOUR;

const PROBLEMS: readonly Problem[] = [
  {
    id: "P01",
    service: "payroll-api",
    name: "hikari-pool-exhausted",
    about:
      "HikariCP pool exhausted during the pay-run approval peaks: routes fail with SQLTransientConnectionException after 30 s and return 500.",
  },
  {
    id: "P02",
    service: "payroll-api",
    name: "pay-run-duplicate-period",
    about:
      "Creating a pay run twice for the same period hits the pay_runs unique constraint (double-submit from the web app) and returns 409.",
  },
  {
    id: "P03",
    service: "payroll-api",
    name: "fps-submission-timeout",
    about: "Background FPS (RTI) submissions to the HMRC transaction engine time out in the Ktor client (30 s request timeout).",
  },
  {
    id: "P04",
    service: "payroll-api",
    name: "pay-run-locked",
    about:
      "PayRunService.approve throws PayRunLockedException when a second approver acts on a pay run whose approval lock is still held; 409.",
  },
  {
    id: "P05",
    service: "payroll-api",
    name: "pay-period-closed",
    about: "PayRunService.approve throws PayPeriodClosedException for pay runs whose period was already closed by the month-end job; 422.",
  },
  {
    id: "P06",
    service: "payroll-api",
    name: "import-missing-field",
    about:
      "Since the 10:12 deploy the employee import body requires new fields that the web app does not send: MissingFieldException, 400.",
  },
  {
    id: "P07",
    service: "payroll-api",
    name: "idempotency-key-reuse-api",
    about:
      "The payroll-api idempotency middleware sees an Idempotency-Key reused with another body (web app reuses keys on pay-run edits); 422.",
  },
  {
    id: "P08",
    service: "payroll-api",
    name: "redis-command-timeout",
    about: "Lettuce commands to the Memorystore cache time out during two bursts and the API falls back to the database.",
  },
  {
    id: "P09",
    service: "payroll-api",
    name: "year-end-export-oom",
    about: "The year-end report export builds the whole file in memory and runs out of Java heap once.",
  },
  {
    id: "P10",
    service: "payroll-api",
    name: "fx-rates-unauthorized",
    about: "The exchange-rate refresh uses an expired API key (leaked in the logged URL) and gets 401 until the 17:40 deploy rotates it.",
  },
  {
    id: "P11",
    service: "employee-portal",
    name: "pg-connect-timeout",
    about: "node-postgres pool cannot get a connection in time ('timeout exceeded when trying to connect'); portal routes return 500.",
  },
  {
    id: "P12",
    service: "employee-portal",
    name: "jwt-expired",
    about: "The mobile app sends expired access tokens instead of refreshing them: 'jwt expired' warnings and 401s all day.",
  },
  {
    id: "P13",
    service: "employee-portal",
    name: "timesheet-no-contract",
    about: "Timesheet submission is blocked because the employee has no active contract (contracts not renewed in imports); 422.",
  },
  {
    id: "P14",
    service: "employee-portal",
    name: "timesheet-no-manager",
    about: "Timesheet submission is blocked because the employee has no approving manager assigned; 422.",
  },
  {
    id: "P15",
    service: "employee-portal",
    name: "bank-validation-timeout",
    about: "The bank-account validation vendor times out (axios 5000 ms) in two bursts; details are accepted for manual review.",
  },
  {
    id: "P16",
    service: "employee-portal",
    name: "idempotency-key-reuse-portal",
    about:
      "The portal's idempotency middleware sees an Idempotency-Key reused with another body (mobile app retries edited timesheets); 422.",
  },
  {
    id: "P17",
    service: "employee-portal",
    name: "hr-directory-sync-401",
    about: "The HR directory sync is rejected with 401 and the axios config, bearer token included, is logged.",
  },
  {
    id: "P18",
    service: "employee-portal",
    name: "redis-session-max-retries",
    about: "During a night Memorystore failover ioredis gives up on session lookups (MaxRetriesPerRequestError); 500.",
  },
  {
    id: "P19",
    service: "employee-portal",
    name: "unhandled-rejection-crash",
    about:
      "Revision 00059 (12:30) crashes instances on an unhandled rejection in buildPayCalendar; in-flight requests fail until the 15:05 rollback.",
  },
  {
    id: "P20",
    service: "employee-portal",
    name: "no-available-instance",
    about: "Max instances too low for the morning login rush: Cloud Run aborts requests with no available instance (429).",
  },
  {
    id: "P21",
    service: "bank-gateway",
    name: "pgx-connection-refused",
    about: "Cloud SQL maintenance at 02:00: pgx cannot connect (connection refused) for about twenty minutes.",
  },
  {
    id: "P22",
    service: "bank-gateway",
    name: "sftp-upload-failed",
    about:
      "BACS submission files cannot be uploaded to the banks' SFTP inbound folders (permission denied after a key rotation); only in submission windows.",
  },
  {
    id: "P23",
    service: "bank-gateway",
    name: "sftp-download-failed",
    about: "The hourly returns poller tries to download today's ARUDD returns file before the banks publish it.",
  },
  {
    id: "P24",
    service: "bank-gateway",
    name: "bank-api-timeout",
    about: "Open-banking payment initiation times out (http.Client timeout) while a bank's API is slow; the gateway returns 504.",
  },
  {
    id: "P25",
    service: "bank-gateway",
    name: "returns-nil-pointer-panic",
    about:
      "Since the 14:20 deploy the returns webhook panics with a nil pointer dereference in returns.(*Mapper).ReasonCode; recovered, 500.",
  },
  {
    id: "P26",
    service: "bank-gateway",
    name: "webhook-signature-mismatch",
    about: "Bank webhooks fail HMAC verification (a bank signs with a rotated secret); 401.",
  },
  {
    id: "P27",
    service: "bank-gateway",
    name: "statement-export-request-timeout",
    about: "The statement export endpoint runs past Cloud Run's 300 s request timeout and Cloud Run terminates the request.",
  },
  {
    id: "P28",
    service: "payslip-worker",
    name: "statement-timeout",
    about:
      "Payslip and journal tasks hit Postgres statement_timeout on unindexed queries (QueryCanceled wrapped in SQLAlchemy OperationalError).",
  },
  {
    id: "P29",
    service: "payslip-worker",
    name: "year-end-pack-soft-time-limit",
    about: "generate_year_end_pack exceeds its 300 s soft time limit while rendering PDFs and fails with SoftTimeLimitExceeded.",
  },
  {
    id: "P30",
    service: "payslip-worker",
    name: "smtp-disconnected-retries",
    about: "The SMTP relay drops connections during the morning payslip mail-out: send_payslip_email retries and finally fails.",
  },
  {
    id: "P31",
    service: "payslip-worker",
    name: "tax-code-error",
    about: "paye.resolve_bands raises TaxCodeError for malformed tax codes coming from employee imports.",
  },
  {
    id: "P32",
    service: "payslip-worker",
    name: "tax-table-missing",
    about: "paye.resolve_bands raises TaxTableMissing for regions whose 2026-27 PAYE table was never loaded.",
  },
  {
    id: "P33",
    service: "payslip-worker",
    name: "gcs-upload-forbidden",
    about: "Since the 09:30 deploy payslip PDFs go to new regional buckets the worker's service account cannot write to (403).",
  },
  {
    id: "P34",
    service: "payslip-worker",
    name: "broker-connection-refused",
    about: "The Celery broker (Redis) restarts at 19:02 and the consumers lose it and retry connecting for a few minutes.",
  },
];

// ---------------------------------------------------------------------------------------------
// Time and formatting

function stamp(ns: number): string {
  const ms = Math.floor(ns / 1e6);
  const iso = new Date(DAY_START + ms).toISOString(); // 2026-11-23T09:14:03.123Z
  const sub = String(Math.floor(ns - ms * 1e6)).padStart(6, "0");
  return `${iso.slice(0, 23)}${sub}Z`;
}

/** logstash-logback-encoder's @timestamp (millis, UTC). */
const isoMs = (ns: number): string => new Date(DAY_START + Math.floor(ns / 1e6)).toISOString();

function sortKeys(_k: string, v: unknown): unknown {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Randomness helpers

const skewIdx = (r: Rng, n: number, power = 2): number => Math.min(n - 1, Math.floor(n * Math.pow(r(), power)));
const skew = <T>(r: Rng, xs: readonly T[], power = 2): T => xs[skewIdx(r, xs.length, power)]!;
const uuid = (r: Rng): string => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${pick(r, ["8", "9", "a", "b"])}${hex(r, 3)}-${hex(r, 12)}`;
const chance = (r: Rng, p: number): boolean => r() < p;

function shuffled<T>(r: Rng, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** A pool of word values that grows during the day: hour h sees the first start + h * perHour. */
class Pool {
  constructor(
    readonly values: readonly string[],
    private readonly start: number,
    private readonly perHour: number,
  ) {}
  size(h: number): number {
    return Math.max(1, Math.min(this.values.length, this.start + Math.floor(h * this.perHour)));
  }
  at(r: Rng, ns: number): string {
    const n = this.size(Math.floor(ns / NS_HOUR));
    if (n > 3 && chance(r, 0.25)) return this.values[n - 1 - int(r, 0, 2)]!;
    return this.values[skewIdx(r, n, 2.2)]!;
  }
}

const PLACES = [
  "harbor", "maple", "granite", "willow", "copper", "juniper", "lantern", "meadow", "summit", "orchard", "cedar", "bramble",
  "foxglove", "kestrel", "tidewater", "ironbridge", "larkspur", "millbrook", "northgate", "oakfield", "pebble", "quayside",
  "riverside", "saltmarsh", "thistle", "upland", "heather", "wharf", "yarrow", "ashgrove", "bluebell", "canal", "drover",
  "elmwood", "fernhill", "goldcrest", "hollybank", "inkwell",
]; // prettier-ignore
const TRADES = [
  "dental", "bakery", "joinery", "clinic", "studio", "brewing", "accounting", "nursery", "roofing", "florist", "garage",
  "physio", "coffee", "optics", "legal", "pharmacy", "builders", "cycles", "kitchens", "vets", "print", "tiling",
]; // prettier-ignore
const FIRST = [
  "anna", "tomasz", "priya", "liam", "sofia", "oliver", "fatima", "jack", "chloe", "mateusz", "amara", "noah", "isla", "hamza",
  "freya", "ewan", "zara", "leo", "maya", "rhys", "agnieszka", "callum", "ines", "kofi", "lena", "niamh", "oscar", "ruth",
]; // prettier-ignore
const LAST = [
  "kowalski", "patel", "murphy", "nowak", "okafor", "evans", "lindqvist", "hughes", "costa", "byrne", "ahmed", "fraser",
  "novak", "walsh", "silva", "reid", "mensah", "doyle", "santos", "brennan", "wojcik", "keane",
]; // prettier-ignore
const BANKS = [
  "harbourbank", "fenwickmutual", "claremont", "ashfordtrust", "brightling", "corriebank", "dunmore", "elmstead", "glenmore",
  "kingsbridge", "lowther", "marlowe",
]; // prettier-ignore
const CACHE_PREFIXES = [
  "company-settings", "payslip-summary", "tax-tables", "holiday-calendar", "pension-schemes", "employee-profile", "approval-chain",
  "leave-balance", "pay-calendar", "benefit-plans", "expense-policy", "cost-centres", "salary-bands",
]; // prettier-ignore
const CURRENCIES = ["EUR", "USD", "PLN", "SEK", "NOK", "DKK", "CHF", "CZK", "HUF", "RON", "AUD", "CAD", "ZAR", "INR", "JPY", "NZD"];
const TABLES = [
  "payslip_lines", "pension_contributions", "leave_accruals", "expense_claims", "benefit_elections", "timesheet_entries",
  "tax_adjustments", "student_loan_deductions", "attachment_orders", "salary_sacrifices", "journal_postings", "ytd_balances",
]; // prettier-ignore
const IMPORT_FIELDS = ["niCategory", "taxBasis", "payFrequency", "starterDeclaration", "pensionOptOut", "costCentre"];
const REGIONS = ["scotland", "wales", "northern-ireland", "isle-of-man", "jersey", "guernsey"];
const LOCALES = ["en-GB", "pl-PL", "de-DE", "en-IE", "nl-NL", "fr-FR", "es-ES", "pt-PT", "it-IT", "sv-SE", "cs-CZ", "ro-RO"];
const PLANS = ["starter", "growth", "scale", "enterprise"];

// ---------------------------------------------------------------------------------------------
// Services, revisions, instances

interface Revision {
  readonly fromNs: number;
  readonly name: string;
  readonly instances: readonly string[];
}
interface Service {
  readonly name: ServiceName;
  readonly revisions: readonly Revision[];
  readonly origin: string;
}

const instanceId = (r: Rng): string => `00${hex(r, 94)}`;

function service(r: Rng, name: ServiceName, origin: string, deploys: readonly [number, number, number][]): Service {
  // deploys: [hour, minute, revision number]
  const revisions = deploys.map(([h, m, n]) => ({
    fromNs: (h * 60 + m) * NS_MIN,
    name: `${name}-${String(n).padStart(5, "0")}-${Array.from({ length: 3 }, () => pick(r, [..."abcdefghijklmnopqrstuvwxyz"])).join("")}`,
    instances: Array.from({ length: name === "payslip-worker" ? 2 : int(r, 3, 5) }, () => instanceId(r)),
  }));
  return { name, revisions, origin };
}

function revisionAt(svc: Service, ns: number): Revision {
  let rev = svc.revisions[0]!;
  for (const x of svc.revisions) if (x.fromNs <= ns) rev = x;
  return rev;
}

// ---------------------------------------------------------------------------------------------
// Entries

type Severity = "WARNING" | "ERROR" | "CRITICAL";
type LogKind = "stdout" | "stderr" | "requests";
interface Raw {
  readonly ns: number;
  readonly pid: string;
  readonly entry: Record<string, unknown>;
}

interface Req {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly latencyS: number;
  readonly ua: string;
  readonly remoteIp: string;
  readonly referer?: string;
  readonly text?: string;
}

const SERVER_IPS = ["216.239.32.53", "216.239.34.53", "216.239.36.53", "216.239.38.53"];
const BROWSERS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
];
const MOBILE = [
  "TallyrollMobile/5.12.0 (iPhone; iOS 18.1.1; Scale/3.00)",
  "TallyrollMobile/5.12.0 (Android 15; Pixel 8)",
  "TallyrollMobile/5.11.2 (iPhone; iOS 17.6.1; Scale/3.00)",
  "TallyrollMobile/5.11.2 (Android 14; SM-S918B)",
];

class Gen {
  readonly out: Raw[] = [];
  constructor(
    readonly r: Rng,
    readonly svcs: Readonly<Record<ServiceName, Service>>,
  ) {}

  /** An instance of the service's revision at ns (a few instances carry most lines). */
  instance(svc: ServiceName, ns: number): string {
    return skew(this.r, revisionAt(this.svcs[svc], ns).instances, 1.6);
  }

  trace(): string {
    return `projects/${PROJECT}/traces/${hex(this.r, 32)}`;
  }

  publicIp(): string {
    const r = this.r;
    return pick(r, [
      () => `${int(r, 81, 95)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`,
      () => `${int(r, 145, 213)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`,
      () => `2a00:23c${int(r, 4, 8)}:${hex(r, 4)}:${hex(r, 4)}::${hex(r, 4)}`,
    ])();
  }

  private base(pid: string, svc: ServiceName, ns: number, severity: Severity, kind: LogKind, inst: string): Record<string, unknown> {
    const rev = revisionAt(this.svcs[svc], ns);
    return {
      labels: { instanceId: inst },
      logName: `projects/${PROJECT}/logs/run.googleapis.com%2F${kind}`,
      receiveTimestamp: stamp(ns + int(this.r, 15, 1800) * 1e6 + int(this.r, 0, 999999)),
      resource: {
        type: "cloud_run_revision",
        labels: { configuration_name: svc, location: REGION, project_id: PROJECT, revision_name: rev.name, service_name: svc },
      },
      severity,
      timestamp: stamp(ns),
    };
  }

  /** Times built from whole seconds get the sub-millisecond digits a real clock has. */
  private jitter(ns: number): number {
    return ns % 1e6 === 0 ? ns + int(this.r, 1, 999999) : ns;
  }

  private push(pid: string, ns: number, entry: Record<string, unknown>): void {
    this.out.push({ ns, pid, entry });
  }

  /** A structured stdout line: severity, trace and sourceLocation are promoted by the agent. */
  app(
    pid: string,
    svc: ServiceName,
    ns: number,
    severity: Severity,
    payload: Record<string, unknown>,
    opts: { inst?: string; trace?: string; kind?: LogKind } = {},
  ): void {
    ns = this.jitter(ns);
    const inst = opts.inst ?? this.instance(svc, ns);
    const e = this.base(pid, svc, ns, severity, opts.kind ?? "stdout", inst);
    // logstash-logback-encoder stamps the line itself: keep it equal to the entry's time.
    if ("@timestamp" in payload) payload["@timestamp"] = isoMs(ns);
    e.jsonPayload = payload;
    if (opts.trace) e.trace = opts.trace;
    this.push(pid, ns, e);
  }

  /** A Cloud Run request log (no payload; textPayload only for Cloud Run's own abort texts). */
  request(pid: string, svc: ServiceName, ns: number, req: Req, opts: { inst?: string; trace?: string } = {}): void {
    const r = this.r;
    ns = this.jitter(ns);
    const inst = opts.inst ?? this.instance(svc, ns);
    const e = this.base(pid, svc, ns, req.status >= 500 ? "ERROR" : "WARNING", "requests", inst);
    e.httpRequest = {
      latency: `${req.latencyS.toFixed(6)}s`,
      protocol: chance(r, 0.7) ? "HTTP/1.1" : "HTTP/2",
      remoteIp: req.remoteIp,
      requestMethod: req.method,
      requestSize: String(req.method === "GET" ? int(r, 380, 1400) : int(r, 900, 48000)),
      requestUrl: req.url,
      responseSize: String(req.text ? int(r, 90, 400) : int(r, 120, 2200)),
      serverIp: pick(r, SERVER_IPS),
      status: req.status,
      userAgent: req.ua,
      ...(req.referer ? { referer: req.referer } : {}),
    };
    e.spanId = hex(r, 16);
    e.trace = opts.trace ?? this.trace();
    e.traceSampled = chance(r, 0.1) ? true : undefined;
    if (req.text) e.textPayload = req.text;
    this.push(pid, ns, e);
  }
}

// ---------------------------------------------------------------------------------------------
// Rates

const DIURNAL = [
  0.08, 0.06, 0.05, 0.05, 0.06, 0.12, 0.3, 0.65, 0.95, 1.25, 1.3, 1.2, 1.1, 1.15, 1.2, 1.1, 0.95, 0.7, 0.5, 0.4, 0.35, 0.3, 0.2, 0.12,
];

/** Event times, hour by hour, for a mean rate per hour. */
function hourly(r: Rng, mean: (h: number) => number, fromNs = 0, toNs = NS_DAY): number[] {
  const ts: number[] = [];
  for (let h = 0; h < 24; h++) {
    const m = mean(h);
    const n = m < 1 ? (chance(r, m) ? 1 : 0) : Math.round(m * (0.7 + 0.6 * r()));
    for (let i = 0; i < n; i++) {
      const ns = h * NS_HOUR + Math.floor(r() * NS_HOUR);
      if (ns >= fromNs && ns < toNs) ts.push(ns);
    }
  }
  return ts.sort((a, b) => a - b);
}

/** n event times in [from, to) minutes of the day, denser in the middle. */
function burst(r: Rng, fromMin: number, toMin: number, n: number): number[] {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = (r() + r()) / 2;
    ts.push(Math.floor((fromMin + u * (toMin - fromMin)) * NS_MIN));
  }
  return ts.sort((a, b) => a - b);
}

const within = (ns: number, afterNs: number): number => Math.min(NS_DAY - 1000, ns + afterNs);

// ---------------------------------------------------------------------------------------------
// Stack shapes

// --- Kotlin / JVM
const KT_TAIL_NETTY = [
  "\tat kotlin.coroutines.jvm.internal.BaseContinuationImpl.resumeWith(ContinuationImpl.kt:33)",
  "\tat kotlinx.coroutines.DispatchedTask.run(DispatchedTask.kt:101)",
  "\tat io.netty.util.concurrent.AbstractEventExecutor.runTask(AbstractEventExecutor.java:173)",
  "\tat io.netty.util.concurrent.AbstractEventExecutor.safeExecute(AbstractEventExecutor.java:166)",
  "\tat io.netty.util.concurrent.SingleThreadEventExecutor.runAllTasks(SingleThreadEventExecutor.java:472)",
  "\tat io.netty.channel.nio.NioEventLoop.run(NioEventLoop.java:569)",
  "\tat io.netty.util.concurrent.SingleThreadEventExecutor$4.run(SingleThreadEventExecutor.java:997)",
  "\tat io.netty.util.internal.ThreadExecutorMap$2.run(ThreadExecutorMap.java:74)",
  "\tat io.netty.util.concurrent.FastThreadLocalRunnable.run(FastThreadLocalRunnable.java:30)",
  "\tat java.base/java.lang.Thread.run(Thread.java:1583)",
];
const KT_TAIL_DISPATCHER = [
  "\tat kotlin.coroutines.jvm.internal.BaseContinuationImpl.resumeWith(ContinuationImpl.kt:33)",
  "\tat kotlinx.coroutines.DispatchedTask.run(DispatchedTask.kt:101)",
  "\tat kotlinx.coroutines.internal.LimitedDispatcher$Worker.run(LimitedDispatcher.kt:113)",
  "\tat kotlinx.coroutines.scheduling.TaskImpl.run(Tasks.kt:89)",
  "\tat kotlinx.coroutines.scheduling.CoroutineScheduler.runSafely(CoroutineScheduler.kt:589)",
  "\tat kotlinx.coroutines.scheduling.CoroutineScheduler$Worker.executeTask(CoroutineScheduler.kt:823)",
  "\tat kotlinx.coroutines.scheduling.CoroutineScheduler$Worker.runWorker(CoroutineScheduler.kt:720)",
  "\tat kotlinx.coroutines.scheduling.CoroutineScheduler$Worker.run(CoroutineScheduler.kt:707)",
];
/** Frames of app code move a little between revisions. */
const revShift = (svc: Service, ns: number): number => svc.revisions.indexOf(revisionAt(svc, ns)) * 3;

function ktThread(r: Rng, request: boolean): string {
  return request ? `eventLoopGroupProxy-4-${int(r, 1, 8)}` : `DefaultDispatcher-worker-${int(r, 1, 24)}`;
}

// --- Python
const PY = "/usr/local/lib/python3.12/site-packages";
const celeryTop = (r: Rng): string[] => [
  "Traceback (most recent call last):",
  `  File "${PY}/celery/app/trace.py", line 453, in trace_task`,
  "    R = retval = fun(*args, **kwargs)",
  "                 ^^^^^^^^^^^^^^^^^^^^",
  `  File "${PY}/celery/app/trace.py", line 736, in __protected_call__`,
  "    return self.run(*args, **kwargs)",
  "           ^^^^^^^^^^^^^^^^^^^^^^^^^",
  ...(chance(r, 0.3) ? [`  File "${PY}/sentry_sdk/integrations/celery/__init__.py", line 334, in _inner`, "    reraise(*exc_info)"] : []),
];

function pyRepr(s: string): string {
  // Python's repr of a str: single quotes unless the text has one and no double quote.
  const esc = s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
  if (esc.includes("'") && !esc.includes('"')) return `"${esc}"`;
  return `'${esc.replace(/'/g, "\\'")}'`;
}

// ---------------------------------------------------------------------------------------------
// The day

export function buildDay(seed = 20261123): Day {
  const r = rng(seed);
  const svcs: Record<ServiceName, Service> = {
    "payroll-api": service(r, "payroll-api", "https://api.tallyroll.com", [
      [0, 0, 41],
      [10, 12, 42],
      [17, 40, 43],
    ]),
    "employee-portal": service(r, "employee-portal", "https://my.tallyroll.com", [
      [0, 0, 58],
      [12, 30, 59],
      [15, 5, 60],
    ]),
    "bank-gateway": service(r, "bank-gateway", `https://bank-gateway-${hex(r, 10)}-nw.a.run.app`, [
      [0, 0, 77],
      [14, 20, 78],
    ]),
    "payslip-worker": service(r, "payslip-worker", "", [
      [0, 0, 30],
      [9, 30, 31],
    ]),
  };
  const g = new Gen(r, svcs);
  const api = svcs["payroll-api"];
  const gw = svcs["bank-gateway"];

  // Word pools (each problem sees its own order, so new values arrive at different times).
  const allTenants = shuffled(
    r,
    PLACES.flatMap((p) => TRADES.map((t) => `${p}-${t}`)),
  ).slice(0, 90);
  const tenants = (start: number, perHour: number): Pool => new Pool(shuffled(r, allTenants).slice(0, 60), start, perHour);
  const allUsers = shuffled(
    r,
    FIRST.flatMap((f) => LAST.map((l) => `${f}.${l}`)),
  ).slice(0, 200);
  const users = (start: number, perHour: number): Pool => new Pool(shuffled(r, allUsers).slice(0, 120), start, perHour);
  const words = (xs: readonly string[], start: number, perHour: number): Pool => new Pool(shuffled(r, xs), start, perHour);

  const ktMdc = (p: string | undefined): Record<string, string> => ({
    call_id: uuid(r),
    ...(p !== undefined ? { path: p } : {}),
  });
  const kt = (
    ns: number,
    level: "WARN" | "ERROR",
    logger: string,
    thread: string,
    message: string,
    stack: string | undefined,
    mdc: Record<string, string>,
  ): Record<string, unknown> => ({
    "@timestamp": isoMs(ns),
    "@version": "1",
    level,
    level_value: level === "WARN" ? 30000 : 40000,
    logger_name: logger,
    message,
    thread_name: thread,
    ...(stack ? { stack_trace: stack } : {}),
    ...mdc,
  });
  const webUa = (): string => skew(r, BROWSERS, 1.5);
  const apiReferer = (): string => "https://app.tallyroll.com/";

  /** App line during a request: same instance, a moment before the response. */
  const during = (start: number, latencyS: number, frac = 0.97): number =>
    within(start, Math.floor(latencyS * 1e9 * frac) + int(r, 0, 999999));

  // ---- P01 HikariCP pool exhausted (payroll-api)
  {
    const pool = tenants(8, 1.2);
    const ts = [
      ...burst(r, 9 * 60 + 5, 9 * 60 + 50, 170),
      ...burst(r, 11 * 60 + 30, 11 * 60 + 46, 60),
      ...burst(r, 15 * 60, 15 * 60 + 21, 45),
    ];
    for (const t of ts) {
      const slug = pool.at(r, t);
      const id = int(r, 80000, 98999);
      const route = skew(r, [
        ["POST", `/v1/companies/${slug}/pay-runs/${id}/approve`, "PayRunRoutes.kt", "payRunRoutes$4", 112],
        ["GET", `/v1/companies/${slug}/pay-runs/${id}/payslips`, "PayslipRoutes.kt", "payslipRoutes$2", 57],
        ["GET", `/v1/companies/${slug}/employees`, "EmployeeRoutes.kt", "employeeRoutes$1", 41],
        ["GET", `/internal/companies/${slug}/pay-calendar`, "InternalRoutes.kt", "internalRoutes$3", 29],
      ] as const);
      const [method, p, file, fn, line] = route;
      const lat = 30 + r() * 0.4;
      const inst = g.instance("payroll-api", t);
      const waiting = int(r, 3, 40);
      const stack = [
        `java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms (total=20, active=20, idle=0, waiting=${waiting}).`,
        "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:686)",
        "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:179)",
        "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:144)",
        "\tat com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:99)",
        "\tat org.jetbrains.exposed.sql.Database$Companion$connect$3.invoke(Database.kt:197)",
        "\tat org.jetbrains.exposed.sql.transactions.ThreadLocalTransaction$connectionLazy$1.invoke(ThreadLocalTransactionManager.kt:134)",
        "\tat kotlin.SynchronizedLazyImpl.getValue(LazyJVM.kt:83)",
        "\tat org.jetbrains.exposed.sql.transactions.ThreadLocalTransaction.getConnection(ThreadLocalTransactionManager.kt:150)",
        "\tat org.jetbrains.exposed.sql.Transaction.exec(Transaction.kt:186)",
        "\tat org.jetbrains.exposed.sql.AbstractQuery.iterator(AbstractQuery.kt:85)",
        `\tat com.tallyroll.payroll.db.Db$query$2.invokeSuspend(Db.kt:${31 + revShift(api, t)})`,
        `\tat com.tallyroll.payroll.api.${file.replace(".kt", "Kt")}$${fn}.invokeSuspend(${file}:${line + revShift(api, t)})`,
        ...KT_TAIL_NETTY,
      ].join("\n");
      const isV1 = p.startsWith("/v1");
      g.request(
        "P01",
        "payroll-api",
        t,
        { method, url: api.origin + p, status: 500, latencyS: lat, ua: webUa(), remoteIp: g.publicIp(), referer: apiReferer() },
        { inst },
      );
      g.app(
        "P01",
        "payroll-api",
        during(t, lat),
        "ERROR",
        kt(t, "ERROR", "io.ktor.server.Application", ktThread(r, true), `Unhandled: ${method} - ${p}`, stack, ktMdc(isV1 ? p : undefined)),
        { inst },
      );
    }
  }

  // ---- P02 duplicate pay run period (payroll-api)
  {
    const pool = tenants(10, 1.5);
    for (const t of hourly(r, (h) => 12 * DIURNAL[h]!)) {
      const slug = pool.at(r, t);
      const companyId = int(r, 10200, 24999);
      const period = pick(r, ["2026-11-01", "2026-11-01", "2026-11-01", "2026-11-16", "2026-12-01"]);
      const p = `/v1/companies/${slug}/pay-runs`;
      const lat = 0.04 + r() * 0.2;
      const inst = g.instance("payroll-api", t);
      const detail = `  Detail: Key (company_id, period_start)=(${companyId}, ${period}) already exists.`;
      const psql = `org.postgresql.util.PSQLException: ERROR: duplicate key value violates unique constraint "pay_runs_company_id_period_start_key"\n${detail}`;
      const sh = revShift(api, t);
      const stack = [
        `org.jetbrains.exposed.exceptions.ExposedSQLException: ${psql}`,
        "SQL: [INSERT INTO pay_runs (company_id, created_by, frequency, period_end, period_start, status) VALUES (?, ?, ?, ?, ?, ?)]",
        "\tat org.jetbrains.exposed.sql.statements.Statement.executeIn$exposed_core(Statement.kt:63)",
        "\tat org.jetbrains.exposed.sql.Transaction.exec(Transaction.kt:192)",
        "\tat org.jetbrains.exposed.sql.Transaction.exec(Transaction.kt:176)",
        "\tat org.jetbrains.exposed.sql.statements.Statement.execute(Statement.kt:29)",
        "\tat org.jetbrains.exposed.sql.QueriesKt.insert(Queries.kt:95)",
        `\tat com.tallyroll.payroll.PayRunRepository.create(PayRunRepository.kt:${44 + sh})`,
        `\tat com.tallyroll.payroll.PayRunService$create$2.invokeSuspend(PayRunService.kt:${87 + sh})`,
        ...KT_TAIL_NETTY.slice(0, 3),
        `Caused by: ${psql}`,
        "\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2733)",
        "\tat org.postgresql.core.v3.QueryExecutorImpl.processResults(QueryExecutorImpl.java:2420)",
        "\tat org.postgresql.core.v3.QueryExecutorImpl.execute(QueryExecutorImpl.java:372)",
        "\tat org.postgresql.jdbc.PgStatement.executeInternal(PgStatement.java:517)",
        "\tat org.postgresql.jdbc.PgStatement.execute(PgStatement.java:434)",
        "\tat org.postgresql.jdbc.PgPreparedStatement.executeWithFlags(PgPreparedStatement.java:194)",
        "\tat org.postgresql.jdbc.PgPreparedStatement.executeUpdate(PgPreparedStatement.java:155)",
        "\tat com.zaxxer.hikari.pool.ProxyPreparedStatement.executeUpdate(ProxyPreparedStatement.java:61)",
        "\tat com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeUpdate(HikariProxyPreparedStatement.java)",
        `\t... ${int(r, 17, 19)} common frames omitted`,
      ].join("\n");
      const plan = skew(r, PLANS, 1.3);
      g.request(
        "P02",
        "payroll-api",
        t,
        { method: "POST", url: api.origin + p, status: 409, latencyS: lat, ua: webUa(), remoteIp: g.publicIp(), referer: apiReferer() },
        { inst },
      );
      g.app(
        "P02",
        "payroll-api",
        during(t, lat),
        "WARNING",
        kt(
          t,
          "WARN",
          "com.tallyroll.payroll.PayRunService",
          ktThread(r, true),
          `Pay run for ${slug} (${plan}) period starting ${period} already exists`,
          stack,
          ktMdc(p),
        ),
        { inst },
      );
    }
  }

  // ---- P03 FPS submission timeout (payroll-api, background)
  {
    const pool = tenants(12, 1);
    for (const t of hourly(r, (h) => (h < 6 ? 3 : 7 + 6 * DIURNAL[h]!))) {
      const slug = pool.at(r, t);
      const ref = `${int(r, 100, 999)}/${pick(r, ["A", "B", "C", "D", "E", "F", "G", "H"])}${pick(r, ["A", "B", "K", "M", "P", "T", "Z"])}${int(r, 10000, 99999)}`;
      const sh = revShift(api, t);
      const stack = [
        "io.ktor.client.plugins.HttpRequestTimeoutException: Request timeout has expired [url=https://transaction-engine.tax.service.gov.uk/submission, request_timeout=30000 ms]",
        "\tat io.ktor.client.plugins.HttpTimeoutKt$HttpTimeout$2$1$1$killer$1.invokeSuspend(HttpTimeout.kt:235)",
        `\tat com.tallyroll.filing.RtiSubmitter.submitFps(RtiSubmitter.kt:${73 + sh})`,
        `\tat com.tallyroll.filing.RtiSubmitter$drain$1.invokeSuspend(RtiSubmitter.kt:${41 + sh})`,
        ...KT_TAIL_DISPATCHER,
      ].join("\n");
      const attempt = skew(r, [1, 2, 3, 4, 5], 1.5);
      g.app(
        "P03",
        "payroll-api",
        t,
        "ERROR",
        kt(
          t,
          "ERROR",
          "com.tallyroll.filing.RtiSubmitter",
          ktThread(r, false),
          `FPS submission for ${slug} (employer ref ${ref}) failed on attempt ${attempt}, will retry`,
          stack,
          {},
        ),
      );
    }
  }

  // ---- P04 / P05 two exception types from PayRunService.approve (payroll-api)
  const approveFailure = (pid: "P04" | "P05", t: number, slug: string, approver: string): void => {
    const id = int(r, 80000, 98999);
    const p = `/v1/companies/${slug}/pay-runs/${id}/approve`;
    const lat = 0.03 + r() * 0.15;
    const inst = g.instance("payroll-api", t);
    const sh = revShift(api, t);
    const period = pick(r, ["2026-10", "2026-10", "2026-11"]);
    const [exc, status, line, msg] =
      pid === "P04"
        ? ["com.tallyroll.payroll.PayRunLockedException", 409, 214, `Pay run ${id} is locked by an approval in progress by ${approver}`]
        : ["com.tallyroll.payroll.PayPeriodClosedException", 422, 221, `Pay period ${period} is closed for ${slug}`];
    const stack = [
      `${exc}: ${msg}`,
      `\tat com.tallyroll.payroll.PayRunService.approve(PayRunService.kt:${line + sh})`,
      `\tat com.tallyroll.payroll.PayRunService$approve$1.invokeSuspend(PayRunService.kt)`,
      `\tat com.tallyroll.payroll.api.PayRunRoutesKt$payRunRoutes$4.invokeSuspend(PayRunRoutes.kt:${112 + sh})`,
      `\tat com.tallyroll.payroll.api.PayRunRoutesKt$payRunRoutes$4.invoke(PayRunRoutes.kt)`,
      "\tat io.ktor.server.routing.Route$buildPipeline$1$1.invokeSuspend(Route.kt:116)",
      ...KT_TAIL_NETTY,
    ].join("\n");
    g.request(
      pid,
      "payroll-api",
      t,
      { method: "POST", url: api.origin + p, status, latencyS: lat, ua: webUa(), remoteIp: g.publicIp(), referer: apiReferer() },
      { inst },
    );
    g.app(
      pid,
      "payroll-api",
      during(t, lat),
      "WARNING",
      kt(t, "WARN", "com.tallyroll.payroll.api.PayRunRoutes", ktThread(r, true), `Pay run ${id} approval failed: ${msg}`, stack, ktMdc(p)),
      { inst },
    );
  };
  {
    const pool = tenants(8, 1.3);
    const approvers = users(10, 3);
    for (const t of hourly(r, (h) => 9 * DIURNAL[h]!)) approveFailure("P04", t, pool.at(r, t), approvers.at(r, t));
    const pool5 = tenants(6, 1);
    for (const t of hourly(r, (h) => (h >= 7 && h <= 19 ? 4 + (h >= 16 ? 4 : 0) : 0.2))) approveFailure("P05", t, pool5.at(r, t), "");
  }

  // ---- P06 employee import missing field, starts at 10:12 deploy (payroll-api)
  {
    const pool = tenants(6, 2);
    const fields = words(IMPORT_FIELDS, 2, 0.3);
    const from = revisionAt(api, 10 * NS_HOUR + 13 * NS_MIN).fromNs;
    for (const t of hourly(r, (h) => 30 * DIURNAL[h]!, from)) {
      const slug = pool.at(r, t);
      const field = fields.at(r, t);
      const row = skew(r, [0, 1, 2, 3, 4, 5, 7, 11, 12, 19, 24, 48, 113], 1.4);
      const p = `/v1/companies/${slug}/employees/import`;
      const lat = 0.01 + r() * 0.06;
      const inst = g.instance("payroll-api", t);
      const missing = `Field '${field}' is required for type with serial name 'com.tallyroll.api.EmployeeRow', but it was missing at path: $.rows[${row}]`;
      const stack = [
        "io.ktor.server.plugins.BadRequestException: Failed to convert request body to class com.tallyroll.api.EmployeeImportRequest",
        "\tat io.ktor.server.request.ApplicationReceiveFunctionsKt.receiveNullable(ApplicationReceiveFunctions.kt:106)",
        `\tat com.tallyroll.payroll.api.EmployeeRoutesKt$employeeRoutes$5.invokeSuspend(EmployeeRoutes.kt:${96 + revShift(api, t)})`,
        ...KT_TAIL_NETTY.slice(0, 4),
        `Caused by: io.ktor.serialization.JsonConvertException: Illegal input: ${missing}`,
        "\tat io.ktor.serialization.kotlinx.KotlinxSerializationConverter.deserialize(KotlinxSerializationConverter.kt:77)",
        "\tat io.ktor.server.plugins.contentnegotiation.RequestConverterKt$RequestConverter$1$convertBody$5.invokeSuspend(RequestConverter.kt:104)",
        `\t... ${int(r, 38, 41)} more`,
        `Caused by: kotlinx.serialization.MissingFieldException: ${missing}`,
        "\tat kotlinx.serialization.internal.PluginExceptionsKt.throwMissingFieldException(PluginExceptions.kt:20)",
        "\tat com.tallyroll.api.EmployeeRow.<init>(EmployeeImport.kt:14)",
        "\tat com.tallyroll.api.EmployeeRow$$serializer.deserialize(EmployeeImport.kt:14)",
        "\tat kotlinx.serialization.json.internal.StreamingJsonDecoder.decodeSerializableValue(StreamingJsonDecoder.kt:69)",
        `\t... ${int(r, 44, 47)} more`,
      ].join("\n");
      g.request(
        "P06",
        "payroll-api",
        t,
        { method: "POST", url: api.origin + p, status: 400, latencyS: lat, ua: webUa(), remoteIp: g.publicIp(), referer: apiReferer() },
        { inst },
      );
      g.app(
        "P06",
        "payroll-api",
        during(t, lat),
        "WARNING",
        kt(
          t,
          "WARN",
          "com.tallyroll.payroll.api.StatusPages",
          ktThread(r, true),
          `Bad request on POST ${p}: Failed to convert request body to class com.tallyroll.api.EmployeeImportRequest`,
          stack,
          ktMdc(p),
        ),
        { inst },
      );
    }
  }

  // ---- P07 / P16 idempotency key reuse: the same template on two services
  const IDEM = (key: string): string => `Idempotency-Key ${key} reused with a different request body`;
  {
    const pool = tenants(8, 1);
    for (const t of hourly(r, (h) => 5 * DIURNAL[h]!)) {
      const slug = pool.at(r, t);
      const p = `/v1/companies/${slug}/pay-runs/${int(r, 80000, 98999)}/items`;
      const lat = 0.005 + r() * 0.02;
      const inst = g.instance("payroll-api", t);
      g.request(
        "P07",
        "payroll-api",
        t,
        { method: "PUT", url: api.origin + p, status: 422, latencyS: lat, ua: webUa(), remoteIp: g.publicIp(), referer: apiReferer() },
        { inst },
      );
      g.app(
        "P07",
        "payroll-api",
        during(t, lat),
        "WARNING",
        kt(t, "WARN", "com.tallyroll.http.Idempotency", ktThread(r, true), IDEM(uuid(r)), undefined, ktMdc(p)),
        { inst },
      );
    }
  }

  // ---- P08 Lettuce command timeout, cache fallback (payroll-api)
  {
    const prefixes = words(CACHE_PREFIXES, 4, 0.5);
    const pool = tenants(15, 1);
    const ts = [...burst(r, 13 * 60 + 2, 13 * 60 + 36, 290), ...burst(r, 20 * 60 + 10, 20 * 60 + 26, 110)];
    for (const t of ts) {
      const prefix = prefixes.at(r, t);
      const slug = pool.at(r, t);
      const inRequest = chance(r, 0.7);
      const p = `/v1/companies/${slug}/${pick(r, ["settings", "employees", "pay-runs", "pay-calendar"])}`;
      const stack = [
        "io.lettuce.core.RedisCommandTimeoutException: Command timed out after 1 second(s)",
        "\tat io.lettuce.core.internal.ExceptionFactory.createTimeoutException(ExceptionFactory.java:59)",
        "\tat io.lettuce.core.internal.Futures.awaitOrCancel(Futures.java:246)",
        "\tat io.lettuce.core.FutureSyncInvocationHandler.handleInvocation(FutureSyncInvocationHandler.java:74)",
        "\tat io.lettuce.core.internal.AbstractInvocationHandler.invoke(AbstractInvocationHandler.java:84)",
        "\tat jdk.proxy2/jdk.proxy2.$Proxy41.get(Unknown Source)",
        `\tat com.tallyroll.cache.RedisCache.get(RedisCache.kt:${38 + revShift(api, t)})`,
        `\tat com.tallyroll.cache.CachedLoader.load(CachedLoader.kt:${22 + revShift(api, t)})`,
        ...(inRequest ? KT_TAIL_NETTY : KT_TAIL_DISPATCHER),
      ].join("\n");
      g.app(
        "P08",
        "payroll-api",
        t,
        "WARNING",
        kt(
          t,
          "WARN",
          "com.tallyroll.cache.RedisCache",
          ktThread(r, inRequest),
          `Cache read failed for key prefix ${prefix}:${slug}, falling back to database`,
          stack,
          inRequest ? ktMdc(p) : {},
        ),
      );
    }
  }

  // ---- P09 year-end export OOM, once (payroll-api)
  {
    const t = (16 * 60 + 47) * NS_MIN + int(r, 0, 59) * 1e9;
    const slug = pick(r, allTenants);
    const p = `/v1/companies/${slug}/reports/year-end/export`;
    const lat = 41 + r() * 10;
    const inst = g.instance("payroll-api", t);
    const stack = [
      "java.lang.OutOfMemoryError: Java heap space",
      "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3541)",
      "\tat java.base/java.io.ByteArrayOutputStream.ensureCapacity(ByteArrayOutputStream.java:100)",
      "\tat java.base/java.io.ByteArrayOutputStream.write(ByteArrayOutputStream.java:132)",
      "\tat org.apache.poi.xssf.streaming.SXSSFWorkbook.write(SXSSFWorkbook.java:977)",
      `\tat com.tallyroll.reports.YearEndExporter.export(YearEndExporter.kt:${133 + revShift(api, t)})`,
      `\tat com.tallyroll.payroll.api.ReportRoutesKt$reportRoutes$3.invokeSuspend(ReportRoutes.kt:${64 + revShift(api, t)})`,
      ...KT_TAIL_NETTY,
    ].join("\n");
    g.request(
      "P09",
      "payroll-api",
      t,
      {
        method: "GET",
        url: `${api.origin}${p}?format=xlsx&taxYear=2025-26`,
        status: 500,
        latencyS: lat,
        ua: webUa(),
        remoteIp: g.publicIp(),
        referer: apiReferer(),
      },
      { inst },
    );
    g.app(
      "P09",
      "payroll-api",
      during(t, lat),
      "ERROR",
      kt(t, "ERROR", "io.ktor.server.Application", ktThread(r, true), `Unhandled: GET - ${p}?format=xlsx&taxYear=2025-26`, stack, ktMdc(p)),
      { inst },
    );
  }

  // ---- P10 FX refresh 401 with the API key in the URL, stops at the 17:40 deploy (payroll-api)
  {
    const cur = words(CURRENCIES, 5, 0.6);
    const key = `fx_live_${hex(r, 32)}`;
    const until = revisionAt(api, 18 * NS_HOUR).fromNs;
    for (const t of hourly(r, () => 12, 0, until)) {
      const c = cur.at(r, t);
      const url = `https://api.fxfeed.io/v2/latest?base=GBP&symbols=${c}&access_key=${key}`;
      const stack = [
        `io.ktor.client.plugins.ClientRequestException: Client request(GET ${url}) invalid: 401 Unauthorized. Text: "{"success":false,"error":{"code":101,"type":"invalid_access_key","info":"You have not supplied a valid API Access Key."}}"`,
        "\tat io.ktor.client.plugins.DefaultResponseValidationKt$addDefaultResponseValidation$1$1.invokeSuspend(DefaultResponseValidation.kt:54)",
        "\tat io.ktor.client.plugins.HttpCallValidator.validateResponse(HttpCallValidator.kt:51)",
        "\tat io.ktor.client.plugins.HttpCallValidator$Companion$install$3.invokeSuspend(HttpCallValidator.kt:152)",
        `\tat com.tallyroll.fx.RateRefresher.refresh(RateRefresher.kt:${58 + revShift(api, t)})`,
        ...KT_TAIL_DISPATCHER,
      ].join("\n");
      g.app(
        "P10",
        "payroll-api",
        t,
        "WARNING",
        kt(t, "WARN", "com.tallyroll.fx.RateRefresher", ktThread(r, false), `Exchange rate refresh failed for GBP/${c}`, stack, {}),
      );
    }
  }

  // ---- employee-portal (winston)
  const portal = svcs["employee-portal"];
  const win = (message: string, meta: Record<string, unknown>): Record<string, unknown> => ({
    message,
    service: "employee-portal",
    ...meta,
  });
  const reqMeta = (method: string, p: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    method,
    path: p,
    requestId: hex(r, 16),
    ...extra,
  });

  // ---- P11 pg pool connect timeout (employee-portal)
  {
    const pool = tenants(12, 1.5);
    for (const t of hourly(r, (h) => 9 * DIURNAL[h]! + (h === 12 ? 10 : 0))) {
      const slug = pool.at(r, t);
      const [p, repo, fn, line] = skew(r, [
        [`/api/orgs/${slug}/payslips`, "payslips", "listForEmployee", 31],
        [`/api/orgs/${slug}/timesheets/current`, "timesheets", "currentWeek", 54],
        [`/api/orgs/${slug}/leave/balance`, "leave", "balanceFor", 22],
      ] as const);
      const lat = 5 + r() * 0.05;
      const inst = g.instance("employee-portal", t);
      const trace = g.trace();
      const stack = [
        "Error: timeout exceeded when trying to connect",
        "    at /app/node_modules/pg-pool/index.js:45:11",
        "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)",
        `    at async ${repo[0]!.toUpperCase()}${repo.slice(1)}Repository.${fn} (/app/dist/repositories/${repo}.js:${line}:22)`,
        `    at async /app/dist/routes/${repo}.js:${int(r, 17, 19)}:25`,
      ].join("\n");
      g.request(
        "P11",
        "employee-portal",
        t,
        {
          method: "GET",
          url: portal.origin + p,
          status: 500,
          latencyS: lat,
          ua: chance(r, 0.5) ? skew(r, MOBILE) : webUa(),
          remoteIp: g.publicIp(),
        },
        { inst, trace },
      );
      g.app(
        "P11",
        "employee-portal",
        during(t, lat),
        "ERROR",
        win("timeout exceeded when trying to connect", { ...reqMeta("GET", p), orgSlug: slug, stack }),
        { inst, trace },
      );
    }
  }

  // ---- P12 jwt expired (employee-portal)
  {
    for (const t of hourly(r, (h) => 70 * DIURNAL[h]! + 3)) {
      const p = skew(
        r,
        ["/api/me", "/api/me/payslips", "/api/me/notifications", "/api/me/leave", "/api/me/timesheets/current", "/api/me/documents"],
        1.5,
      );
      const lat = 0.002 + r() * 0.008;
      const inst = g.instance("employee-portal", t);
      const trace = g.trace();
      const expired = new Date(DAY_START + Math.floor(t / 1e6) - int(r, 5, 60 * 60 * 30) * 1000).toISOString();
      const stack = [
        `TokenExpiredError: jwt expired`,
        "    at /app/node_modules/jsonwebtoken/verify.js:190:21",
        "    at getSecret (/app/node_modules/jsonwebtoken/verify.js:97:14)",
        "    at module.exports [as verify] (/app/node_modules/jsonwebtoken/verify.js:101:10)",
        `    at requireAuth (/app/dist/middleware/auth.js:${int(r, 27, 28)}:30)`,
        "    at Layer.handleRequest (/app/node_modules/router/lib/layer.js:152:17)",
      ].join("\n");
      g.request(
        "P12",
        "employee-portal",
        t,
        { method: "GET", url: portal.origin + p, status: 401, latencyS: lat, ua: skew(r, MOBILE, 1.2), remoteIp: g.publicIp() },
        { inst, trace },
      );
      g.app(
        "P12",
        "employee-portal",
        during(t, lat),
        "WARNING",
        win("Rejected bearer token: jwt expired", { ...reqMeta("GET", p), expiredAt: expired, stack }),
        { inst, trace },
      );
    }
  }

  // ---- P13 / P14 one call site, two reasons (employee-portal)
  const timesheetBlocked = (pid: "P13" | "P14", t: number, slug: string, user: string): void => {
    const week = `2026-W${pick(r, ["46", "47", "47", "48"])}`;
    const p = `/api/orgs/${slug}/timesheets/${week}/submit`;
    const lat = 0.02 + r() * 0.08;
    const inst = g.instance("employee-portal", t);
    const trace = g.trace();
    const reason = pid === "P13" ? "no active contract" : "no approving manager";
    g.request(
      pid,
      "employee-portal",
      t,
      {
        method: "POST",
        url: portal.origin + p,
        status: 422,
        latencyS: lat,
        ua: chance(r, 0.6) ? skew(r, MOBILE) : webUa(),
        remoteIp: g.publicIp(),
      },
      { inst, trace },
    );
    g.app(
      pid,
      "employee-portal",
      during(t, lat),
      "WARNING",
      win(`Timesheet submit blocked: ${reason} for employee ${user}`, { ...reqMeta("POST", p), orgSlug: slug, week }),
      { inst, trace },
    );
  };
  {
    const t13 = tenants(6, 1.2);
    const u13 = users(8, 4);
    for (const t of hourly(r, (h) => 17 * DIURNAL[h]!)) timesheetBlocked("P13", t, t13.at(r, t), u13.at(r, t));
    const t14 = tenants(4, 0.8);
    const u14 = users(5, 2.5);
    for (const t of hourly(r, (h) => 6 * DIURNAL[h]!)) timesheetBlocked("P14", t, t14.at(r, t), u14.at(r, t));
  }

  // ---- P15 bank validation vendor timeout (employee-portal)
  {
    const ts = [...burst(r, 10 * 60, 10 * 60 + 42, 100), ...burst(r, 14 * 60 + 15, 14 * 60 + 31, 45)];
    for (const t of ts) {
      const inst = g.instance("employee-portal", t);
      const trace = chance(r, 0.8) ? g.trace() : undefined;
      const stack = [
        "AxiosError: timeout of 5000ms exceeded",
        "    at RedirectableRequest.handleRequestTimeout (/app/node_modules/axios/lib/adapters/http.js:690:16)",
        "    at RedirectableRequest.emit (node:events:518:28)",
        "    at Timeout.<anonymous> (/app/node_modules/follow-redirects/index.js:221:12)",
        "    at listOnTimeout (node:internal/timers:594:17)",
        "    at process.processTimers (node:internal/timers:529:7)",
        "    at Axios.request (/app/node_modules/axios/lib/core/Axios.js:45:41)",
        "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)",
        `    at async BankValidation.check (/app/dist/services/bank-validation.js:${int(r, 33, 34)}:26)`,
      ].join("\n");
      g.app(
        "P15",
        "employee-portal",
        t,
        "WARNING",
        win("Bank account validation unavailable, accepting details for manual review", {
          ...(trace ? reqMeta("PUT", "/api/me/bank-details") : {}),
          code: "ECONNABORTED",
          error: "timeout of 5000ms exceeded",
          vendorUrl: "https://api.accountcheck.co.uk/v2/validate",
          stack,
        }),
        { inst, trace },
      );
    }
  }

  // ---- P16 idempotency key reuse (employee-portal), same template as P07
  {
    const pool = tenants(5, 1);
    for (const t of hourly(r, (h) => 4 * DIURNAL[h]!)) {
      const slug = pool.at(r, t);
      const p = `/api/orgs/${slug}/timesheets/2026-W${pick(r, ["47", "48"])}`;
      const lat = 0.004 + r() * 0.02;
      const inst = g.instance("employee-portal", t);
      const trace = g.trace();
      g.request(
        "P16",
        "employee-portal",
        t,
        { method: "PUT", url: portal.origin + p, status: 422, latencyS: lat, ua: skew(r, MOBILE), remoteIp: g.publicIp() },
        { inst, trace },
      );
      g.app("P16", "employee-portal", during(t, lat), "WARNING", win(IDEM(uuid(r)), { ...reqMeta("PUT", p), orgSlug: slug }), {
        inst,
        trace,
      });
    }
  }

  // ---- P17 HR directory sync 401, bearer token in the logged axios config (3 entries)
  {
    const token = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJwZW9wbGVodWIiLCJzdWIiOiJ0YWxseXJvbGwiLCJleHAiOjE3${hex(r, 20)}.${hex(r, 43)}`;
    for (const t of [...burst(r, 14 * 60 + 5, 14 * 60 + 50, 2), ...burst(r, 15 * 60 + 5, 15 * 60 + 20, 1)]) {
      const since = new Date(DAY_START + Math.floor(t / 1e6) - 3600e3).toISOString();
      const stack = [
        "AxiosError: Request failed with status code 401",
        "    at settle (/app/node_modules/axios/lib/core/settle.js:19:12)",
        "    at IncomingMessage.handleStreamEnd (/app/node_modules/axios/lib/adapters/http.js:599:11)",
        "    at IncomingMessage.emit (node:events:530:35)",
        "    at endReadableNT (node:internal/streams/readable:1698:12)",
        "    at process.processTicksAndRejections (node:internal/process/task_queues:90:21)",
        "    at Axios.request (/app/node_modules/axios/lib/core/Axios.js:45:41)",
        "    at async HrDirectorySync.run (/app/dist/jobs/hr-directory-sync.js:48:24)",
      ].join("\n");
      g.app(
        "P17",
        "employee-portal",
        t,
        "ERROR",
        win("HR directory sync failed: Request failed with status code 401", {
          code: "ERR_BAD_REQUEST",
          config: {
            headers: { Accept: "application/json, text/plain, */*", Authorization: `Bearer ${token}`, "User-Agent": "axios/1.7.9" },
            method: "get",
            timeout: 10000,
            url: `https://api.peoplehub.io/v1/employees?updated_since=${since}`,
          },
          status: 401,
          stack,
        }),
      );
    }
  }

  // ---- P18 ioredis max retries during the night failover (employee-portal)
  {
    for (const t of burst(r, 3 * 60 + 12, 3 * 60 + 32, 44)) {
      const p = skew(r, ["/api/session", "/api/me", "/api/me/payslips"]);
      const lat = 1.5 + r() * 2.5;
      const inst = g.instance("employee-portal", t);
      const trace = g.trace();
      const stack = [
        'MaxRetriesPerRequestError: Reached the max retries per request limit (which is 20). Refer to "maxRetriesPerRequest" option for details.',
        "    at Socket.<anonymous> (/app/node_modules/ioredis/built/redis/event_handler.js:182:37)",
        "    at Object.onceWrapper (node:events:634:26)",
        "    at Socket.emit (node:events:518:28)",
        "    at TCP.<anonymous> (node:net:343:12)",
      ].join("\n");
      g.request(
        "P18",
        "employee-portal",
        t,
        { method: "GET", url: portal.origin + p, status: 500, latencyS: lat, ua: skew(r, MOBILE), remoteIp: g.publicIp() },
        { inst, trace },
      );
      g.app(
        "P18",
        "employee-portal",
        during(t, lat),
        "ERROR",
        win('Reached the max retries per request limit (which is 20). Refer to "maxRetriesPerRequest" option for details.', {
          ...reqMeta("GET", p),
          stack,
        }),
        { inst, trace },
      );
    }
  }

  // ---- P19 unhandled rejection crash on revision 00059 (employee-portal)
  {
    const from = portal.revisions[1]!.fromNs;
    const to = portal.revisions[2]!.fromNs;
    const pool = tenants(6, 1);
    let t = from + int(r, 2, 6) * NS_MIN;
    while (t < to) {
      const inst = g.instance("employee-portal", t);
      const slug = pool.at(r, t);
      const stack = [
        "TypeError: Cannot read properties of undefined (reading 'payFrequency')",
        `    at buildPayCalendar (/app/dist/services/calendar.js:88:41)`,
        `    at /app/dist/services/calendar.js:${pick(r, ["131:18", "131:18", "140:22"])}`,
        "    at Array.map (<anonymous>)",
        "    at PayCalendarService.upcoming (/app/dist/services/calendar.js:129:31)",
        "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)",
      ].join("\n");
      g.app(
        "P19",
        "employee-portal",
        t,
        "ERROR",
        win("Unhandled promise rejection, exiting", { orgSlug: slug, flag: "pay-calendar-v2", stack }),
        { inst, kind: "stderr" },
      );
      const inFlight = int(r, 0, 4);
      for (let i = 0; i < inFlight; i++) {
        const started = t - int(r, 50, 4000) * 1e6;
        const lat = (t - started) / 1e9 + r() * 0.01;
        g.request(
          "P19",
          "employee-portal",
          started,
          {
            method: "GET",
            url: `${portal.origin}/api/orgs/${slug}/${pick(r, ["pay-calendar", "payslips", "timesheets/current"])}`,
            status: 503,
            latencyS: lat,
            ua: chance(r, 0.5) ? skew(r, MOBILE) : webUa(),
            remoteIp: g.publicIp(),
            text: "The request failed because either the HTTP response was malformed or connection to the instance had an error. Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#malformed-response-or-connection-error",
          },
          { inst },
        );
      }
      t += int(r, 2, 9) * NS_MIN + int(r, 0, 59) * 1e9;
    }
  }

  // ---- P20 no available instance, morning rush (employee-portal, request logs only)
  {
    for (const t of [...burst(r, 8 * 60, 8 * 60 + 7, 150), ...burst(r, 17 * 60 + 1, 17 * 60 + 4, 22)]) {
      const p = skew(r, ["/api/session", "/api/me", "/api/me/payslips", "/", "/login"], 1.4);
      g.request("P20", "employee-portal", t, {
        method: p === "/api/session" ? "POST" : "GET",
        url: portal.origin + p,
        status: 429,
        latencyS: 10 + r() * 0.5,
        ua: chance(r, 0.6) ? skew(r, MOBILE) : webUa(),
        remoteIp: g.publicIp(),
        text: "The request was aborted because there was no available instance. Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#abort-request",
      });
    }
  }

  // ---- bank-gateway (logrus)
  const lr = (message: string, fn: string, file: string, fields: Record<string, unknown>): Record<string, unknown> => ({
    message,
    func: `github.com/tallyroll/bank-gateway/${fn}`,
    file: `/src/${file}`,
    ...fields,
  });
  const gwApp = (
    pid: string,
    ns: number,
    sev: Severity,
    payload: Record<string, unknown>,
    opts: { inst?: string; trace?: string } = {},
  ): void => {
    g.app(pid, "bank-gateway", ns, sev, payload, opts);
  };
  const banks = (start: number, perHour: number): Pool => new Pool(shuffled(r, BANKS), start, perHour);

  // ---- P21 pgx connection refused during maintenance (bank-gateway)
  {
    const insts = revisionAt(gw, 2 * NS_HOUR).instances;
    for (const inst of insts) {
      let t = 2 * NS_HOUR + int(r, 0, 40) * 1e9;
      const end = 2 * NS_HOUR + int(r, 20, 23) * NS_MIN;
      while (t < end) {
        const err =
          "failed to connect to `user=gateway database=payments`: 10.31.0.5:5432 (10.31.0.5): dial error: dial tcp 10.31.0.5:5432: connect: connection refused";
        gwApp(
          "P21",
          t,
          "ERROR",
          lr(
            chance(r, 0.8) ? "database health check failed" : "failed to load pending payment batches",
            "internal/store.(*Store).Ping",
            `internal/store/store.go:${chance(r, 0.8) ? 88 : 143}`,
            {
              error: err,
              component: "store",
            },
          ),
          { inst },
        );
        t += int(r, 14500, 15500) * 1e6 * (chance(r, 0.2) ? 2 : 1);
      }
    }
  }

  // ---- P22 / P23 verbs: SFTP upload failed vs SFTP download failed (bank-gateway)
  {
    const up = banks(3, 0.35);
    const pool = tenants(10, 1.5);
    for (const hour of [6, 9, 12, 15, 18, 21]) {
      for (const t of burst(r, hour * 60 + 28, hour * 60 + 40, int(r, 12, 26))) {
        const bank = up.at(r, t);
        const slug = pool.at(r, t);
        const file = `/inbound/bacs/TR-${DAY.replace(/-/g, "")}-${String(hour).padStart(2, "0")}30-${slug}.txt`;
        gwApp(
          "P22",
          t,
          "ERROR",
          lr("SFTP upload failed", "internal/sftp.(*Client).Upload", `internal/sftp/client.go:${142 + revShift(gw, t)}`, {
            bank,
            error: `open ${file}: sftp: "Permission denied" (SSH_FX_PERMISSION_DENIED)`,
            host: `sftp.${bank}.co.uk`,
            path: file,
          }),
        );
      }
    }
    const down = banks(5, 0.25);
    for (let h = 0; h < 24; h++) {
      const n = down.size(h);
      for (let i = 0; i < n; i++) {
        if (chance(r, 0.1)) continue;
        const bank = down.values[i]!;
        const t = (h * 60 + 5) * NS_MIN + int(r, 0, 50_000) * 1e6;
        const file = `/outbound/returns/ARUDD-${DAY.replace(/-/g, "")}.xml`;
        gwApp(
          "P23",
          t,
          "WARNING",
          lr("SFTP download failed", "internal/sftp.(*Client).Download", `internal/sftp/client.go:${187 + revShift(gw, t)}`, {
            bank,
            error: `open ${file}: file does not exist`,
            host: `sftp.${bank}.co.uk`,
            path: file,
          }),
        );
      }
    }
  }

  // ---- P24 bank API timeout, 504 (bank-gateway)
  {
    const pool = banks(2, 0.3);
    const slow = BANKS[int(r, 0, 2)]!;
    const ts = [...burst(r, 11 * 60, 12 * 60 + 10, 190), ...hourly(r, (h) => 2.5 * DIURNAL[h]!)];
    for (const t of ts) {
      const bank = t >= 11 * NS_HOUR && t < 12 * NS_HOUR + 10 * NS_MIN && chance(r, 0.85) ? slow : pool.at(r, t);
      const lat = 20 + r() * 0.05;
      const inst = g.instance("bank-gateway", t);
      const trace = g.trace();
      const p = `/v1/banks/${bank}/payments`;
      g.request(
        "P24",
        "bank-gateway",
        t,
        {
          method: "POST",
          url: gw.origin + p,
          status: 504,
          latencyS: lat,
          ua: "ktor-client",
          remoteIp: `10.8.${int(r, 0, 3)}.${int(r, 2, 250)}`,
        },
        { inst, trace },
      );
      gwApp(
        "P24",
        during(t, lat),
        "ERROR",
        lr(
          "payment initiation failed",
          "internal/banks.(*OpenBankingClient).InitiatePayment",
          `internal/banks/openbanking.go:${211 + revShift(gw, t)}`,
          {
            bank,
            error: `Post "https://api.${bank}.co.uk/open-banking/v3.1/pisp/domestic-payments": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
            payment_id: `pmt_${hex(r, 12)}`,
            request_id: uuid(r),
          },
        ),
        { inst, trace },
      );
    }
  }

  // ---- P25 nil pointer panic in the returns webhook since the 14:20 deploy (bank-gateway)
  {
    const from = gw.revisions[1]!.fromNs;
    const pool = banks(4, 0.3);
    for (const t of hourly(r, (h) => 9 * DIURNAL[h]! + 2, from)) {
      const bank = pool.at(r, t);
      const lat = 0.003 + r() * 0.01;
      const inst = g.instance("bank-gateway", t);
      const trace = g.trace();
      const gid = int(r, 1200, 98000);
      const stack = [
        `goroutine ${gid} [running]:`,
        "runtime/debug.Stack()",
        "\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e",
        "github.com/tallyroll/bank-gateway/internal/httpx.Recoverer.func1.1()",
        "\t/src/internal/httpx/recover.go:21 +0x65",
        `panic({0x${hex(r, 6)}?, 0x${hex(r, 6)}?})`,
        "\t/usr/local/go/src/runtime/panic.go:785 +0x132",
        "github.com/tallyroll/bank-gateway/internal/returns.(*Mapper).ReasonCode(...)",
        "\t/src/internal/returns/mapper.go:58",
        `github.com/tallyroll/bank-gateway/internal/returns.(*Handler).Handle(0xc000${hex(r, 6)}, {0x${hex(r, 6)}, 0xc000${hex(r, 6)}}, 0xc000${hex(r, 6)})`,
        `\t/src/internal/returns/handler.go:${pick(r, ["74", "74", "81"])} +0x${hex(r, 3)}`,
        "net/http.HandlerFunc.ServeHTTP(0xc000" +
          hex(r, 6) +
          "?, {0x" +
          hex(r, 6) +
          "?, 0xc000" +
          hex(r, 6) +
          "?}, 0xc000" +
          hex(r, 6) +
          "?)",
        "\t/usr/local/go/src/net/http/server.go:2220 +0x29",
        "github.com/tallyroll/bank-gateway/internal/httpx.Recoverer.func1({0x" +
          hex(r, 6) +
          ", 0xc000" +
          hex(r, 6) +
          "}, 0xc000" +
          hex(r, 6) +
          ")",
        "\t/src/internal/httpx/recover.go:27 +0x8b",
        "net/http.serverHandler.ServeHTTP({0xc000" + hex(r, 6) + "?}, {0x" + hex(r, 6) + "?, 0xc000" + hex(r, 6) + "?}, 0x6?)",
        "\t/usr/local/go/src/net/http/server.go:3210 +0x8e",
        "net/http.(*conn).serve(0xc000" + hex(r, 6) + ", {0x" + hex(r, 6) + ", 0xc000" + hex(r, 6) + "})",
        "\t/usr/local/go/src/net/http/server.go:2092 +0x5d0",
        "created by net/http.(*Server).Serve in goroutine 1",
        "\t/usr/local/go/src/net/http/server.go:3360 +0x485",
        "",
      ].join("\n");
      const p = `/v1/webhooks/${bank}/returns`;
      g.request(
        "P25",
        "bank-gateway",
        t,
        {
          method: "POST",
          url: gw.origin + p,
          status: 500,
          latencyS: lat,
          ua: pick(r, ["Apache-HttpClient/4.5.14 (Java/17.0.9)", "Go-http-client/2.0"]),
          remoteIp: g.publicIp(),
        },
        { inst, trace },
      );
      gwApp(
        "P25",
        during(t, lat),
        "ERROR",
        lr("panic recovered", "internal/httpx.Recoverer.func1.1", "internal/httpx/recover.go:22", {
          error: "runtime error: invalid memory address or nil pointer dereference",
          method: "POST",
          path: p,
          stack,
        }),
        { inst, trace },
      );
    }
  }

  // ---- P26 webhook signature mismatch (bank-gateway)
  {
    const pool = banks(2, 0.15);
    for (const t of hourly(r, () => 6)) {
      const bank = pool.at(r, t);
      const p = `/v1/webhooks/${bank}/${pick(r, ["payments", "payments", "returns", "mandates"])}`;
      const lat = 0.001 + r() * 0.004;
      const inst = g.instance("bank-gateway", t);
      const trace = g.trace();
      g.request(
        "P26",
        "bank-gateway",
        t,
        {
          method: "POST",
          url: gw.origin + p,
          status: 401,
          latencyS: lat,
          ua: "Apache-HttpClient/4.5.14 (Java/17.0.9)",
          remoteIp: g.publicIp(),
        },
        { inst, trace },
      );
      gwApp(
        "P26",
        during(t, lat),
        "WARNING",
        lr("webhook signature mismatch", "internal/webhooks.Verify", `internal/webhooks/verify.go:${39 + revShift(gw, t)}`, {
          bank,
          error: "hmac: signature mismatch",
          key_id: `whk_${hex(r, 8)}`,
          path: p,
        }),
        { inst, trace },
      );
    }
  }

  // ---- P27 statement export past Cloud Run's request timeout (bank-gateway, request logs only)
  {
    const pool = banks(3, 0.3);
    for (const hour of [7, 13, 19]) {
      for (const t of burst(r, hour * 60, hour * 60 + 50, int(r, 5, 11))) {
        const bank = pool.at(r, t);
        g.request("P27", "bank-gateway", t, {
          method: "GET",
          url: `${gw.origin}/v1/statements/${bank}/export?month=2026-10&format=camt053`,
          status: 504,
          latencyS: 300 + r() * 0.002,
          ua: "ktor-client",
          remoteIp: `10.8.${int(r, 0, 3)}.${int(r, 2, 250)}`,
          text: "The request has been terminated because it has reached the maximum request timeout. To change this limit, see https://cloud.google.com/run/docs/configuring/request-timeout",
        });
      }
    }
  }

  // ---- payslip-worker (python-json-logger, Celery)
  const host = "celery@localhost";
  const py = (message: string, name: string, extra: Record<string, unknown>): Record<string, unknown> => ({ message, name, ...extra });
  const failure = (task: string, id: string, exc: string, tb: string, args: string): Record<string, unknown> =>
    py(`Task ${task}[${id}] raised unexpected: ${exc}`, "celery.app.trace", {
      data: {
        args,
        description: "raised unexpected",
        exc,
        hostname: host,
        id,
        internal: false,
        kwargs: "{}",
        name: task,
        traceback: tb + "\n",
      },
      exc_info: tb,
      task_id: id,
      task_name: task,
    });

  // ---- P28 statement timeout (payslip-worker)
  {
    const tables = words(TABLES, 3, 0.45);
    const ts = [...burst(r, 60, 4 * 60, 170), ...burst(r, 12 * 60, 14 * 60, 150), ...hourly(r, (h) => 3 * DIURNAL[h]!)];
    for (const t of ts) {
      const table = tables.at(r, t);
      const [task, fn, line] = skew(r, [
        ["payroll.tasks.render_payslip", "render_payslip", 88],
        ["payroll.tasks.build_journal_export", "build_journal_export", 231],
        ["payroll.tasks.recalculate_ytd", "recalculate_ytd", 164],
      ] as const);
      const id = uuid(r);
      const pidParam = int(r, 100000, 999999);
      const sql = `SELECT ${table}.id, ${table}.payslip_id, ${table}.amount_minor, ${table}.code \nFROM ${table} \nWHERE ${table}.payslip_id = %(payslip_id_1)s`;
      const driver = "psycopg2.errors.QueryCanceled: canceling statement due to statement timeout";
      const sa = `(psycopg2.errors.QueryCanceled) canceling statement due to statement timeout\n\n[SQL: ${sql}]\n[parameters: {'payslip_id_1': ${pidParam}}]\n(Background on this error at: https://sqlalche.me/e/20/e3q8)`;
      const tb = [
        "Traceback (most recent call last):",
        `  File "${PY}/sqlalchemy/engine/base.py", line 1967, in _exec_single_context`,
        "    self.dialect.do_execute(",
        `  File "${PY}/sqlalchemy/engine/default.py", line 941, in do_execute`,
        "    cursor.execute(statement, parameters)",
        driver,
        "",
        "The above exception was the direct cause of the following exception:",
        "",
        ...celeryTop(r),
        `  File "/app/payroll/tasks.py", line ${line + (t >= svcs["payslip-worker"].revisions[1]!.fromNs ? 4 : 0)}, in ${fn}`,
        `    rows = session.execute(select(${table.replace(/(^|_)(\w)/g, (_m, _a, c: string) => c.toUpperCase())}).where(payslip_id=payslip_id)).all()`,
        `  File "${PY}/sqlalchemy/orm/session.py", line 2362, in execute`,
        "    return self._execute_internal(",
        `  File "${PY}/sqlalchemy/engine/base.py", line 1846, in _execute_context`,
        "    return self._exec_single_context(",
        `  File "${PY}/sqlalchemy/engine/base.py", line 1986, in _exec_single_context`,
        "    self._handle_dbapi_exception(",
        `  File "${PY}/sqlalchemy/engine/base.py", line 2355, in _handle_dbapi_exception`,
        "    raise sqlalchemy_exception.with_traceback(exc_info[2]) from e",
        `sqlalchemy.exc.OperationalError: ${sa}`,
      ].join("\n");
      g.app("P28", "payslip-worker", t, "ERROR", failure(task, id, `OperationalError(${pyRepr(sa)})`, tb, `(${pidParam},)`));
    }
  }

  // ---- P29 soft time limit on year-end packs (payslip-worker): Celery's warning, then the failure
  {
    const pool = tenants(8, 1.2);
    for (const t of hourly(r, (h) => 4 + 5 * DIURNAL[h]!)) {
      const task = "payroll.tasks.generate_year_end_pack";
      const id = uuid(r);
      const slug = pool.at(r, t);
      const inst = g.instance("payslip-worker", t);
      g.app("P29", "payslip-worker", t, "WARNING", py(`Soft time limit (300s) exceeded for ${task}[${id}]`, "celery.worker.request", {}), {
        inst,
      });
      const tb = [
        ...celeryTop(r),
        `  File "/app/payroll/tasks.py", line ${312 + (t >= svcs["payslip-worker"].revisions[1]!.fromNs ? 4 : 0)}, in generate_year_end_pack`,
        "    pdf = render_pack(company, employees)",
        '  File "/app/payroll/reports/year_end.py", line 57, in render_pack',
        "    return HTML(string=html, base_url=ASSETS).write_pdf()",
        `  File "${PY}/weasyprint/__init__.py", line 259, in write_pdf`,
        "    self.render(font_config, counter_style, **options)",
        `  File "${PY}/weasyprint/__init__.py", line 222, in render`,
        "    return Document._render(self, font_config, counter_style, options)",
        `  File "${PY}/weasyprint/document.py", line 256, in _render`,
        "    [Page(page_box) for page_box in page_boxes],",
        `  File "${PY}/weasyprint/layout/__init__.py", line ${pick(r, ["126", "126", "114"])}, in layout_document`,
        "    pages = list(make_all_pages(context, root_box, html, pages))",
        `  File "${PY}/billiard/pool.py", line 229, in soft_timeout_sighandler`,
        "    raise SoftTimeLimitExceeded()",
        "billiard.exceptions.SoftTimeLimitExceeded: SoftTimeLimitExceeded()",
      ].join("\n");
      g.app(
        "P29",
        "payslip-worker",
        within(t, int(r, 50, 900) * 1e6),
        "ERROR",
        failure(task, id, "SoftTimeLimitExceeded()", tb, `('${slug}', '2025-26')`),
        { inst },
      );
    }
  }

  // ---- P30 SMTP disconnects: retry lines, then the failure after max retries (payslip-worker)
  {
    const task = "payroll.tasks.send_payslip_email";
    const exc = "SMTPServerDisconnected('Connection unexpectedly closed')";
    const ts = [...burst(r, 7 * 60, 9 * 60 + 10, 190), ...hourly(r, (h) => (h >= 10 && h <= 18 ? 3 : 0))];
    for (const t0 of ts) {
      const id = uuid(r);
      const inst = g.instance("payslip-worker", t0);
      const tries = skew(r, [1, 1, 1, 2, 2, 3, 4], 1.2);
      let t = t0;
      for (let i = 0; i < tries; i++) {
        const delay = 60 * 2 ** i;
        g.app(
          "P30",
          "payslip-worker",
          t,
          "WARNING",
          py(`Task ${task}[${id}] retry: Retry in ${delay}s: ${exc}`, "payroll.celery_signals", { task_id: id, task_name: task }),
          { inst },
        );
        t = within(t, delay * 1e9 + int(r, 100, 3000) * 1e6);
      }
      if (tries === 4) {
        const tb = [
          ...celeryTop(r),
          '  File "/app/payroll/tasks.py", line 402, in send_payslip_email',
          "    mailer.send(message)",
          '  File "/app/payroll/mail.py", line 36, in send',
          "    with smtplib.SMTP(self.host, 587, timeout=20) as smtp:",
          "         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          '  File "/usr/local/lib/python3.12/smtplib.py", line 255, in __init__',
          "    (code, msg) = self.connect(host, port)",
          "                  ^^^^^^^^^^^^^^^^^^^^^^^^",
          '  File "/usr/local/lib/python3.12/smtplib.py", line 343, in connect',
          "    (code, msg) = self.getreply()",
          "                  ^^^^^^^^^^^^^^^",
          '  File "/usr/local/lib/python3.12/smtplib.py", line 405, in getreply',
          '    raise SMTPServerDisconnected("Connection unexpectedly closed")',
          "smtplib.SMTPServerDisconnected: Connection unexpectedly closed",
        ].join("\n");
        g.app("P30", "payslip-worker", t, "ERROR", failure(task, id, exc, tb, `(${int(r, 100000, 999999)},)`), { inst });
      }
    }
  }

  // ---- P31 / P32 two exception types from paye.resolve_bands (payslip-worker)
  const payeFailure = (pid: "P31" | "P32", t: number, detail: string): void => {
    const task = "payroll.tasks.calculate_paye";
    const id = uuid(r);
    const [cls, line, raise] =
      pid === "P31"
        ? ["TaxCodeError", 71, `        raise TaxCodeError(f"unrecognised tax code {code!r} for employee {employee_id}")`]
        : ["TaxTableMissing", 84, `        raise TaxTableMissing(f"no PAYE table for region {region!r} tax year {year}")`];
    const tb = [
      ...celeryTop(r),
      `  File "/app/payroll/tasks.py", line ${141 + (t >= svcs["payslip-worker"].revisions[1]!.fromNs ? 4 : 0)}, in calculate_paye`,
      "    bands = paye.resolve_bands(employee.tax_code, employee.tax_region, period.tax_year)",
      "            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
      `  File "/app/payroll/tax/paye.py", line ${line}, in resolve_bands`,
      raise,
      `payroll.tax.errors.${cls}: ${detail}`,
    ].join("\n");
    g.app(pid, "payslip-worker", t, "ERROR", failure(task, id, `${cls}(${pyRepr(detail)})`, tb, `(${int(r, 1000, 99999)}, '2026-11')`));
  };
  {
    const bad = ["K1O5L", "1257", "S1257 L", "BR1", "OTK", "1257LX", "C1257", "NTW1", "D2M", "K47S"];
    for (const t of hourly(r, (h) => 6 * DIURNAL[h]!))
      payeFailure("P31", t, `unrecognised tax code '${skew(r, bad)}' for employee ${int(r, 10000, 99999)}`);
    const regions = words(REGIONS, 1, 0.25);
    for (const t of hourly(r, (h) => 2.5 * DIURNAL[h]!))
      payeFailure("P32", t, `no PAYE table for region '${regions.at(r, t)}' tax year 2026-27`);
  }

  // ---- P33 GCS 403 on the new regional buckets since the 09:30 deploy (payslip-worker)
  {
    const worker = svcs["payslip-worker"];
    const from = worker.revisions[1]!.fromNs;
    const locales = words(LOCALES.slice(1), 2, 0.5);
    const pool = tenants(8, 1.4);
    for (const t of hourly(r, (h) => 14 * DIURNAL[h]! + 2, from)) {
      const locale = locales.at(r, t);
      const slug = pool.at(r, t);
      const bucket = `tallyroll-payslips-${locale.slice(3).toLowerCase()}`;
      const id = uuid(r);
      const task = "payroll.tasks.render_payslip";
      const inst = g.instance("payslip-worker", t);
      const forbidden = `403 POST https://storage.googleapis.com/upload/storage/v1/b/${bucket}/o?uploadType=multipart: {\n  "error": {\n    "code": 403,\n    "message": "payslip-worker@${PROJECT}.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist).",\n    "errors": [\n      {\n        "message": "payslip-worker@${PROJECT}.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist).",\n        "domain": "global",\n        "reason": "forbidden"\n      }\n    ]\n  }\n}\n: ('Request failed with status code', 403, 'Expected one of', <HTTPStatus.OK: 200>)`;
      const tbUpload = [
        "Traceback (most recent call last):",
        `  File "${PY}/google/cloud/storage/blob.py", line 2638, in _prep_and_do_upload`,
        "    created_json = self._do_upload(",
        `  File "${PY}/google/cloud/storage/blob.py", line 2444, in _do_upload`,
        "    response = self._do_multipart_upload(",
        `  File "${PY}/google/cloud/storage/blob.py", line 1956, in _do_multipart_upload`,
        "    response = upload.transmit(",
        `  File "${PY}/google/resumable_media/requests/upload.py", line 153, in transmit`,
        "    return _request_helpers.wait_and_retry(",
        `  File "${PY}/google/resumable_media/_upload.py", line 114, in _process_response`,
        "    _helpers.require_status_code(response, (http.client.OK,), self._get_status_code)",
        `  File "${PY}/google/resumable_media/_helpers.py", line 108, in require_status_code`,
        "    raise common.InvalidResponse(",
        `google.resumable_media.common.InvalidResponse: ('Request failed with status code', 403, 'Expected one of', <HTTPStatus.OK: 200>)`,
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
        '  File "/app/payroll/storage.py", line 41, in upload_payslip',
        '    blob.upload_from_string(pdf, content_type="application/pdf")',
        `  File "${PY}/google/cloud/storage/blob.py", line 2965, in upload_from_string`,
        "    self.upload_from_file(",
        `  File "${PY}/google/cloud/storage/blob.py", line 2760, in _prep_and_do_upload`,
        "    _raise_from_invalid_response(exc)",
        `  File "${PY}/google/cloud/storage/blob.py", line 4793, in _raise_from_invalid_response`,
        "    raise exceptions.from_http_status(response.status_code, message, response=response)",
        `google.api_core.exceptions.Forbidden: ${forbidden}`,
      ].join("\n");
      const objectPath = `payslips/${slug}/2026-11/${locale}/${int(r, 100000, 999999)}.pdf`;
      g.app(
        "P33",
        "payslip-worker",
        t,
        "ERROR",
        py(`Upload of payslip PDF to gs://${bucket}/${objectPath} failed`, "payroll.storage", {
          exc_info: tbUpload,
          task_id: id,
          task_name: task,
        }),
        { inst },
      );
      const tbTask = [
        ...celeryTop(r),
        '  File "/app/payroll/tasks.py", line 96, in render_payslip',
        "    storage.upload_payslip(bucket, path, pdf)",
        ...tbUpload.split("\n").slice(18),
      ].join("\n");
      g.app(
        "P33",
        "payslip-worker",
        within(t, int(r, 2, 40) * 1e6),
        "ERROR",
        failure(task, id, `Forbidden(${pyRepr(forbidden)})`, tbTask, `(${int(r, 100000, 999999)},)`),
        { inst },
      );
    }
  }

  // ---- P34 broker lost at 19:02 (payslip-worker)
  {
    const worker = svcs["payslip-worker"];
    for (const inst of revisionAt(worker, 19 * NS_HOUR).instances) {
      let t = (19 * 60 + 2) * NS_MIN + int(r, 0, 20_000) * 1e6;
      const lostTb = [
        "Traceback (most recent call last):",
        `  File "${PY}/celery/worker/consumer/consumer.py", line 340, in start`,
        "    blueprint.start(self)",
        `  File "${PY}/celery/bootsteps.py", line 116, in start`,
        "    step.start(parent)",
        `  File "${PY}/celery/worker/consumer/consumer.py", line 746, in start`,
        "    c.loop(*c.loop_args())",
        `  File "${PY}/celery/worker/loops.py", line 97, in asynloop`,
        "    next(loop)",
        `  File "${PY}/kombu/asynchronous/hub.py", line 373, in create_loop`,
        "    cb(*cbargs)",
        `  File "${PY}/kombu/transport/redis.py", line 1344, in on_readable`,
        "    self.cycle.on_readable(fileno)",
        `  File "${PY}/redis/connection.py", line 558, in read_response`,
        "    response = self._parser.read_response(disable_decoding=disable_decoding)",
        `  File "${PY}/redis/_parsers/resp2.py", line 15, in read_response`,
        "    result = self._read_response(disable_decoding=disable_decoding)",
        `  File "${PY}/redis/_parsers/socket.py", line 115, in _read_from_socket`,
        "    raise ConnectionError(SERVER_CLOSED_CONNECTION_ERROR)",
        "redis.exceptions.ConnectionError: Connection closed by server.",
      ].join("\n");
      g.app(
        "P34",
        "payslip-worker",
        t,
        "WARNING",
        py("consumer: Connection to broker lost. Trying to re-establish the connection...", "celery.worker.consumer.consumer", {
          exc_info: lostTb,
        }),
        { inst },
      );
      const tries = int(r, 9, 14);
      for (let i = 1; i <= tries; i++) {
        const wait = Math.min(2 * i, 30);
        t = within(t, int(r, 5, 40) * 1e6 + (i === 1 ? 0 : Math.min(2 * (i - 1), 30) * 1e9));
        g.app(
          "P34",
          "payslip-worker",
          t,
          "ERROR",
          py(
            `consumer: Cannot connect to redis://10.40.0.4:6379/0: Error 111 connecting to 10.40.0.4:6379. Connection refused..\nTrying again in ${wait.toFixed(2)} seconds... (${i}/100)\n`,
            "celery.worker.consumer.consumer",
            {},
          ),
          { inst },
        );
      }
    }
  }

  // ---- assemble: sort, give insertIds in day order, split by hour
  const all = g.out.filter((x) => x.ns >= 0 && x.ns < NS_DAY).sort((a, b) => a.ns - b.ns);
  const counts: Record<string, number[]> = Object.fromEntries(PROBLEMS.map((p) => [p.id, Array.from({ length: 24 }, () => 0)]));
  const lines: string[][] = Array.from({ length: 24 }, () => []);
  all.forEach((x, i) => {
    const h = Math.floor(x.ns / NS_HOUR);
    x.entry.insertId = `${MARK}${x.pid.slice(1)}-${i.toString(36)}${hex(r, 8)}`;
    counts[x.pid]![h]!++;
    lines[h]!.push(JSON.stringify(x.entry, sortKeys));
  });
  return {
    problems: PROBLEMS,
    counts,
    hours: lines.map((ls) => (ls.length ? ls.join("\n") + "\n" : "")),
  };
}

export function problemOfInsertId(insertId: unknown): string | undefined {
  if (typeof insertId !== "string") return undefined;
  const m = /^hz(\d{2})-[0-9a-z]+$/.exec(insertId);
  if (!m) return undefined;
  const id = `P${m[1]}`;
  return PROBLEMS.some((p) => p.id === id) ? id : undefined;
}

export function writeDay(day: Day, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  day.hours.forEach((text, h) => fs.writeFileSync(path.join(dir, `hour-${String(h).padStart(2, "0")}.jsonl`), text));
  const truth = {
    day: DAY,
    problems: day.problems.map((p) => ({ id: p.id, service: p.service, about: p.about, counts: day.counts[p.id] ?? [] })),
  };
  fs.writeFileSync(path.join(dir, "truth.json"), JSON.stringify(truth, null, 2) + "\n");
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf("--seed");
  const dir = args.find((a, i) => !a.startsWith("--") && (seedAt < 0 || i !== seedAt + 1)) ?? "heldout-day-8";
  const day = buildDay(seedAt >= 0 ? Number(args[seedAt + 1]) : undefined);
  writeDay(day, dir);
  const total = Object.values(day.counts).reduce((a, xs) => a + xs.reduce((s, n) => s + n, 0), 0);
  process.stdout.write(`wrote ${day.problems.length} problems, ${total} entries over 24 hours to ${dir}\n`);
}
