/**
 * Seventh held-out day: 2026-11-24 at Tidewell, a US telehealth company (virtual primary care,
 * behavioural health and specialist visits for partner clinics), written from how its four Cloud
 * Run services log, not from how any clusterer works.
 *
 * Services (project `tidewell-prod`, region us-east4):
 * - `intake-api`: Python 3.12 FastAPI under uvicorn. Patient intake forms, appointment slots and
 *   insurance eligibility checks. structlog with merge_contextvars (request_id, tenant, plan),
 *   add_log_level, TimeStamper(iso), format_exc_info, an EventRenamer("message") and a processor
 *   renaming `level` to an upper-case `severity`, then JSONRenderer. uvicorn's own loggers
 *   (`uvicorn.error`) go through structlog's ProcessorFormatter, so "Exception in ASGI
 *   application" and "Invalid HTTP request received." are JSON lines too. The `exception` field
 *   holds the formatted traceback, chained exceptions included.
 * - `claims-ledger`: .NET 8 ASP.NET Core. Claims submission to the clearinghouse, ERA/835
 *   remittance posting. The JSON console formatter (Timestamp, EventId, LogLevel, Category,
 *   Message, Exception, State) wrapped by a small formatter that adds `severity` and `message`
 *   for Cloud Logging. EF Core with Npgsql, Polly v8 through Microsoft.Extensions.Http.Resilience.
 * - `visit-relay`: Go 1.23, uber-go/zap production config adapted for Cloud Logging (LevelKey
 *   `severity` with WARNING/ERROR/CRITICAL names, MessageKey `message`, TimeKey `time` in RFC 3339
 *   which the agent consumes, `caller`, `stacktrace` on ERROR, named loggers). Video-visit
 *   signalling on pion/webrtc, recording uploads to Cloud Storage, Pub/Sub events, flagd flags.
 * - `care-threads`: Elixir 1.17 / Phoenix 1.7 on Plug.Cowboy, Logger with the logger_json
 *   GoogleCloud formatter (sourceLocation and operation promoted by the agent; crash reports as
 *   Error Reporting events with `stack_trace`). Ecto/Postgrex, DBConnection, Oban, LiveView.
 *
 * Cloud Run adds request logs (`run.googleapis.com/requests`, httpRequest only; 4xx WARNING, 5xx
 * ERROR) and its own texts for requests it aborts or times out.
 *
 * A problem is one root cause an on-call engineer would fix once; all the entries it causes
 * (an app line and the request log of the same failing request, or two library lines of one
 * misconfiguration) belong to it. The only ground-truth marker is the insertId:
 * `hy<NN>-<seq base36><8 hex>` names problem P<NN>; seq follows the day's timestamp order.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { hex, int, pick, rng, type Rng } from "../seeded-random";

export { rng };

export const DAY = "2026-11-24";
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

export const SERVICE_NAMES = ["intake-api", "claims-ledger", "visit-relay", "care-threads"] as const;
type Svc = (typeof SERVICE_NAMES)[number];

const MARKER = "hy";
const PROJECT = "tidewell-prod";
const LOCATION = "us-east4";
const MS = 1_000_000; // ns per ms
const SEC = 1000 * MS;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY_NS = 24 * HOUR;
const hm = (h: number, m: number, s = 0): number => h * HOUR + m * MIN + s * SEC;

// ---------------------------------------------------------------------------------------------
// Services, revisions, instances

interface SvcInfo {
  readonly url: string;
  readonly deploys: readonly (readonly [number, number])[]; // [ns from day start, revision number]
}

const SVCS: Record<Svc, SvcInfo> = {
  "intake-api": {
    url: "https://intake-api-q3vzl7xkba-uk.a.run.app",
    deploys: [
      [0, 41],
      [hm(9, 40, 12), 42],
      [hm(17, 15, 48), 43],
    ],
  },
  "claims-ledger": {
    url: "https://claims-ledger-q3vzl7xkba-uk.a.run.app",
    deploys: [
      [0, 87],
      [hm(13, 5, 31), 88],
    ],
  },
  "visit-relay": {
    url: "https://visit-relay-q3vzl7xkba-uk.a.run.app",
    deploys: [
      [0, 214],
      [hm(16, 30, 5), 215],
      [hm(21, 2, 40), 216],
    ],
  },
  "care-threads": {
    url: "https://care-threads-q3vzl7xkba-uk.a.run.app",
    deploys: [
      [0, 132],
      [hm(11, 20, 0), 133],
    ],
  },
};

const revName = (svc: Svc, n: number): string => `${svc}-${String(n).padStart(5, "0")}-xyz`;

function revisionAt(svc: Svc, ns: number): number {
  let rev = SVCS[svc].deploys[0]![1];
  for (const [at, n] of SVCS[svc].deploys) if (ns >= at) rev = n;
  return rev;
}

interface Where {
  readonly svc: Svc;
  readonly rev: number;
  readonly instance: string;
}

// ---------------------------------------------------------------------------------------------
// Small value helpers

/** Skewed pick: the first values carry most of the traffic. */
const skew = <T>(r: Rng, xs: readonly T[], power = 2.2): T => xs[Math.min(xs.length - 1, Math.floor(xs.length * Math.pow(r(), power)))]!;

/** A pool of word values that grows during the day: [from hour, values]. */
type Grow = readonly (readonly [number, readonly string[]])[];

function grow(r: Rng, h: number, pool: Grow): string {
  const base = pool[0]![1];
  const added = pool.slice(1).filter(([from]) => from <= h);
  if (added.length > 0 && r() < 0.35) {
    const latest = added.flatMap(([, xs]) => xs);
    return skew(r, latest.slice().reverse(), 1.4);
  }
  return skew(r, base);
}

const uuid = (r: Rng): string => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${pick(r, ["8", "9", "a", "b"])}${hex(r, 3)}-${hex(r, 12)}`;
const ip = (r: Rng): string =>
  `${pick(r, [24, 67, 73, 98, 104, 108, 172, 174, 184, 209])}.${int(r, 1, 254)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
const B32 = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
const kestrelId = (r: Rng): string => "0HN" + Array.from({ length: 10 }, () => B32[int(r, 0, 31)]).join("");
const pid = (r: Rng): string => `#PID<0.${int(r, 1200, 98000)}.0>`;
const latency = (seconds: number): string => `${seconds.toFixed(6)}s`;
const money = (r: Rng): string => (int(r, 4500, 98000) / 100).toFixed(2);
const claimId = (r: Rng): string => `CLM-${int(r, 24, 26)}${String(int(r, 0, 999999)).padStart(6, "0")}`;

function isoAt(ns: number, digits: number): string {
  const ms = Math.floor(ns / MS);
  const base = new Date(DAY_START + ms).toISOString().slice(0, 19);
  const frac = String(((ns % SEC) + SEC) % SEC).padStart(9, "0");
  return `${base}.${frac.slice(0, digits)}Z`;
}

// ---------------------------------------------------------------------------------------------
// Word pools (skewed; later hours bring values earlier hours never had)

const CLINICS: Grow = [
  [
    0,
    [
      "northgate-family",
      "bayview-pediatrics",
      "cedar-behavioral",
      "harbor-womens-health",
      "lakeside-primary",
      "mesa-urgent-care",
      "pinecrest-therapy",
    ],
  ],
  [9, ["willowbrook-ortho", "summit-dermatology"]],
  [14, ["riverbend-cardiology", "oakhaven-sleep"]],
  [19, ["foxglove-psychiatry", "tamarack-endocrine"]],
];
const PAYERS: Grow = [
  [0, ["aetna", "cigna", "humana", "anthem", "unitedhealthcare", "kaiser", "molina"]],
  [10, ["oscar", "ambetter"]],
  [16, ["highmark", "wellcare"]],
  [20, ["caresource"]],
];
const MISSING_LOCALES: Grow = [
  [0, ["ht-HT"]],
  [11, ["tl-PH"]],
  [15, ["ko-KR", "pa-IN"]],
];
const PLANS = ["essentials", "complete", "employer-plus", "family"] as const;
const CACHE_PREFIXES: Grow = [
  [0, ["slots", "provider-avail", "elig", "intake-form"]],
  [12, ["clinic-hours", "copay-estimate"]],
];
const FLAGS: Grow = [
  [0, ["adaptive-bitrate", "e2ee-rooms", "waiting-room-redesign", "simulcast-layers"]],
  [11, ["noise-suppression", "live-captions"]],
  [17, ["virtual-background", "interpreter-bridge"]],
];
const TOPICS: Grow = [
  [0, ["visit-events", "recording-ready"]],
  [15, ["transcript-ready"]],
  [20, ["caption-segments"]],
];
const BUCKETS: Grow = [
  [0, ["tidewell-recordings-west"]],
  [16, ["tidewell-recordings-central"]],
];
const EHRS: Grow = [
  [0, ["athenahealth", "eclinicalworks", "nextgen", "drchrono"]],
  [10, ["elation"]],
  [18, ["practicefusion", "kareo"]],
];
const UNIQUE_TABLES: Grow = [
  [0, ["thread_participants", "message_reads", "note_signatures"]],
  [13, ["care_team_members"]],
  [18, ["attachment_links"]],
];
const UNIQUE_COLS: Record<string, string> = {
  thread_participants: "thread_id, user_id",
  message_reads: "message_id, user_id",
  note_signatures: "note_id, signer_id",
  care_team_members: "patient_id, clinician_id",
  attachment_links: "attachment_id, message_id",
};
const CLINICIANS: Grow = [
  [0, ["dr.okafor", "np.lindqvist", "dr.marquez", "lcsw.bennett", "dr.hayashi", "pa.whitfield"]],
  [12, ["dr.abernathy", "np.castellanos"]],
  [19, ["lmft.oyelaran"]],
];
const REASON_CODES = ["CO-45", "CO-253", "PR-3", "OA-23", "CO-97", "PR-204", "CO-16", "CO-B7"] as const;

const BROWSERS = [
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Tidewell/5.12.0 (iPhone; iOS 18.1; Scale/3.00)",
  "Tidewell/5.12.0 (Android 14; SM-S918U)",
  "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
] as const;

// ---------------------------------------------------------------------------------------------
// Entry framing

interface Raw {
  readonly ns: number;
  readonly p: number;
  readonly obj: Record<string, unknown>;
}

type Sev = "WARNING" | "ERROR" | "CRITICAL";

function frame(w: Where, ns: number, sev: Sev, log: "stdout" | "stderr" | "requests", r: Rng): Record<string, unknown> {
  return {
    timestamp: isoAt(ns, 9),
    receiveTimestamp: isoAt(ns + int(r, 4, 900) * MS + int(r, 0, 999999), 9),
    severity: sev,
    logName: `projects/${PROJECT}/logs/run.googleapis.com%2F${log}`,
    resource: {
      type: "cloud_run_revision",
      labels: {
        configuration_name: w.svc,
        location: LOCATION,
        project_id: PROJECT,
        revision_name: revName(w.svc, w.rev),
        service_name: w.svc,
      },
    },
    labels: { instanceId: w.instance },
  };
}

interface ReqSpec {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly seconds: number;
  readonly ua?: string;
  readonly referer?: string;
  readonly text?: string;
  readonly trace?: string;
  readonly reqSize?: number;
  readonly respSize?: number;
  readonly remoteIp?: string;
}

class Gen {
  readonly out: Raw[] = [];
  private readonly instances = new Map<string, string[]>();
  constructor(readonly r: Rng) {}

  where(svc: Svc, ns: number): Where {
    const rev = revisionAt(svc, ns);
    const key = `${svc}/${rev}`;
    let xs = this.instances.get(key);
    if (!xs) {
      xs = Array.from({ length: int(this.r, 2, 5) }, () => "00" + hex(this.r, 94));
      this.instances.set(key, xs);
    }
    return { svc, rev, instance: skew(this.r, xs, 1.5) };
  }

  trace(): string {
    return `projects/${PROJECT}/traces/${hex(this.r, 32)}`;
  }

  /** A structured line: severity promoted, the special keys moved out of jsonPayload. */
  json(p: number, w: Where, ns: number, sev: Sev, log: "stdout" | "stderr", payload: Record<string, unknown>): void {
    const obj = frame(w, ns, sev, log, this.r);
    const body: Record<string, unknown> = { ...payload };
    const moves: readonly (readonly [string, string])[] = [
      ["logging.googleapis.com/sourceLocation", "sourceLocation"],
      ["logging.googleapis.com/trace", "trace"],
      ["logging.googleapis.com/spanId", "spanId"],
      ["logging.googleapis.com/operation", "operation"],
      ["httpRequest", "httpRequest"],
    ];
    for (const [from, to] of moves) {
      if (body[from] !== undefined) {
        obj[to] = body[from];
        delete body[from];
      }
    }
    const labels = body["logging.googleapis.com/labels"];
    if (labels && typeof labels === "object") {
      obj.labels = { ...(labels as Record<string, unknown>), instanceId: w.instance };
      delete body["logging.googleapis.com/labels"];
    }
    obj.jsonPayload = body;
    this.out.push({ ns, p, obj });
  }

  /** A Cloud Run request log entry. */
  request(p: number, w: Where, ns: number, q: ReqSpec): void {
    const r = this.r;
    const sev: Sev = q.status >= 500 ? "ERROR" : "WARNING";
    const obj = frame(w, ns, sev, "requests", r);
    const http: Record<string, unknown> = {
      requestMethod: q.method,
      requestUrl: `${SVCS[w.svc].url}${q.path}`,
      requestSize: String(q.reqSize ?? int(r, 280, 2400)),
      status: q.status,
      responseSize: String(q.respSize ?? int(r, 90, 1400)),
      userAgent: q.ua ?? skew(r, BROWSERS, 1.6),
      remoteIp: q.remoteIp ?? ip(r),
      serverIp: pick(r, ["216.239.32.53", "216.239.34.53", "216.239.36.53", "216.239.38.53"]),
      latency: latency(q.seconds),
      protocol: pick(r, ["HTTP/1.1", "HTTP/1.1", "HTTP/2"]),
    };
    if (q.referer) http.referer = q.referer;
    obj.httpRequest = http;
    obj.trace = q.trace ?? this.trace();
    obj.spanId = hex(r, 16);
    if (q.text) obj.textPayload = q.text;
    this.out.push({ ns, p, obj });
  }
}

// ---------------------------------------------------------------------------------------------
// Python (structlog + uvicorn) shapes

const SP = "/usr/local/lib/python3.12/site-packages";

function pyFrame(file: string, line: number, fn: string, code: string, caret?: string): string {
  return `  File "${file}", line ${line}, in ${fn}\n    ${code}\n${caret ? `    ${caret}\n` : ""}`;
}

function asgiFrames(): string {
  return (
    pyFrame(
      `${SP}/uvicorn/protocols/http/httptools_impl.py`,
      409,
      "run_asgi",
      "result = await app(  # type: ignore[func-returns-value]",
      "         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    ) +
    pyFrame(
      `${SP}/uvicorn/middleware/proxy_headers.py`,
      60,
      "__call__",
      "return await self.app(scope, receive, send)",
      "       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    ) +
    pyFrame(`${SP}/fastapi/applications.py`, 1054, "__call__", "await super().__call__(scope, receive, send)") +
    pyFrame(`${SP}/starlette/applications.py`, 113, "__call__", "await self.middleware_stack(scope, receive, send)") +
    pyFrame(`${SP}/starlette/middleware/errors.py`, 187, "__call__", "raise exc") +
    pyFrame(`${SP}/starlette/middleware/errors.py`, 165, "__call__", "await self.app(scope, receive, _send)") +
    pyFrame("/app/intake/middleware/context.py", 38, "__call__", "await self.app(scope, receive, send)") +
    pyFrame(
      `${SP}/starlette/middleware/exceptions.py`,
      62,
      "__call__",
      "await wrap_app_handling_exceptions(self.app, conn)(scope, receive, send)",
    ) +
    pyFrame(`${SP}/starlette/_exception_handler.py`, 53, "wrapped_app", "raise exc") +
    pyFrame(`${SP}/starlette/_exception_handler.py`, 42, "wrapped_app", "await app(scope, receive, sender)") +
    pyFrame(`${SP}/starlette/routing.py`, 715, "__call__", "await self.middleware_stack(scope, receive, send)") +
    pyFrame(`${SP}/starlette/routing.py`, 735, "app", "await route.handle(scope, receive, send)") +
    pyFrame(`${SP}/starlette/routing.py`, 288, "handle", "await self.app(scope, receive, send)") +
    pyFrame(`${SP}/starlette/routing.py`, 76, "app", "await wrap_app_handling_exceptions(app, request)(scope, receive, send)") +
    pyFrame(`${SP}/starlette/_exception_handler.py`, 53, "wrapped_app", "raise exc") +
    pyFrame(`${SP}/starlette/_exception_handler.py`, 42, "wrapped_app", "await app(scope, receive, sender)") +
    pyFrame(`${SP}/starlette/routing.py`, 73, "app", "response = await f(request)", "           ^^^^^^^^^^^^^^^^") +
    pyFrame(
      `${SP}/fastapi/routing.py`,
      301,
      "app",
      "raw_response = await run_endpoint_function(",
      "               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    ) +
    pyFrame(
      `${SP}/fastapi/routing.py`,
      212,
      "run_endpoint_function",
      "return await dependant.call(**values)",
      "       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    )
  );
}

/** Line numbers of app frames shift a little from revision to revision. */
const shift = (rev: number, base: number): number => base + (rev - 41) * 3;

function pyPayload(
  ns: number,
  logger: string,
  message: string,
  ctx: Record<string, unknown>,
  trace?: string,
  exception?: string,
): Record<string, unknown> {
  const o: Record<string, unknown> = { message, logger, timestamp: isoAt(ns, 6), ...ctx };
  if (trace) o["logging.googleapis.com/trace"] = trace;
  if (exception) o.exception = exception.replace(/\n$/, "");
  return o;
}

// ---------------------------------------------------------------------------------------------
// .NET shapes

function dotnetPayload(
  ns: number,
  level: "Warning" | "Error" | "Critical",
  category: string,
  eventId: number,
  template: string,
  args: Record<string, unknown>,
  exception?: string,
): Record<string, unknown> {
  const message = template.replace(/\{([A-Za-z]+)(?::[^}]*)?\}/g, (_, k: string) => String(args[k] ?? ""));
  const o: Record<string, unknown> = {
    Timestamp: isoAt(ns, 3),
    EventId: eventId,
    LogLevel: level,
    Category: category,
    Message: message,
    message,
    State: { Message: message, ...args, "{OriginalFormat}": template },
  };
  if (exception) o.Exception = exception;
  return o;
}

const NPGSQL_READ = [
  "   at Npgsql.Internal.NpgsqlConnector.ReadMessageLong(Boolean async, DataRowLoadingMode dataRowLoadingMode, Boolean readingNotifications, Boolean isReadingPrependedMessage)",
  "   at System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder`1.StateMachineBox`1.System.Threading.Tasks.Sources.IValueTaskSource<TResult>.GetResult(Int16 token)",
  "   at Npgsql.NpgsqlDataReader.NextResult(Boolean async, Boolean isConsuming, CancellationToken cancellationToken)",
  "   at Npgsql.NpgsqlDataReader.NextResult(Boolean async, Boolean isConsuming, CancellationToken cancellationToken)",
  "   at Npgsql.NpgsqlCommand.ExecuteReader(Boolean async, CommandBehavior behavior, CancellationToken cancellationToken)",
  "   at Npgsql.NpgsqlCommand.ExecuteReader(Boolean async, CommandBehavior behavior, CancellationToken cancellationToken)",
  "   at Npgsql.NpgsqlCommand.ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)",
  "   at Microsoft.EntityFrameworkCore.Storage.RelationalCommand.ExecuteReaderAsync(RelationalCommandParameterObject parameterObject, CancellationToken cancellationToken)",
];

const EF_SAVE = [
  "   at Microsoft.EntityFrameworkCore.Update.ReaderModificationCommandBatch.ExecuteAsync(IRelationalConnection connection, CancellationToken cancellationToken)",
  "   at Microsoft.EntityFrameworkCore.Update.Internal.BatchExecutor.ExecuteAsync(IEnumerable`1 commandBatches, IRelationalConnection connection, CancellationToken cancellationToken)",
  "   at Microsoft.EntityFrameworkCore.Update.Internal.BatchExecutor.ExecuteAsync(IEnumerable`1 commandBatches, IRelationalConnection connection, CancellationToken cancellationToken)",
  "   at Microsoft.EntityFrameworkCore.Storage.RelationalDatabase.SaveChangesAsync(IList`1 entries, CancellationToken cancellationToken)",
  "   at Microsoft.EntityFrameworkCore.ChangeTracking.Internal.StateManager.SaveChangesAsync(IList`1 entriesToSave, CancellationToken cancellationToken)",
  "   at Microsoft.EntityFrameworkCore.ChangeTracking.Internal.StateManager.SaveChangesAsync(StateManager stateManager, Boolean acceptAllChangesOnSuccess, CancellationToken cancellationToken)",
  "   at Npgsql.EntityFrameworkCore.PostgreSQL.Storage.Internal.NpgsqlExecutionStrategy.ExecuteAsync[TState,TResult](TState state, Func`4 operation, Func`4 verifySucceeded, CancellationToken cancellationToken)",
  "   at Microsoft.EntityFrameworkCore.DbContext.SaveChangesAsync(Boolean acceptAllChangesOnSuccess, CancellationToken cancellationToken)",
];

// ---------------------------------------------------------------------------------------------
// Go (zap) shapes

const GOMOD = "github.com/tidewell/visit-relay";

function goStack(frames: readonly (readonly [string, string, number])[]): string {
  return frames.map(([fn, file, line]) => `${fn}\n\t${file}:${line}`).join("\n");
}

const goShift = (rev: number, base: number): number => base + (rev - 214) * 2;

// ---------------------------------------------------------------------------------------------
// Elixir (logger_json GoogleCloud) shapes

const CT_VSN = (rev: number): string => (rev >= 133 ? "0.9.4" : "0.9.3");

function exFrames(frames: readonly string[]): string {
  // logger_json rewrites Exception.format_stacktrace/1 lines into Ruby's "file:line:in `fun'" form.
  return frames
    .map((l) => {
      const m = /^(.+):(\d+): (.*)$/.exec(`    ${l}`);
      return m ? `${m[1]}:${m[2]}:in \`${m[3]}'` : l;
    })
    .join("\n");
}

function exCrash(
  banner: string,
  message: string,
  frames: readonly string[],
  rev: number,
  http?: Record<string, unknown>,
): Record<string, unknown> {
  const o: Record<string, unknown> = {
    "@type": "type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent",
    stack_trace: `${banner}\n${exFrames(frames)}\n`,
    message,
    context: http ? { httpRequest: http } : {},
    serviceContext: { service: "care-threads", version: CT_VSN(rev) },
  };
  if (http) o.httpRequest = http;
  return o;
}

function exSource(file: string, line: number, fn: string): Record<string, unknown> {
  return { file, function: fn, line: String(line) };
}

// ---------------------------------------------------------------------------------------------
// Rates

/** US telehealth traffic by UTC hour (peaks 13–23 UTC, quiet 04–10 UTC). */
const DIURNAL = [
  0.7, 0.55, 0.4, 0.25, 0.14, 0.1, 0.1, 0.12, 0.2, 0.35, 0.55, 0.75, 0.9, 1, 1, 1, 0.95, 0.9, 0.85, 0.8, 0.8, 0.78, 0.72, 0.7,
];

type Rate = (r: Rng, h: number) => number;
const jitter = (r: Rng): number => 0.75 + 0.5 * r();
const steady =
  (peak: number, nightPower = 1): Rate =>
  (r, h) =>
    Math.round(peak * Math.pow(DIURNAL[h]!, nightPower) * jitter(r));
const flat =
  (n: number): Rate =>
  (r) =>
    Math.max(0, Math.round(n * jitter(r)));
const exact =
  (byHour: Readonly<Record<number, number>>): Rate =>
  (_r, h) =>
    byHour[h] ?? 0;

interface Spec {
  readonly n: number;
  readonly service: Svc;
  readonly name: string;
  readonly about: string;
  readonly rate: Rate;
  readonly from?: number;
  readonly until?: number;
  /** Minutes around a per-hour centre the events crowd into (bursts), else spread over the hour. */
  readonly clump?: number;
  /** Latest offset an event's second entry lands after its first (so the day never overflows). */
  readonly tail?: number;
  readonly emit: (g: Gen, ns: number, h: number) => void;
}

// ---------------------------------------------------------------------------------------------
// The problems

function specs(r0: Rng): Spec[] {
  // Burst hours differ by seed; a few are pinned to the day's story (deploys, maintenance).
  const peakHours = [13, 14, 15, 16, 17, 18, 19, 20];
  const poolBursts = [pick(r0, peakHours), pick(r0, [21, 22, 12])];
  const redisHours = [pick(r0, [2, 3, 4]), pick(r0, [14, 15])];
  const batchHours = [2, 6, 10, 14, 18, 22];
  const reportBursts = [pick(r0, [11, 12]), pick(r0, [19, 20])];
  const pubsubBursts = [pick(r0, [1, 2]), pick(r0, [13, 14]), pick(r0, [18, 19, 20])];
  const ectoBursts = [pick(r0, [14, 15, 16]), pick(r0, [20, 21])];
  const dbFailover = [redisHours[0]!, 17];

  const evening = [
    0.8, 0.55, 0.35, 0.2, 0.12, 0.08, 0.06, 0.06, 0.1, 0.2, 0.35, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1, 1, 1, 0.95, 0.85,
  ];

  return [
    // ---------------------------------------------------------------- intake-api (Python)
    {
      n: 1,
      service: "intake-api",
      name: "SQLAlchemy QueuePool exhausted on slot search",
      about:
        "The async SQLAlchemy engine's pool (size 10, overflow 20) runs dry under the morning booking rush; slot searches wait 30 s, uvicorn logs 'Exception in ASGI application' with sqlalchemy.exc.TimeoutError and Cloud Run records the 500.",
      rate: (r, h) => (poolBursts.includes(h) ? int(r, 110, 170) : h >= 12 && h <= 21 && r() < 0.5 ? int(r, 1, 4) : 0),
      clump: 9,
      tail: 40 * SEC,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("intake-api", ns);
        const tenant = grow(r, h, CLINICS);
        const trace = g.trace();
        const route = skew(r, [
          ["list_slots", "/slots", 88, "rows = (await session.execute(stmt)).scalars().all()"],
          ["hold_slot", "/slots/hold", 131, "slot = await session.get(Slot, body.slot_id, with_for_update=True)"],
          ["provider_availability", "/providers/availability", 57, "result = await session.execute(query)"],
        ] as const);
        const secs = 30 + r() * 0.4;
        const exc =
          "Traceback (most recent call last):\n" +
          asgiFrames() +
          pyFrame(`/app/intake/routes/appointments.py`, shift(w.rev, route[2]), route[0], route[3]) +
          pyFrame(
            `${SP}/sqlalchemy/ext/asyncio/session.py`,
            461,
            "execute",
            "result = await greenlet_spawn(",
            "         ^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(
            `${SP}/sqlalchemy/util/_concurrency_py3k.py`,
            201,
            "greenlet_spawn",
            "result = context.throw(*sys.exc_info())",
            "         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(`${SP}/sqlalchemy/orm/session.py`, 2351, "execute", "return self._execute_internal(", "       ^^^^^^^^^^^^^^^^^^^^^^^") +
          pyFrame(
            `${SP}/sqlalchemy/orm/session.py`,
            2226,
            "_execute_internal",
            "conn = self._connection_for_bind(bind)",
            "       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(`${SP}/sqlalchemy/engine/base.py`, 3276, "_connection_for_bind", "return self._connection_cls(self)") +
          pyFrame(
            `${SP}/sqlalchemy/pool/base.py`,
            1263,
            "_checkout",
            "fairy = _ConnectionRecord.checkout(pool)",
            "        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(`${SP}/sqlalchemy/pool/base.py`, 712, "checkout", "rec = pool._do_get()", "      ^^^^^^^^^^^^^^") +
          pyFrame(`${SP}/sqlalchemy/pool/impl.py`, 168, "_do_get", "raise exc.TimeoutError(") +
          "sqlalchemy.exc.TimeoutError: QueuePool limit of size 10 overflow 20 reached, connection timed out, timeout 30.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)";
        const rid = uuid(r);
        g.request(1, w, ns, {
          method: route[0] === "hold_slot" ? "POST" : "GET",
          path: `/v1/clinics/${tenant}${route[1]}${route[0] === "hold_slot" ? "" : `?date=2026-11-${int(r, 24, 30)}&visit_type=${pick(r, ["new-patient", "follow-up", "therapy"])}`}`,
          status: 500,
          seconds: secs + 0.01,
          trace,
        });
        g.json(
          1,
          w,
          ns + Math.floor(secs * SEC),
          "ERROR",
          "stderr",
          pyPayload(ns + Math.floor(secs * SEC), "uvicorn.error", "Exception in ASGI application", { request_id: rid, tenant }, trace, exc),
        );
      },
    },
    {
      n: 2,
      service: "intake-api",
      name: "eligibility clearinghouse read timeouts (httpx.ReadTimeout)",
      about:
        "Real-time 270/271 eligibility calls to the clearinghouse time out reading the response; the client logs 'eligibility check failed' with an httpcore.ReadTimeout chained into httpx.ReadTimeout and patient-facing checks return 502.",
      rate: steady(50),
      tail: 20 * SEC,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("intake-api", ns);
        const payer = grow(r, h, PAYERS);
        const tenant = grow(r, h, CLINICS);
        const trace = g.trace();
        const secs = 15 + r() * 0.2;
        const exc =
          "Traceback (most recent call last):\n" +
          pyFrame(`${SP}/httpx/_transports/default.py`, 101, "map_httpcore_exceptions", "yield") +
          pyFrame(
            `${SP}/httpx/_transports/default.py`,
            394,
            "handle_async_request",
            "resp = await self._pool.handle_async_request(req)",
            "       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(`${SP}/httpcore/_async/connection_pool.py`, 256, "handle_async_request", "raise exc from None") +
          pyFrame(
            `${SP}/httpcore/_async/connection_pool.py`,
            236,
            "handle_async_request",
            "response = await connection.handle_async_request(",
            "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(`${SP}/httpcore/_async/http11.py`, 136, "handle_async_request", "raise exc") +
          pyFrame(
            `${SP}/httpcore/_async/http11.py`,
            217,
            "_receive_event",
            "data = await self._network_stream.read(",
            "       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(`${SP}/httpcore/_backends/anyio.py`, 32, "read", "with map_exceptions(exc_map):") +
          pyFrame("/usr/local/lib/python3.12/contextlib.py", 158, "__exit__", "self.gen.throw(value)") +
          pyFrame(`${SP}/httpcore/_exceptions.py`, 14, "map_exceptions", "raise to_exc(exc) from exc") +
          "httpcore.ReadTimeout\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n" +
          pyFrame(
            "/app/intake/eligibility/client.py",
            shift(w.rev, 74),
            "check",
            "resp = await self._http.post(url, json=payload, timeout=self._timeout)",
            "       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(`${SP}/httpx/_client.py`, 1905, "post", "return await self.request(", "       ^^^^^^^^^^^^^^^^^^^") +
          pyFrame(
            `${SP}/httpx/_client.py`,
            1585,
            "request",
            "return await self.send(request, auth=auth, follow_redirects=follow_redirects)",
            "       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(
            `${SP}/httpx/_client.py`,
            1674,
            "send",
            "response = await self._send_handling_auth(",
            "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(
            `${SP}/httpx/_client.py`,
            1776,
            "_send_single_request",
            "response = await transport.handle_async_request(request)",
            "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(`${SP}/httpx/_transports/default.py`, 393, "handle_async_request", "with map_httpcore_exceptions():") +
          pyFrame("/usr/local/lib/python3.12/contextlib.py", 158, "__exit__", "self.gen.throw(value)") +
          pyFrame(`${SP}/httpx/_transports/default.py`, 118, "map_httpcore_exceptions", "raise mapped_exc(message) from exc") +
          "httpx.ReadTimeout";
        const patientFacing = r() < 0.6;
        const rid = uuid(r);
        if (patientFacing) {
          g.request(2, w, ns, { method: "POST", path: `/v1/eligibility/${payer}/check`, status: 502, seconds: secs + 0.02, trace });
        }
        const at = ns + Math.floor(secs * SEC);
        g.json(
          2,
          w,
          at,
          "ERROR",
          "stdout",
          pyPayload(
            at,
            "intake.eligibility.client",
            "eligibility check failed",
            { request_id: rid, tenant, plan: skew(r, PLANS), payer, trading_partner: "availity", timeout_s: 15 },
            patientFacing ? trace : undefined,
            exc,
          ),
        );
      },
    },
    {
      n: 3,
      service: "intake-api",
      name: "eligibility 271 missing subscriber id",
      about:
        "The 271 parser finds no subscriber member id in responses from some payers (they send it in a REF*1W segment the parser does not read) and logs a warning.",
      rate: steady(26),
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("intake-api", ns);
        g.json(
          3,
          w,
          ns,
          "WARNING",
          "stdout",
          pyPayload(ns, "intake.eligibility.parser", "eligibility response missing subscriber id", {
            request_id: uuid(r),
            tenant: grow(r, h, CLINICS),
            payer: grow(r, h, PAYERS),
            trace_number: `${int(r, 100000000, 999999999)}`,
            segment: "NM1*IL",
          }),
        );
      },
    },
    {
      n: 4,
      service: "intake-api",
      name: "eligibility 271 missing group number (since 00042)",
      about:
        "Revision 00042's rewritten 271 parser no longer reads the group number from the 2100C REF*6P segment, so every response looks as if it lacked one; it starts with the 09:40 deploy.",
      rate: steady(34),
      from: hm(9, 40, 12),
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("intake-api", ns);
        g.json(
          4,
          w,
          ns,
          "WARNING",
          "stdout",
          pyPayload(ns, "intake.eligibility.parser", "eligibility response missing group number", {
            request_id: uuid(r),
            tenant: grow(r, h, CLINICS),
            payer: grow(r, h, PAYERS),
            trace_number: `${int(r, 100000000, 999999999)}`,
            segment: "REF*6P",
          }),
        );
      },
    },
    {
      n: 5,
      service: "intake-api",
      name: "uvicorn: Invalid HTTP request received",
      about:
        "Scanners and a misconfigured uptime probe send non-HTTP bytes straight to the container port; uvicorn's httptools parser rejects them with 'Invalid HTTP request received.' day and night.",
      rate: flat(6),
      emit: (g, ns) => {
        const w = g.where("intake-api", ns);
        g.json(5, w, ns, "WARNING", "stderr", pyPayload(ns, "uvicorn.error", "Invalid HTTP request received.", {}));
      },
    },
    {
      n: 6,
      service: "intake-api",
      name: "missing intake-form catalog for new clinics' locales",
      about:
        "Clinics onboarded today picked locales with no translated intake-form catalog; rendering raises KeyError then MissingCatalogError and returns 500, until revision 00043 (17:15) falls back to English.",
      rate: steady(16),
      from: hm(6, 0),
      until: hm(17, 15, 48),
      tail: 2 * SEC,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("intake-api", ns);
        const locale = grow(r, h, MISSING_LOCALES);
        const tenant = grow(r, h, CLINICS);
        const form = pick(r, ["new-patient", "phq9", "gad7", "consent-telehealth", "medical-history"]);
        const trace = g.trace();
        const exc =
          "Traceback (most recent call last):\n" +
          pyFrame("/app/intake/i18n/catalogs.py", 41, "catalog_for", "return self._catalogs[locale]", "       ~~~~~~~~~~~~~~~^^^^^^^^") +
          `KeyError: '${locale}'\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n` +
          pyFrame(
            "/app/intake/routes/forms.py",
            shift(w.rev, 112),
            "render_form",
            "catalog = catalogs.catalog_for(patient.locale)",
            "          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(
            "/app/intake/i18n/catalogs.py",
            43,
            "catalog_for",
            'raise MissingCatalogError(f"no catalog for locale {locale!r} (form {self.form_id})")',
          ) +
          `intake.i18n.MissingCatalogError: no catalog for locale '${locale}' (form ${form})`;
        const rid = uuid(r);
        const secs = 0.05 + r() * 0.2;
        g.request(6, w, ns, {
          method: "GET",
          path: `/v1/clinics/${tenant}/intake/${form}?locale=${locale}`,
          status: 500,
          seconds: secs,
          trace,
        });
        const at = ns + Math.floor(secs * 0.9 * SEC);
        g.json(
          6,
          w,
          at,
          "ERROR",
          "stdout",
          pyPayload(at, "intake.routes.forms", "intake form render failed", { request_id: rid, tenant, locale, form }, trace, exc),
        );
      },
    },
    {
      n: 7,
      service: "intake-api",
      name: "Redis session cache unreachable during Memorystore maintenance",
      about:
        "During two Memorystore maintenance/failover windows the session cache refuses connections; cache reads log 'cache get failed, falling back to database' with redis ConnectionError (Errno 111). Only in those hours.",
      rate: (r, h) => (redisHours.includes(h) ? int(r, 90, 150) : 0),
      clump: 6,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("intake-api", ns);
        const exc =
          "Traceback (most recent call last):\n" +
          pyFrame(`${SP}/redis/asyncio/connection.py`, 275, "connect", "await self.retry.call_with_retry(") +
          pyFrame(`${SP}/redis/asyncio/retry.py`, 59, "call_with_retry", "return await do()", "       ^^^^^^^^^^") +
          pyFrame(
            `${SP}/redis/asyncio/connection.py`,
            699,
            "_connect",
            "reader, writer = await asyncio.open_connection(",
            "                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(
            "/usr/local/lib/python3.12/asyncio/base_events.py",
            1101,
            "create_connection",
            "raise OSError('Multiple exceptions: {}'.format(",
          ) +
          "ConnectionRefusedError: [Errno 111] Connect call failed ('10.12.0.4', 6379)\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n" +
          pyFrame("/app/intake/cache.py", 52, "get_json", "raw = await self._redis.get(key)", "      ^^^^^^^^^^^^^^^^^^^^^^^^^^") +
          pyFrame(
            `${SP}/redis/asyncio/client.py`,
            605,
            "execute_command",
            "conn = self.connection or await pool.get_connection(command_name, **options)",
            "                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(`${SP}/redis/asyncio/connection.py`, 281, "connect", "raise ConnectionError(self._error_message(e))") +
          "redis.exceptions.ConnectionError: Error 111 connecting to redis-sessions.tidewell.internal:6379. Connect call failed ('10.12.0.4', 6379).";
        g.json(
          7,
          w,
          ns,
          "WARNING",
          "stdout",
          pyPayload(
            ns,
            "intake.cache",
            "cache get failed, falling back to database",
            { request_id: uuid(r), tenant: grow(r, h, CLINICS), key_prefix: grow(r, h, CACHE_PREFIXES) },
            undefined,
            exc,
          ),
        );
      },
    },
    {
      n: 8,
      service: "intake-api",
      name: "notification dispatch failed: Twilio unsubscribed recipient (intake)",
      about:
        "Appointment reminders keep texting patients who replied STOP; Twilio answers 400 'Attempt to send to unsubscribed recipient' (21610) because the opt-out webhook is not wired to the patient record.",
      rate: steady(21),
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("intake-api", ns);
        g.json(
          8,
          w,
          ns,
          "ERROR",
          "stdout",
          pyPayload(ns, "intake.notify.dispatcher", "notification dispatch failed", {
            tenant: grow(r, h, CLINICS),
            channel: "sms",
            provider: "twilio",
            template: pick(r, ["appointment-reminder-24h", "appointment-reminder-2h", "intake-incomplete"]),
            error: "HTTP 400 error: Unable to create record: Attempt to send to unsubscribed recipient",
            twilio_code: 21610,
            appointment_id: uuid(r),
          }),
        );
      },
    },
    {
      n: 9,
      service: "intake-api",
      name: "pharmacy directory key revoked (api_key leaked in URL)",
      about:
        "The pharmacy directory vendor revoked the API key; the few lookups that ran log an httpx 401 whose message includes the request URL with the api_key query parameter.",
      rate: exact({ 15: 1, 16: 2 }),
      emit: (g, ns) => {
        const r = g.r;
        const w = g.where("intake-api", ns);
        const zip = pick(r, ["02139", "10027", "30309", "60614", "78704"]);
        const url = `https://directory.pharmalink.net/v2/pharmacies/search?zip=${zip}&radius=10&api_key=phl_live_9c2e47f1b8a04d6e93f2aa5c71d08e64`;
        const exc =
          "Traceback (most recent call last):\n" +
          pyFrame("/app/intake/pharmacy/directory.py", 36, "search", "resp.raise_for_status()") +
          pyFrame(`${SP}/httpx/_models.py`, 829, "raise_for_status", "raise HTTPStatusError(message, request=request, response=self)") +
          `httpx.HTTPStatusError: Client error '401 Unauthorized' for url '${url}'\nFor more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/401`;
        g.json(
          9,
          w,
          ns,
          "ERROR",
          "stdout",
          pyPayload(ns, "intake.pharmacy.directory", "pharmacy lookup failed", { request_id: uuid(r), zip }, undefined, exc),
        );
      },
    },
    {
      n: 33,
      service: "intake-api",
      name: "audit event publish failed (Pub/Sub 503), PHI access unrecorded",
      about:
        "For one stretch the audit publisher's Pub/Sub calls fail with 503 UNAVAILABLE and the app logs CRITICAL 'audit event publish failed; PHI access not recorded' (grpc _InactiveRpcError chained into ServiceUnavailable).",
      rate: (r, h) => (h === redisHours[1] ? int(r, 40, 65) : 0),
      clump: 5,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("intake-api", ns);
        const exc =
          "Traceback (most recent call last):\n" +
          pyFrame(
            `${SP}/google/api_core/grpc_helpers.py`,
            76,
            "error_remapped_callable",
            "return callable_(*args, **kwargs)",
            "       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(
            `${SP}/grpc/_channel.py`,
            1181,
            "__call__",
            "return _end_unary_response_blocking(state, call, False, None)",
            "       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame(
            `${SP}/grpc/_channel.py`,
            1006,
            "_end_unary_response_blocking",
            "raise _InactiveRpcError(state)  # pytype: disable=not-instantiable",
          ) +
          'grpc._channel._InactiveRpcError: <_InactiveRpcError of RPC that terminated with:\n\tstatus = StatusCode.UNAVAILABLE\n\tdetails = "The service was unable to fulfill your request. Please try again. [code=8a75]"\n\tdebug_error_string = "UNKNOWN:Error received from peer ipv4:142.250.72.170:443 {grpc_message:"The service was unable to fulfill your request. Please try again. [code=8a75]", grpc_status:14}"\n>\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n' +
          pyFrame("/app/intake/audit/publisher.py", 64, "publish", "future.result(timeout=10)") +
          pyFrame(
            `${SP}/google/cloud/pubsub_v1/publisher/futures.py`,
            67,
            "result",
            "return super().result(timeout=timeout)",
            "       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
          ) +
          pyFrame("/usr/local/lib/python3.12/concurrent/futures/_base.py", 401, "__get_result", "raise self._exception") +
          "google.api_core.exceptions.ServiceUnavailable: 503 The service was unable to fulfill your request. Please try again. [code=8a75]";
        g.json(
          33,
          w,
          ns,
          "CRITICAL",
          "stdout",
          pyPayload(
            ns,
            "intake.audit.publisher",
            "audit event publish failed; PHI access not recorded",
            {
              request_id: uuid(r),
              tenant: grow(r, h, CLINICS),
              topic: "projects/tidewell-prod/topics/phi-access-audit",
              actor: grow(r, h, CLINICIANS),
            },
            undefined,
            exc,
          ),
        );
      },
    },

    // ---------------------------------------------------------------- claims-ledger (.NET)
    {
      n: 10,
      service: "claims-ledger",
      name: "EF Core save: duplicate payer control number (23505)",
      about:
        "Resubmitted claims reuse the payer claim control number, so SaveChanges hits the unique index ix_claims_payer_control_number (PostgresException 23505 inside DbUpdateException); resubmits via the API return 500.",
      rate: steady(20),
      tail: 3 * SEC,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("claims-ledger", ns);
        const payer = grow(r, h, PAYERS);
        const fn = skew(r, ["ResubmitAsync", "SubmitAsync"]);
        const exc =
          "Microsoft.EntityFrameworkCore.DbUpdateException: An error occurred while saving the entity changes. See the inner exception for details.\n" +
          ' ---> Npgsql.PostgresException (0x80004005): 23505: duplicate key value violates unique constraint "ix_claims_payer_control_number"\n\n' +
          "DETAIL: Detail redacted as it may contain sensitive data. Specify 'Include Error Detail' in the connection string to include this information.\n" +
          "   at Npgsql.Internal.NpgsqlConnector.ReadMessageLong(Boolean async, DataRowLoadingMode dataRowLoadingMode, Boolean readingNotifications, Boolean isReadingPrependedMessage)\n" +
          "   at System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder`1.StateMachineBox`1.System.Threading.Tasks.Sources.IValueTaskSource<TResult>.GetResult(Int16 token)\n" +
          "   at Npgsql.NpgsqlDataReader.NextResult(Boolean async, Boolean isConsuming, CancellationToken cancellationToken)\n" +
          "   at Npgsql.NpgsqlCommand.ExecuteReader(Boolean async, CommandBehavior behavior, CancellationToken cancellationToken)\n" +
          "   at Microsoft.EntityFrameworkCore.Storage.RelationalCommand.ExecuteReaderAsync(RelationalCommandParameterObject parameterObject, CancellationToken cancellationToken)\n" +
          "   at Microsoft.EntityFrameworkCore.Update.ReaderModificationCommandBatch.ExecuteAsync(IRelationalConnection connection, CancellationToken cancellationToken)\n" +
          '  Exception data:\n    Severity: ERROR\n    SqlState: 23505\n    MessageText: duplicate key value violates unique constraint "ix_claims_payer_control_number"\n    SchemaName: billing\n    TableName: claims\n    ConstraintName: ix_claims_payer_control_number\n    File: nbtinsert.c\n    Line: 666\n    Routine: _bt_check_unique\n' +
          "   --- End of inner exception stack trace ---\n" +
          EF_SAVE.join("\n") +
          `\n   at Tidewell.Claims.Submission.ClaimSubmissionService.${fn}(ClaimBatch batch, CancellationToken ct) in /src/Tidewell.Claims/Submission/ClaimSubmissionService.cs:line ${fn === "SubmitAsync" ? 141 : 188}`;
        const viaApi = fn === "ResubmitAsync" && r() < 0.7;
        if (viaApi)
          g.request(10, w, ns, {
            method: "POST",
            path: `/api/claims/${payer}/${claimId(r)}/resubmit`,
            status: 500,
            seconds: 0.2 + r() * 0.5,
            ua: "Tidewell-Billing-Portal/3.4 (+https://billing.tidewell.health)",
          });
        const at = ns + int(r, 60, 400) * MS;
        g.json(
          10,
          w,
          at,
          "ERROR",
          "stdout",
          dotnetPayload(
            at,
            "Error",
            "Microsoft.EntityFrameworkCore.Update",
            10000,
            "An exception occurred in the database while saving changes for context type '{contextType}'.{newline}{error}",
            { contextType: "Tidewell.Claims.Data.ClaimsDbContext", newline: "\n", error: exc },
            exc,
          ),
        );
      },
    },
    {
      n: 11,
      service: "claims-ledger",
      name: "EF Core save: concurrency conflict in remittance batch posting",
      about:
        "The four-hourly ERA posting batch and clinic staff editing the same claims race; SaveChanges throws DbUpdateConcurrencyException (expected 1 row, affected 0) from the same EF Core save path. Only in batch hours.",
      rate: (r, h) => (batchHours.includes(h) ? int(r, 28, 52) : 0),
      clump: 12,
      emit: (g, ns) => {
        const r = g.r;
        const w = g.where("claims-ledger", ns);
        const exc =
          "Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException: The database operation was expected to affect 1 row(s), but actually affected 0 row(s); data may have been modified or deleted since entities were loaded. See https://go.microsoft.com/fwlink/?LinkId=527962 for information on understanding and handling optimistic concurrency exceptions.\n" +
          "   at Npgsql.EntityFrameworkCore.PostgreSQL.Update.Internal.NpgsqlModificationCommandBatch.ThrowAggregateUpdateConcurrencyExceptionAsync(RelationalDataReader reader, Int32 commandIndex, Int32 expectedRowsAffected, Int32 rowsAffected, CancellationToken cancellationToken)\n" +
          "   at Npgsql.EntityFrameworkCore.PostgreSQL.Update.Internal.NpgsqlModificationCommandBatch.Consume(RelationalDataReader reader, Boolean async, CancellationToken cancellationToken)\n" +
          EF_SAVE.join("\n") +
          `\n   at Tidewell.Claims.Remittance.EraPostingJob.PostBatchAsync(EraBatch batch, CancellationToken ct) in /src/Tidewell.Claims/Remittance/EraPostingJob.cs:line ${pick(r, [97, 97, 103])}`;
        g.json(
          11,
          w,
          ns,
          "ERROR",
          "stdout",
          dotnetPayload(
            ns,
            "Error",
            "Microsoft.EntityFrameworkCore.Update",
            10000,
            "An exception occurred in the database while saving changes for context type '{contextType}'.{newline}{error}",
            { contextType: "Tidewell.Claims.Data.ClaimsDbContext", newline: "\n", error: exc },
            exc,
          ),
        );
      },
    },
    {
      n: 12,
      service: "claims-ledger",
      name: "Npgsql read timeout on A/R aging report query",
      about:
        "The clinic A/R aging report joins claims and remittance lines without an index on clinic_slug; under report bursts the command passes its 30 s timeout (NpgsqlException -> TimeoutException) and the request fails with 500.",
      rate: (r, h) => (reportBursts.includes(h) ? int(r, 60, 95) : 0),
      clump: 15,
      tail: 40 * SEC,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("claims-ledger", ns);
        const clinic = grow(r, h, CLINICS);
        const report = skew(r, [
          ["ar-aging", "claims", "remittance_lines"],
          ["denials", "claims", "claim_adjustments"],
          ["payer-mix", "claims", "era_batches"],
        ] as const);
        const elapsed = 30000 + int(r, 2, 60);
        const sql =
          `SELECT c.id, c.external_ref, c.payer_id, c.status, c.total_charge, r.paid_amount\n` +
          `FROM billing.${report[1]} AS c\n` +
          `LEFT JOIN billing.${report[2]} AS r ON c.id = r.claim_id\n` +
          `WHERE c.clinic_slug = @__clinic_0 AND c.service_date >= @__from_1\n` +
          `ORDER BY c.service_date DESC`;
        const exc =
          "Npgsql.NpgsqlException (0x80004005): Exception while reading from stream\n" +
          " ---> System.TimeoutException: Timeout during reading attempt\n" +
          "   at Npgsql.Internal.NpgsqlReadBuffer.<Ensure>g__EnsureLong|55_0(NpgsqlReadBuffer buffer, Int32 count, Boolean async, Boolean readingNotifications)\n" +
          "   --- End of inner exception stack trace ---\n" +
          "   at Npgsql.Internal.NpgsqlReadBuffer.<Ensure>g__EnsureLong|55_0(NpgsqlReadBuffer buffer, Int32 count, Boolean async, Boolean readingNotifications)\n" +
          NPGSQL_READ.join("\n");
        const secs = elapsed / 1000 + r() * 0.1;
        const trace = g.trace();
        g.request(12, w, ns, {
          method: "GET",
          path: `/api/reports/${clinic}/${report[0]}?from=2026-${pick(r, ["08", "09", "10"])}-01`,
          status: 500,
          seconds: secs,
          trace,
          ua: BROWSERS[1],
        });
        const at = ns + elapsed * MS;
        g.json(
          12,
          w,
          at,
          "ERROR",
          "stdout",
          dotnetPayload(
            at,
            "Error",
            "Microsoft.EntityFrameworkCore.Database.Command",
            20102,
            "Failed executing DbCommand ({elapsed}ms) [Parameters=[{parameters}], CommandType='{commandType}', CommandTimeout='{commandTimeout}']{newline}{commandText}",
            {
              elapsed: elapsed.toLocaleString("en-US"),
              parameters: "@__clinic_0='?', @__from_1='?' (DbType = Date)",
              commandType: "Text",
              commandTimeout: 30,
              newline: "\n",
              commandText: sql,
            },
            exc,
          ),
        );
      },
    },
    {
      n: 13,
      service: "claims-ledger",
      name: "clearinghouse 503s retried by the standard resilience pipeline",
      about:
        "The clearinghouse's claim-status endpoint keeps answering 503; the Microsoft.Extensions.Http.Resilience standard pipeline logs each handled attempt ('Execution attempt … Result: '503'') and its OnRetry events.",
      rate: steady(60),
      emit: (g, ns) => {
        const r = g.r;
        const w = g.where("claims-ledger", ns);
        const attempt = skew(r, [0, 1, 2]);
        if (r() < 0.55) {
          g.json(
            13,
            w,
            ns,
            "WARNING",
            "stdout",
            dotnetPayload(
              ns,
              "Warning",
              "Polly",
              3,
              "Execution attempt. Source: '{PipelineName}/{PipelineInstance}/{StrategyName}', Operation Key: '{OperationKey}', Result: '{Result}', Handled: '{Handled}', Attempt: '{Attempt}', Execution Time: {ExecutionTimeMs}ms",
              {
                PipelineName: "clearinghouse-standard",
                PipelineInstance: "",
                StrategyName: "Standard-Retry",
                OperationKey: "",
                Result: "503",
                Handled: "True",
                Attempt: attempt,
                ExecutionTimeMs: (120 + r() * 900).toFixed(4),
              },
            ),
          );
        } else {
          g.json(
            13,
            w,
            ns,
            "WARNING",
            "stdout",
            dotnetPayload(
              ns,
              "Warning",
              "Polly",
              0,
              "Resilience event occurred. EventName: '{EventName}', Source: '{PipelineName}/{PipelineInstance}/{StrategyName}', Operation Key: '{OperationKey}', Result: '{Result}'",
              {
                EventName: "OnRetry",
                PipelineName: "clearinghouse-standard",
                PipelineInstance: "",
                StrategyName: "Standard-Retry",
                OperationKey: "",
                Result: "503",
              },
            ),
          );
        }
      },
    },
    {
      n: 14,
      service: "claims-ledger",
      name: "NullReferenceException in ERA 835 parser (since 00088)",
      about:
        "Revision 00088's ERA parser dereferences a missing CAS adjustment group for claim-level adjustments; Kestrel logs 'An unhandled exception was thrown by the application.' with a NullReferenceException and the upload returns 500. Starts at the 13:05 deploy.",
      rate: steady(19),
      from: hm(13, 5, 31),
      tail: 3 * SEC,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("claims-ledger", ns);
        const payer = grow(r, h, PAYERS);
        const conn = kestrelId(r);
        const reqNo = String(int(r, 1, 40).toString(16).toUpperCase()).padStart(8, "0");
        const exc =
          "System.NullReferenceException: Object reference not set to an instance of an object.\n" +
          `   at Tidewell.Claims.Remittance.Era835Parser.ParseClaimAdjustment(Segment cas, ClaimPayment payment) in /src/Tidewell.Claims/Remittance/Era835Parser.cs:line ${pick(r, [212, 212, 219])}\n` +
          "   at Tidewell.Claims.Remittance.Era835Parser.ParseClaimPayment(SegmentReader reader) in /src/Tidewell.Claims/Remittance/Era835Parser.cs:line 154\n" +
          "   at Tidewell.Claims.Remittance.Era835Parser.Parse(Stream stream, CancellationToken ct) in /src/Tidewell.Claims/Remittance/Era835Parser.cs:line 61\n" +
          "   at Tidewell.Claims.Api.RemitEndpoints.UploadEraAsync(String payer, IFormFile file, Era835Parser parser, ClaimsDbContext db, CancellationToken ct) in /src/Tidewell.Claims/Api/RemitEndpoints.cs:line 38\n" +
          "   at Microsoft.AspNetCore.Http.RequestDelegateFactory.<ExecuteTaskResult>g__ExecuteAwaited|138_0[T](Task`1 task, HttpContext httpContext, JsonTypeInfo`1 jsonTypeInfo)\n" +
          "   at Microsoft.AspNetCore.Authorization.AuthorizationMiddleware.Invoke(HttpContext context)\n" +
          "   at Microsoft.AspNetCore.Authentication.AuthenticationMiddleware.Invoke(HttpContext context)\n" +
          "   at Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpProtocol.ProcessRequests[TContext](IHttpApplication`1 application)";
        const secs = 0.3 + r() * 1.5;
        g.request(14, w, ns, {
          method: "POST",
          path: `/api/remits/${payer}/era`,
          status: 500,
          seconds: secs,
          reqSize: int(r, 8000, 240000),
          ua: "Tidewell-EDI-Poller/1.9",
        });
        const at = ns + Math.floor(secs * 0.95 * SEC);
        g.json(
          14,
          w,
          at,
          "ERROR",
          "stdout",
          dotnetPayload(
            at,
            "Error",
            "Microsoft.AspNetCore.Server.Kestrel",
            13,
            'Connection id "{ConnectionId}", Request id "{TraceIdentifier}": An unhandled exception was thrown by the application.',
            { ConnectionId: conn, TraceIdentifier: `${conn}:${reqNo}` },
            exc,
          ),
        );
      },
    },
    {
      n: 15,
      service: "claims-ledger",
      name: "unknown adjustment reason codes posted to suspense",
      about:
        "Payers send CARC/group combinations missing from the adjustment mapping table, so remittance lines go to suspense with a warning naming payer and code.",
      rate: steady(30),
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("claims-ledger", ns);
        g.json(
          15,
          w,
          ns,
          "WARNING",
          "stdout",
          dotnetPayload(
            ns,
            "Warning",
            "Tidewell.Claims.Remittance.AdjustmentMapper",
            4102,
            "Payer {Payer} returned unknown adjustment reason code {ReasonCode} on claim {ClaimId}; posting {Amount} to suspense",
            { Payer: grow(r, h, PAYERS), ReasonCode: skew(r, REASON_CODES), ClaimId: claimId(r), Amount: money(r) },
          ),
        );
      },
    },
    {
      n: 16,
      service: "claims-ledger",
      name: "Data Protection keys in container filesystem (until 00088)",
      about:
        "Data Protection was left on its defaults: every new instance warns that keys are stored in a directory not persisted outside the container and that no XML encryptor is configured. Revision 00088 persists keys to Cloud Storage with KMS and the warnings stop.",
      rate: (r, h) => (h <= 13 ? skew(r, [1, 1, 2, 0, 3]) : 0),
      until: hm(13, 5, 31),
      tail: 2 * SEC,
      emit: (g, ns) => {
        const r = g.r;
        const w = g.where("claims-ledger", ns);
        g.json(
          16,
          w,
          ns,
          "WARNING",
          "stdout",
          dotnetPayload(
            ns,
            "Warning",
            "Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository",
            60,
            "Storing keys in a directory '{path}' that may not be persisted outside of the container. Protected data will be unavailable when container is destroyed. For more information go to https://aka.ms/aspnet/dataprotectionwarning",
            { path: "/home/app/.aspnet/DataProtection-Keys" },
          ),
        );
        const at = ns + int(r, 3, 40) * MS;
        const key = uuid(r);
        g.json(
          16,
          w,
          at,
          "WARNING",
          "stdout",
          dotnetPayload(
            at,
            "Warning",
            "Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager",
            35,
            "No XML encryptor configured. Key {KeyId:B} may be persisted to storage in unencrypted form.",
            { KeyId: `{${key}}` },
          ),
        );
      },
    },
    {
      n: 17,
      service: "claims-ledger",
      name: "nightly ERA import hits Cloud Run request timeout",
      about:
        "The nightly bulk ERA import runs synchronously inside one HTTP request and is cut off at the 300 s request timeout by Cloud Run (504).",
      rate: (r, h) => (h >= 2 && h <= 5 ? int(r, 2, 9) : 0),
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("claims-ledger", ns);
        g.request(17, w, ns, {
          method: "POST",
          path: `/api/remits/${grow(r, h, PAYERS)}/era/import?mode=bulk`,
          status: 504,
          seconds: 300 + r() * 0.004,
          ua: "Google-Cloud-Scheduler",
          respSize: 0,
          text: "The request has been terminated because it has reached the maximum request timeout. To change this limit, see https://cloud.google.com/run/docs/configuring/request-timeout",
        });
      },
    },

    // ---------------------------------------------------------------- visit-relay (Go)
    {
      n: 18,
      service: "visit-relay",
      name: "publish track failed: signaling glare",
      about:
        "When patient and clinician renegotiate at once, the SFU applies a remote offer while holding a local one; pion rejects the signalling state transition and the publish fails.",
      rate: (r, h) => Math.round(62 * evening[h]! * jitter(r)),
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("visit-relay", ns);
        const kind = skew(r, ["video", "audio", "screen"]);
        g.json(18, w, ns, "ERROR", "stderr", {
          logger: "relay.sfu",
          caller: `sfu/room.go:${goShift(w.rev, 233)}`,
          message: "publish track failed",
          room: `visit-${hex(r, 10)}`,
          org: grow(r, h, CLINICS),
          participant: uuid(r),
          kind,
          codec: kind === "audio" ? "opus" : pick(r, ["VP8", "VP8", "H264"]),
          error:
            "setRemoteDescription: InvalidModificationError: invalid proposed signaling state transition: have-local-offer->SetRemote(offer)->have-remote-offer",
          stacktrace: goStack([
            [`${GOMOD}/internal/sfu.(*Room).PublishTrack`, "/src/internal/sfu/room.go", goShift(w.rev, 233)],
            [`${GOMOD}/internal/signal.(*Handler).onOffer`, "/src/internal/signal/handler.go", 148],
            [`${GOMOD}/internal/signal.(*Handler).dispatch`, "/src/internal/signal/handler.go", 97],
            [`${GOMOD}/internal/signal.(*Session).readLoop`, "/src/internal/signal/session.go", 81],
          ]),
        });
      },
    },
    {
      n: 19,
      service: "visit-relay",
      name: "subscribe track failed: peer connection already closed",
      about:
        "Subscribers are attached to a publisher's track after their own peer connection has closed (the leave event is processed late), so AddTrack fails with 'InvalidStateError: connection closed'.",
      rate: (r, h) => Math.round(34 * evening[h]! * jitter(r)),
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("visit-relay", ns);
        const kind = skew(r, ["video", "audio", "screen"]);
        g.json(19, w, ns, "ERROR", "stderr", {
          logger: "relay.sfu",
          caller: `sfu/room.go:${goShift(w.rev, 301)}`,
          message: "subscribe track failed",
          room: `visit-${hex(r, 10)}`,
          org: grow(r, h, CLINICS),
          participant: uuid(r),
          publisher: uuid(r),
          kind,
          error: "AddTrack: InvalidStateError: connection closed",
          stacktrace: goStack([
            [`${GOMOD}/internal/sfu.(*Room).SubscribeTrack`, "/src/internal/sfu/room.go", goShift(w.rev, 301)],
            [`${GOMOD}/internal/sfu.(*Room).fanout`, "/src/internal/sfu/room.go", goShift(w.rev, 276)],
            [`${GOMOD}/internal/sfu.(*Room).run`, "/src/internal/sfu/room.go", goShift(w.rev, 119)],
          ]),
        });
      },
    },
    {
      n: 20,
      service: "visit-relay",
      name: "nil pointer panic in waiting-room handler (since 00215)",
      about:
        "Revision 00215's waiting-room endpoint reads the room's interpreter before checking it exists; the recover middleware logs 'panic recovered' (nil pointer dereference) with the goroutine stack and the request fails with 500. Starts at the 16:30 deploy.",
      rate: (r, h) => Math.round(17 * evening[h]! * jitter(r)),
      from: hm(16, 30, 5),
      tail: 2 * SEC,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("visit-relay", ns);
        const org = grow(r, h, CLINICS);
        const room = uuid(r);
        const gor = int(r, 20000, 990000);
        const stack =
          `goroutine ${gor} [running]:\n` +
          "runtime/debug.Stack()\n\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e\n" +
          `${GOMOD}/internal/httpx.Recover.func1.1()\n\t/src/internal/httpx/recover.go:24 +0x8b\n` +
          `panic({0xb2c5e0?, 0x1236a70?})\n\t/usr/local/go/src/runtime/panic.go:785 +0x132\n` +
          `${GOMOD}/internal/rooms.(*Service).Waiting(0xc0001a6f00, {0xd3b8e8, 0xc000${hex(r, 6)}}, {0xc000${hex(r, 6)}, 0x24})\n\t/src/internal/rooms/waiting.go:${goShift(w.rev, 55)} +0x1c4\n` +
          `${GOMOD}/internal/api.(*Server).handleWaiting(0xc000132a80, {0xd3a0f0, 0xc000${hex(r, 6)}}, 0xc000${hex(r, 6)})\n\t/src/internal/api/rooms.go:88 +0x9a\n` +
          `net/http.HandlerFunc.ServeHTTP(0xc000${hex(r, 6)}?, {0xd3a0f0?, 0xc000${hex(r, 6)}?}, 0x0?)\n\t/usr/local/go/src/net/http/server.go:2220 +0x29\n` +
          `${GOMOD}/internal/httpx.Recover.func1({0xd3a0f0, 0xc000${hex(r, 6)}}, 0xc000${hex(r, 6)})\n\t/src/internal/httpx/recover.go:31 +0x7c\n` +
          "net/http.serverHandler.ServeHTTP({0xc000214000?}, {0xd3a0f0?, 0xc000" +
          hex(r, 6) +
          "?}, 0x6?)\n\t/usr/local/go/src/net/http/server.go:3210 +0x8e\n" +
          "net/http.(*conn).serve(0xc000" +
          hex(r, 6) +
          ", {0xd3b8e8, 0xc0001b2db0})\n\t/usr/local/go/src/net/http/server.go:2092 +0x5d0\n" +
          "created by net/http.(*Server).Serve in goroutine 1\n\t/usr/local/go/src/net/http/server.go:3360 +0x485\n";
        const secs = 0.004 + r() * 0.02;
        g.request(20, w, ns, { method: "GET", path: `/v1/orgs/${org}/rooms/${room}/waiting`, status: 500, seconds: secs, respSize: 22 });
        const at = ns + Math.floor(secs * 0.8 * SEC);
        g.json(20, w, at, "ERROR", "stderr", {
          logger: "relay.http",
          caller: "httpx/recover.go:24",
          message: "panic recovered",
          panic: "runtime error: invalid memory address or nil pointer dereference",
          method: "GET",
          path: `/v1/orgs/${org}/rooms/${room}/waiting`,
          stack,
          stacktrace: goStack([
            [`${GOMOD}/internal/httpx.Recover.func1.1`, "/src/internal/httpx/recover.go", 24],
            ["runtime.gopanic", "/usr/local/go/src/runtime/panic.go", 785],
            ["runtime.panicmem", "/usr/local/go/src/runtime/panic.go", 262],
            ["runtime.sigpanic", "/usr/local/go/src/runtime/signal_unix.go", 917],
            [`${GOMOD}/internal/rooms.(*Service).Waiting`, "/src/internal/rooms/waiting.go", goShift(w.rev, 55)],
          ]),
        });
      },
    },
    {
      n: 21,
      service: "visit-relay",
      name: "Pub/Sub publish deadline exceeded",
      about:
        "The relay publishes visit events with a 2 s context; during Pub/Sub latency spikes publishes fail with DeadlineExceeded and the events are dropped.",
      rate: (r, h) => (pubsubBursts.includes(h) ? int(r, 45, 80) : 0),
      clump: 8,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("visit-relay", ns);
        g.json(21, w, ns, "ERROR", "stderr", {
          logger: "relay.events",
          caller: "events/publisher.go:67",
          message: "publish event failed",
          topic: grow(r, h, TOPICS),
          room: `visit-${hex(r, 10)}`,
          error: "rpc error: code = DeadlineExceeded desc = context deadline exceeded",
          stacktrace: goStack([
            [`${GOMOD}/internal/events.(*Publisher).Publish`, "/src/internal/events/publisher.go", 67],
            [`${GOMOD}/internal/sfu.(*Room).emit`, "/src/internal/sfu/events.go", 42],
            [`${GOMOD}/internal/sfu.(*Room).run`, "/src/internal/sfu/room.go", goShift(w.rev, 131)],
          ]),
        });
      },
    },
    {
      n: 22,
      service: "visit-relay",
      name: "recording upload forbidden on new regional buckets",
      about:
        "The relay's service account was never granted storage.objects.create on the new regional recording buckets, so the even-hour recording upload batch fails with googleapi 403 for those buckets.",
      rate: (r, h) => (h >= 8 && h % 2 === 0 ? int(r, 8, 22) : 0),
      clump: 10,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("visit-relay", ns);
        const bucket = grow(r, h, BUCKETS);
        g.json(22, w, ns, "ERROR", "stderr", {
          logger: "relay.recordings",
          caller: "recordings/uploader.go:118",
          message: "recording upload failed",
          bucket,
          object: `orgs/${grow(r, h, CLINICS)}/visits/${uuid(r)}/composite.webm`,
          bytes: int(r, 8_000_000, 420_000_000),
          error: `googleapi: Error 403: visit-relay@${PROJECT}.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist)., forbidden`,
          stacktrace: goStack([
            [`${GOMOD}/internal/recordings.(*Uploader).upload`, "/src/internal/recordings/uploader.go", 118],
            [`${GOMOD}/internal/recordings.(*Uploader).Run.func1`, "/src/internal/recordings/uploader.go", 74],
            ["golang.org/x/sync/errgroup.(*Group).Go.func1", "/go/pkg/mod/golang.org/x/sync@v0.8.0/errgroup/errgroup.go", 78],
          ]),
        });
      },
    },
    {
      n: 23,
      service: "visit-relay",
      name: "TURN credential fetch timeout (secret in URL)",
      about:
        "A single TURN credential request to the relay vendor timed out; Go's url.Error text carries the full URL including the vendor secret.",
      rate: exact({ 20: 1 }),
      emit: (g, ns) => {
        const w = g.where("visit-relay", ns);
        g.json(23, w, ns, "WARNING", "stderr", {
          logger: "relay.turn",
          caller: "turn/credentials.go:51",
          message: "turn credentials request failed",
          error:
            'Get "https://turn.tidewell-relay.net/api/v1/turn/credentials?secret=trs_5d0c9a7e41f2b86c3e97a4d1f0b25c88&ttl=86400": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
        });
      },
    },
    {
      n: 24,
      service: "visit-relay",
      name: "no available instance at the evening visit peak (max instances)",
      about:
        "At the early-evening ET visit peak the relay is pinned at its max-instances limit and Cloud Run aborts signalling requests with 'no available instance' (429).",
      rate: (r, h) => (h === 0 ? int(r, 45, 75) : h === 1 ? int(r, 10, 30) : h === 23 && r() < 0.6 ? int(r, 3, 12) : 0),
      clump: 14,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("visit-relay", ns);
        g.request(24, w, ns, {
          method: "GET",
          path: `/v1/orgs/${grow(r, h, CLINICS)}/rooms/${uuid(r)}/signal`,
          status: 429,
          seconds: 10 + r() * 0.3,
          respSize: 0,
          text: "The request was aborted because there was no available instance. Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#abort-request",
        });
      },
    },
    {
      n: 34,
      service: "visit-relay",
      name: "flagd unreachable, flags fall back to defaults",
      about:
        "The flagd sidecar hostname stopped resolving after a DNS zone change; every flag evaluation fails with a gRPC Unavailable dial error and uses the default value.",
      rate: steady(13, 2),
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("visit-relay", ns);
        g.json(34, w, ns, "WARNING", "stderr", {
          logger: "relay.flags",
          caller: "flags/client.go:44",
          message: "flag evaluation failed, using default",
          flag: grow(r, h, FLAGS),
          org: grow(r, h, CLINICS),
          default: pick(r, [true, false]),
          error:
            'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp: lookup flagd.tidewell.internal on 169.254.169.254:53: no such host"',
        });
      },
    },

    // ---------------------------------------------------------------- care-threads (Elixir)
    {
      n: 25,
      service: "care-threads",
      name: "DBConnection queue timeout on thread listing",
      about:
        "The Repo pool (pool_size 10) cannot keep up when clinics open the inbox at once; requests are dropped from the DBConnection queue, the Cowboy request crashes with DBConnection.ConnectionError and Cloud Run logs the 500.",
      rate: (r, h) => (ectoBursts.includes(h) ? int(r, 90, 150) : h >= 13 && h <= 22 && r() < 0.4 ? int(r, 1, 3) : 0),
      clump: 10,
      tail: 5 * SEC,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("care-threads", ns);
        const clinic = grow(r, h, CLINICS);
        const vsn = CT_VSN(w.rev);
        const waited = int(r, 2800, 3400);
        const msg =
          `connection not available and request was dropped from queue after ${waited}ms. This means requests are coming in and your connection pool cannot serve them fast enough. You can address this by:\n\n` +
          "  1. Ensuring your database is available and that you can connect to it\n" +
          "  2. Tracking down slow queries and making sure they are running fast enough\n" +
          "  3. Increasing the pool_size (although this increases resource consumption)\n" +
          "  4. Allowing requests to wait longer by increasing :queue_target and :queue_interval\n\n" +
          "See DBConnection.start_link/2 for more information\n";
        const action = skew(r, [
          ["index", 21, "list_for_clinic/2", 88, "GET", ""],
          ["show", 34, "get_thread!/2", 61, "GET", `/${uuid(r)}`],
          ["unread", 52, "unread_counts/2", 140, "GET", "/unread"],
        ] as const);
        const reqPath = `/api/clinics/${clinic}/threads${action[5]}`;
        const ua = skew(r, BROWSERS, 1.6);
        const remoteIp = ip(r);
        const rid = `F${hex(r, 19)}`;
        const http = {
          protocol: "HTTP/1.1",
          requestMethod: action[4],
          requestUrl: `${SVCS["care-threads"].url}${reqPath}`,
          userAgent: ua,
          remoteIp,
          referer: "https://app.tidewell.health/",
        };
        const frames = [
          "(ecto_sql 3.11.3) lib/ecto/adapters/sql.ex:1054: Ecto.Adapters.SQL.raise_sql_call_error/1",
          "(ecto_sql 3.11.3) lib/ecto/adapters/sql.ex:952: Ecto.Adapters.SQL.execute/6",
          "(ecto 3.11.2) lib/ecto/repo/queryable.ex:232: Ecto.Repo.Queryable.execute/4",
          "(ecto 3.11.2) lib/ecto/repo/queryable.ex:19: Ecto.Repo.Queryable.all/3",
          `(care_threads ${vsn}) lib/care_threads/threads.ex:${action[3]}: CareThreads.Threads.${action[2]}`,
          `(care_threads ${vsn}) lib/care_threads_web/controllers/thread_controller.ex:${action[1]}: CareThreadsWeb.ThreadController.${action[0]}/2`,
          `(care_threads ${vsn}) lib/care_threads_web/controllers/thread_controller.ex:1: CareThreadsWeb.ThreadController.action/2`,
          `(care_threads ${vsn}) lib/care_threads_web/controllers/thread_controller.ex:1: CareThreadsWeb.ThreadController.phoenix_controller_pipeline/2`,
          "(phoenix 1.7.14) lib/phoenix/router.ex:484: Phoenix.Router.__call__/5",
          `(care_threads ${vsn}) lib/care_threads_web/endpoint.ex:1: CareThreadsWeb.Endpoint.plug_builder_call/2`,
        ];
        const secs = waited / 1000 + r() * 0.05;
        g.request(25, w, ns, {
          method: action[4],
          path: reqPath,
          status: 500,
          seconds: secs,
          referer: "https://app.tidewell.health/",
          ua,
          remoteIp,
        });
        const at = ns + Math.floor((waited + 3) * MS);
        g.json(25, w, at, "ERROR", "stdout", {
          ...exCrash(`** (DBConnection.ConnectionError) ${msg.replace(/\n$/, "")}`, msg, frames, w.rev, http),
          "logging.googleapis.com/operation": { id: rid, producer: pid(r) },
          request_id: rid,
        });
      },
    },
    {
      n: 26,
      service: "care-threads",
      name: "Postgrex connections dropped during Cloud SQL failover",
      about:
        "During Cloud SQL maintenance/failover the idle pool connections are closed by the server; DBConnection logs 'Postgrex.Protocol (#PID<…>) disconnected: ** (DBConnection.ConnectionError) tcp recv (idle): closed'. Only in those hours.",
      rate: (r, h) => (dbFailover.includes(h) ? int(r, 20, 40) : 0),
      clump: 2,
      emit: (g, ns) => {
        const r = g.r;
        const w = g.where("care-threads", ns);
        const p = pid(r);
        const reason = skew(r, ["tcp recv (idle): closed", "tcp recv (idle): closed", "ssl recv (idle): closed"]);
        g.json(26, w, ns, "ERROR", "stdout", {
          message: `Postgrex.Protocol (${p}) disconnected: ** (DBConnection.ConnectionError) ${reason}`,
          "logging.googleapis.com/sourceLocation": exSource(
            "lib/db_connection/connection.ex",
            336,
            "Elixir.DBConnection.Connection.handle_event/4",
          ),
          "logging.googleapis.com/operation": { producer: p },
        });
      },
    },
    {
      n: 27,
      service: "care-threads",
      name: "unique_violation inserting join rows from LiveView events",
      about:
        "Several join tables have unique indexes but the schemas lack unique_constraint/3, so double-clicks in the thread LiveView raise Postgrex.Error 23505 instead of returning a changeset error and the LiveView process crashes.",
      rate: steady(12),
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("care-threads", ns);
        const table = grow(r, h, UNIQUE_TABLES);
        const cols = UNIQUE_COLS[table] ?? "id";
        const idx = `${table}_${cols.replace(", ", "_")}_index`;
        const vsn = CT_VSN(w.rev);
        const msg =
          `ERROR 23505 (unique_violation) duplicate key value violates unique constraint "${idx}"\n\n    table: ${table}\n    constraint: ${idx}\n\n` +
          `Key (${cols})=(${uuid(r)}, ${uuid(r)}) already exists.`;
        const frames = [
          "(ecto_sql 3.11.3) lib/ecto/adapters/sql.ex:1054: Ecto.Adapters.SQL.raise_sql_call_error/1",
          "(ecto 3.11.2) lib/ecto/repo/schema.ex:772: Ecto.Repo.Schema.apply/4",
          "(ecto 3.11.2) lib/ecto/repo/schema.ex:377: anonymous fn/15 in Ecto.Repo.Schema.do_insert/4",
          `(care_threads ${vsn}) lib/care_threads/threads.ex:${pick(r, [212, 212, 219])}: CareThreads.Threads.link/3`,
          `(care_threads ${vsn}) lib/care_threads_web/live/thread_live/show.ex:${pick(r, [77, 93, 118])}: CareThreadsWeb.ThreadLive.Show.handle_event/3`,
          "(phoenix_live_view 0.20.17) lib/phoenix_live_view/channel.ex:509: anonymous fn/3 in Phoenix.LiveView.Channel.view_handle_event/3",
          "(telemetry 1.2.1) /app/deps/telemetry/src/telemetry.erl:321: :telemetry.span/3",
          "(phoenix_live_view 0.20.17) lib/phoenix_live_view/channel.ex:260: Phoenix.LiveView.Channel.handle_info/2",
          "(stdlib 6.1.2) gen_server.erl:2345: :gen_server.try_handle_info/3",
          "(stdlib 6.1.2) gen_server.erl:2433: :gen_server.handle_msg/6",
          "(stdlib 6.1.2) proc_lib.erl:329: :proc_lib.init_p_do_apply/3",
        ];
        g.json(27, w, ns, "ERROR", "stdout", {
          ...exCrash(`** (Postgrex.Error) ${msg}`, msg, frames, w.rev),
          "logging.googleapis.com/operation": { producer: pid(r) },
          user_id: grow(r, h, CLINICIANS),
        });
      },
    },
    {
      n: 28,
      service: "care-threads",
      name: "notification dispatch failed: SendGrid 429 (care-threads)",
      about:
        "New-message email notifications are sent one API call per recipient and exceed the SendGrid plan's rate limit at busy hours; SendGrid answers 429 and the dispatcher logs the failure.",
      rate: steady(26, 1.5),
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("care-threads", ns);
        g.json(28, w, ns, "ERROR", "stdout", {
          message: "notification dispatch failed",
          channel: "email",
          provider: "sendgrid",
          template: pick(r, ["new-message", "new-message", "care-plan-updated", "note-shared"]),
          clinic: grow(r, h, CLINICS),
          reason: '{:http_error, 429, "Too Many Requests"}',
          "logging.googleapis.com/sourceLocation": exSource(
            "lib/care_threads/notify/dispatcher.ex",
            58,
            "Elixir.CareThreads.Notify.Dispatcher.deliver/2",
          ),
          "logging.googleapis.com/operation": { producer: pid(r) },
        });
      },
    },
    {
      n: 29,
      service: "care-threads",
      name: "Oban EHR sync jobs time out against FHIR endpoints",
      about:
        "EHR sync workers call each clinic's FHIR endpoint with Req's default 15 s receive timeout; slow vendor sandboxes and bulk chart pulls time out, and the Oban telemetry handler logs 'oban job failed' with Req.TransportError.",
      rate: flat(14),
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("care-threads", ns);
        const ehr = grow(r, h, EHRS);
        const attempt = skew(r, [1, 2, 3, 4, 5]);
        g.json(29, w, ns, "ERROR", "stdout", {
          message: "oban job failed",
          worker: skew(r, ["CareThreads.Workers.EhrNoteSync", "CareThreads.Workers.EhrChartPull"]),
          queue: "ehr_sync",
          attempt,
          max_attempts: 20,
          job_id: int(r, 4_000_000, 4_900_000),
          ehr_host: `fhir.${ehr}.tidewell-connect.net`,
          error: "** (Req.TransportError) timeout",
          "logging.googleapis.com/sourceLocation": exSource(
            "lib/care_threads/oban_logger.ex",
            31,
            "Elixir.CareThreads.ObanLogger.handle_event/4",
          ),
          "logging.googleapis.com/operation": { producer: pid(r) },
        });
      },
    },
    {
      n: 30,
      service: "care-threads",
      name: "LiveView socket origin rejected for clinic custom domains (since 00133)",
      about:
        "Revision 00133 replaced check_origin: :conn with a hard-coded list, so clinics embedding the patient portal on their own domains get 'Could not check origin for Phoenix.Socket transport.' and a 403 on /live/websocket. Starts at the 11:20 deploy.",
      rate: steady(21),
      from: hm(11, 20, 0),
      tail: SEC,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("care-threads", ns);
        const clinic = grow(r, h, CLINICS);
        const origin = `https://portal.${clinic}.care`;
        const msg =
          "Could not check origin for Phoenix.Socket transport.\n\n" +
          `Origin of the request: ${origin}\n\n` +
          "This happens when you are attempting a socket connection to\n" +
          "a different host than the one configured in your config/\n" +
          "files. For example, in development the host is configured\n" +
          'to "localhost" but you may be trying to access it from\n' +
          '"127.0.0.1". To fix this issue, you may either:\n\n' +
          "  1. update [url: [host: ...]] to your actual host in the\n" +
          "     config file for your current environment (recommended)\n\n" +
          "  2. pass the :check_origin option when configuring your\n" +
          "     endpoint or when configuring the transport in your\n" +
          "     UserSocket module, explicitly outlining which origins\n" +
          "     are allowed:\n\n" +
          '        check_origin: ["https://example.com",\n' +
          '                       "//another.com:888", "//other.com"]\n';
        g.request(30, w, ns, {
          method: "GET",
          path: `/live/websocket?_csrf_token=${hex(r, 22)}&vsn=2.0.0`,
          status: 403,
          seconds: 0.002 + r() * 0.004,
          respSize: 0,
          referer: `${origin}/`,
        });
        const at = ns + int(r, 1, 3) * MS;
        g.json(30, w, at, "ERROR", "stdout", {
          message: msg,
          "logging.googleapis.com/sourceLocation": exSource(
            "lib/phoenix/socket/transport.ex",
            362,
            "Elixir.Phoenix.Socket.Transport.check_origin/5",
          ),
          "logging.googleapis.com/operation": { producer: pid(r) },
        });
      },
    },
    {
      n: 31,
      service: "care-threads",
      name: "instances OOM-killed by CSV export, connection errors",
      about:
        "A clinic-wide CSV export loads every message into memory; the instance is killed mid-request and Cloud Run answers in-flight requests with the malformed-response/connection-error 503.",
      rate: (r, h) => (h === ectoBursts[0] ? int(r, 25, 45) : 0),
      clump: 3,
      emit: (g, ns, h) => {
        const r = g.r;
        const w = g.where("care-threads", ns);
        g.request(31, w, ns, {
          method: pick(r, ["GET", "GET", "POST"]),
          path: `/api/clinics/${grow(r, h, CLINICS)}/threads${pick(r, ["", "/unread", "/export.csv"])}`,
          status: 503,
          seconds: 1 + r() * 20,
          respSize: 0,
          text: "The request failed because either the HTTP response was malformed or connection to the instance had an error. Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#malformed-response-or-connection-error",
        });
      },
    },
    {
      n: 32,
      service: "care-threads",
      name: "EHR token rejected, bearer token logged",
      about:
        "Two calls to one EHR vendor were rejected with 401 after a credential rotation; the error line inspects the Req request and leaks the bearer token.",
      rate: exact({ 8: 1, 9: 1 }),
      emit: (g, ns) => {
        const w = g.where("care-threads", ns);
        g.json(32, w, ns, "ERROR", "stdout", {
          message:
            'EHR request rejected: 401 from https://fhir.nextgen.tidewell-connect.net/R4/DocumentReference headers: [{"authorization", "Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ0aWRld2VsbC1jYXJlLXRocmVhZHMiLCJzY29wZSI6InN5c3RlbS8qLnJlYWQifQ.Q2mT8xVb0aLk3r"}, {"accept", "application/fhir+json"}]',
          "logging.googleapis.com/sourceLocation": exSource(
            "lib/care_threads/ehr/client.ex",
            97,
            "Elixir.CareThreads.Ehr.Client.request/3",
          ),
          "logging.googleapis.com/operation": { producer: pid(g.r) },
        });
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The day

export const PROBLEMS: readonly Problem[] = specs(rng(1))
  .sort((a, b) => a.n - b.n)
  .map((s) => ({ id: `P${String(s.n).padStart(2, "0")}`, service: s.service, about: s.about, name: s.name }));

const sortKeys = (_k: string, v: unknown): unknown =>
  v && typeof v === "object" && !Array.isArray(v)
    ? Object.fromEntries(
        Object.keys(v as Record<string, unknown>)
          .sort()
          .map((k) => [k, (v as Record<string, unknown>)[k]]),
      )
    : v;

export function buildDay(seed = 20261124): Day {
  const r = rng(seed);
  const all = specs(r).sort((a, b) => a.n - b.n);
  const g = new Gen(r);
  const END = DAY_NS - 60 * SEC;
  for (const s of all) {
    for (let h = 0; h < 24; h++) {
      const lo = Math.max(h * HOUR, s.from ?? 0);
      const hi = Math.min((h + 1) * HOUR, s.until ?? DAY_NS, END - (s.tail ?? 0));
      const n = s.rate(r, h);
      if (hi <= lo || n <= 0) continue;
      const span = hi - lo;
      const centre = lo + r() * span;
      for (let i = 0; i < n; i++) {
        let ns: number;
        if (s.clump) {
          const off = (r() + r() + r() - 1.5) * s.clump * MIN;
          ns = Math.min(hi - 1, Math.max(lo, Math.floor(centre + off)));
        } else {
          ns = lo + Math.floor(r() * span);
        }
        s.emit(g, ns, h);
      }
    }
  }
  const entries = g.out.slice().sort((a, b) => a.ns - b.ns || a.p - b.p);
  const counts: Record<string, number[]> = {};
  for (const p of PROBLEMS) counts[p.id] = Array.from({ length: 24 }, () => 0);
  const lines: string[][] = Array.from({ length: 24 }, () => []);
  entries.forEach((e, seq) => {
    const h = Math.floor(e.ns / HOUR);
    const id = `P${String(e.p).padStart(2, "0")}`;
    counts[id]![h]! += 1;
    e.obj.insertId = `${MARKER}${String(e.p).padStart(2, "0")}-${seq.toString(36)}${hex(r, 8)}`;
    lines[h]!.push(JSON.stringify(e.obj, sortKeys));
  });
  return { problems: PROBLEMS, counts, hours: lines.map((ls) => (ls.length ? ls.join("\n") + "\n" : "")) };
}

export function problemOfInsertId(insertId: unknown): string | undefined {
  if (typeof insertId !== "string") return undefined;
  const m = /^hy(\d{2})-[0-9a-z]+$/.exec(insertId);
  if (!m) return undefined;
  const id = `P${m[1]}`;
  return PROBLEMS.some((p) => p.id === id) ? id : undefined;
}

export function writeDay(day: Day, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  day.hours.forEach((text, h) => fs.writeFileSync(path.join(dir, `hour-${String(h).padStart(2, "0")}.jsonl`), text));
  const truth = {
    day: DAY,
    problems: day.problems.map((p) => ({ id: p.id, service: p.service, about: p.about, counts: day.counts[p.id] })),
  };
  fs.writeFileSync(path.join(dir, "truth.json"), JSON.stringify(truth, null, 2) + "\n");
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf("--seed");
  const dir = args.find((a, i) => !a.startsWith("--") && (seedAt < 0 || i !== seedAt + 1)) ?? "heldout-day-7";
  const day = buildDay(seedAt >= 0 ? Number(args[seedAt + 1]) : undefined);
  writeDay(day, dir);
  const total = Object.values(day.counts).reduce((a, xs) => a + xs.reduce((s, n) => s + n, 0), 0);
  process.stdout.write(`wrote ${day.problems.length} problems, ${total} entries over 24 hours to ${dir}\n`);
}
