/**
 * The fourth held-out Cloud Run day, 2026-11-27: a day of WARNING-and-worse log entries of four
 * Cloud Run services of a meal-kit delivery company, labelled with the problem each entry
 * belongs to, written without reading the clustering code or the problems of the other three
 * days. One problem is one root cause an on-call engineer would fix once.
 *
 * Services and stacks:
 * - kitchen-worker: Python Celery workers, Celery's default text log format on stderr
 *   (`[asctime: LEVEL/ProcessName] …`, task lines with `task.name[task-id]:`, tracebacks).
 * - courier-api: Node 22 with Express 5; `console.error`/`console.warn` text lines and Node
 *   stacks on stderr, morgan "combined" lines for 4xx/5xx on stdout.
 * - route-planner: Go with logrus' JSONFormatter (`level`, `msg`, `time`, fields, `func` and
 *   `file` from ReportCaller; a hook adds the `severity` field Cloud Run lifts out of the
 *   payload).
 * - billing-ledger: ASP.NET Core 8 with Serilog's CompactJsonFormatter (`@t`, `@mt`, `@l`, `@x`,
 *   properties; an enricher adds the `severity` property Cloud Run lifts out).
 * Plus Cloud Run request logs (`httpRequest`) for each service.
 *
 * Some problems have entries of two shapes from one root cause: an app's own log line and the
 * request log of the same failing request (P10, P14, P27); Celery's two lines for one OOM kill
 * (P04). Near misses that stay separate problems: P15/P16 (one call site, two messages),
 * P22/P23 (one lead message, two exception types), P24/P25 (one verb apart), P11/P12 (a long
 * message, one plain word apart).
 *
 * `insertId` carries the ground truth (`hf<NN>-…`); it is only a de-duplication key.
 * Seeded: the same seed writes the same bytes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hex, int, pick, rng, type Rng } from "../seeded-random";

export { rng };

export const DAY = "2026-11-27";
export const DAY_START = Date.parse(`${DAY}T00:00:00.000Z`);
const PROJECT = "brightpantry-prod-5127";
const LOCATION = "europe-west2";
const HOUR = 3_600_000;

// ---------------------------------------------------------------- small helpers

const uuid = (r: Rng): string => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${pick(r, ["8", "9", "a", "b"])}${hex(r, 3)}-${hex(r, 12)}`;
/** The first values of a pool carry most of the traffic. */
const skewed = <T>(r: Rng, pool: readonly T[]): T => pool[Math.floor(pool.length * r() ** 2.5)]!;
/** A pool that grows through the day: `first` values open at hour 0, `perHour` more each hour after. */
const growing = <T>(r: Rng, pool: readonly T[], hour: number, first: number, perHour: number): T =>
  pool[Math.floor(r() * Math.min(pool.length, first + perHour * hour))]!;
const digits = (r: Rng, n: number): string => String(int(r, 1, 9)) + Array.from({ length: n - 1 }, () => String(int(r, 0, 9))).join("");
const ip = (r: Rng): string => `${pick(r, ["81.2.69", "86.14.203", "92.40.177", "145.53.12", "31.94.66", "2.24.118"])}.${int(r, 1, 254)}`;
const seconds = (r: Rng, lo: number, hi: number): string => `${(lo + r() * (hi - lo)).toFixed(6)}s`;
const iso = (t: number): string => new Date(t).toISOString();

// ---------------------------------------------------------------- rates

type Rate = (hour: number) => number;
/** 0 at 01 UTC, 1 at 13 UTC: UK and continental business hours and the evening delivery slots. */
const dayShape = (h: number): number => (1 - Math.cos(((h - 1) / 24) * 2 * Math.PI)) / 2;
const diurnal =
  (night: number, peak: number): Rate =>
  (h) =>
    night + (peak - night) * dayShape(h);
const steady =
  (n: number): Rate =>
  () =>
    n;
const at =
  (table: Readonly<Record<number, number>>): Rate =>
  (h) =>
    table[h] ?? 0;
const plus =
  (a: Rate, b: Rate): Rate =>
  (h) =>
    a(h) + b(h);
const from =
  (first: number, rate: Rate): Rate =>
  (h) =>
    h >= first ? rate(h) : 0;
const until =
  (last: number, rate: Rate): Rate =>
  (h) =>
    h <= last ? rate(h) : 0;

// ---------------------------------------------------------------- services and problems

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

/** A Cloud Run request log: httpRequest and no payload, or Cloud Run's own text for errors it answers itself. */
function request(
  r: Rng,
  host: string,
  method: string,
  url: string,
  status: number,
  latency: string,
  userAgent: string,
  text?: string,
): Body {
  return {
    severity: status >= 500 ? "ERROR" : "WARNING",
    log: "requests",
    ...(text !== undefined ? { textPayload: text } : {}),
    httpRequest: {
      requestMethod: method,
      requestUrl: `https://${host}${url}`,
      requestSize: String(method === "GET" ? int(r, 300, 900) : int(r, 600, 4200)),
      status,
      responseSize: String(status === 504 || status === 429 ? int(r, 80, 140) : int(r, 150, 1800)),
      userAgent,
      remoteIp: ip(r),
      serverIp: pick(r, ["216.239.32.53", "216.239.34.53", "216.239.36.53", "216.239.38.53"]),
      latency,
      protocol: pick(r, ["HTTP/1.1", "HTTP/2"]),
    },
  };
}

// ------------------------------------------------ kitchen-worker: Python 3.12, Celery 5.4, text logs

const PY = "/usr/local/lib/python3.12/site-packages";
const KITCHEN_APP = "/srv/kitchen";

/** Celery's asctime: `2026-11-27 14:03:11,482` (the container's clock is UTC). */
const celeryTime = (t: number): string =>
  iso(t)
    .replace("T", " ")
    .replace(/\.(\d{3})Z$/, ",$1");
const worker = (r: Rng): string => `ForkPoolWorker-${int(r, 1, 8)}`;
/** Celery's worker_log_format line. */
const celeryLine = (t: number, level: string, process: string, message: string): string =>
  `[${celeryTime(t)}: ${level}/${process}] ${message}`;
/** Celery's worker_task_log_format line (a task's own logger). */
const celeryTaskLine = (t: number, level: string, r: Rng, task: string, id: string, message: string): string =>
  celeryLine(t, level, worker(r), `${task}[${id}]: ${message}`);
const pyTraceback = (frames: readonly (readonly [string, number, string, string])[], last: string): string =>
  `Traceback (most recent call last):\n${frames.map(([file, line, fn, code]) => `  File "${file}", line ${line}, in ${fn}\n    ${code}`).join("\n")}\n${last}`;
const celeryFrames = [
  [`${PY}/celery/app/trace.py`, 453, "trace_task", "R = retval = fun(*args, **kwargs)"],
  [`${PY}/celery/app/trace.py`, 736, "__protected_call__", "return self.run(*args, **kwargs)"],
] as const;

const KITCHENS = ["leeds", "bristol", "croydon", "rotterdam"] as const;
const SUPPLIERS = ["saltmarsh", "fernhill", "oakmead"] as const;
const CATEGORIES = ["produce", "dairy", "meat", "bakery", "pantry"] as const;
const REMINDER_LOCALES = ["de-AT", "fr-BE"] as const;
const FIRST = [
  "anna",
  "lukas",
  "marie",
  "jonas",
  "lea",
  "elias",
  "chloe",
  "louis",
  "emma",
  "noah",
  "julie",
  "felix",
  "sarah",
  "maxime",
] as const;
const MAIL_DOMAINS = ["gmx.at", "gmail.com", "outlook.com", "skynet.be", "telenet.be", "icloud.com"] as const;
const email = (r: Rng): string =>
  `${pick(r, FIRST)}.${pick(r, ["huber", "wagner", "peeters", "dubois", "maes", "gruber", "lambert"])}${int(r, 1, 99)}@${pick(r, MAIL_DOMAINS)}`;

const kitchen: Omit<Problem, "service">[] = [
  {
    id: "P01",
    about:
      "build_pick_list fails with SQLAlchemy/psycopg2 'remaining connection slots are reserved' (Cloud SQL out of connections): a steady trickle and a burst at the 16:00 cut-off; Celery 'raised unexpected' line with a Python traceback; tests one problem across a 100x burst",
    rate: plus(steady(1.5), at({ 16: 220, 17: 110 })),
    make: ({ r, time }) => {
      const id = uuid(r);
      const repr = `(psycopg2.OperationalError) connection to server at "10.87.0.3", port 5432 failed: FATAL:  remaining connection slots are reserved for non-replication superuser connections`;
      return {
        severity: "ERROR",
        log: "stderr",
        textPayload: `${celeryLine(time, "ERROR", worker(r), `Task pantry.tasks.build_pick_list[${id}] raised unexpected: OperationalError('${repr}')`)}\n${pyTraceback(
          [
            ...celeryFrames,
            [
              `${KITCHEN_APP}/pantry/tasks.py`,
              88,
              "build_pick_list",
              "boxes = session.scalars(select(Box).where(Box.kitchen == kitchen)).all()",
            ],
            [`${PY}/sqlalchemy/orm/session.py`, 2412, "scalars", "return self._execute_internal("],
            [`${PY}/sqlalchemy/engine/base.py`, 145, "__init__", "self._dbapi_connection = engine.raw_connection()"],
            [`${PY}/psycopg2/__init__.py`, 122, "connect", "conn = _connect(dsn, connection_factory=connection_factory, **kwasync)"],
          ],
          `sqlalchemy.exc.OperationalError: ${repr}\n(Background on this error at: https://sqlalche.me/e/20/e3q8)`,
        )}`,
      };
    },
  },
  {
    id: "P02",
    about:
      "sync_supplier_prices fails on a supplier feed's 503 (requests HTTPError), every 15 minutes all day; supplier (3, skewed) and category (5) words in the URL, a timestamp query; tests a steady low-rate problem with word-valued hosts",
    rate: steady(4),
    make: ({ r, time }) => {
      const supplier = skewed(r, SUPPLIERS);
      const since = encodeURIComponent(iso(time - int(r, 900, 1800) * 1000).replace(/\.\d{3}Z$/, "Z"));
      const url = `https://feeds.${supplier}farms.co.uk/v2/prices?category=${pick(r, CATEGORIES)}&since=${since}`;
      const id = uuid(r);
      return {
        severity: "ERROR",
        log: "stderr",
        textPayload: `${celeryLine(time, "ERROR", worker(r), `Task pantry.tasks.sync_supplier_prices[${id}] raised unexpected: HTTPError('503 Server Error: Service Unavailable for url: ${url}')`)}\n${pyTraceback(
          [
            ...celeryFrames,
            [`${KITCHEN_APP}/pantry/tasks.py`, 141, "sync_supplier_prices", "resp.raise_for_status()"],
            [`${PY}/requests/models.py`, 1024, "raise_for_status", "raise HTTPError(http_error_msg, response=self)"],
          ],
          `requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: ${url}`,
        )}`,
      };
    },
  },
  {
    id: "P03",
    about:
      "Celery MainProcess warning 'Soft time limit (240s) exceeded for pantry.tasks.render_recipe_card[id]': recipe-card PDF rendering too slow at load, diurnal; tests a short text line whose only variables are the time, a UUID and the process",
    rate: diurnal(0.5, 30),
    make: ({ r, time }) => ({
      severity: "WARNING",
      log: "stderr",
      textPayload: celeryLine(
        time,
        "WARNING",
        "MainProcess",
        `Soft time limit (240s) exceeded for pantry.tasks.render_recipe_card[${uuid(r)}]`,
      ),
    }),
  },
  {
    id: "P04",
    about:
      "a worker process OOM-killed while rendering label batches: Celery logs two lines for one kill, 'Process ForkPoolWorker-N pid:… exited with signal 9 (SIGKILL)' and 'Task handler raised error: WorkerLostError(…)'; sparse, four afternoon and evening hours; tests two messages of one root cause",
    rate: at({ 11: 2, 12: 4, 18: 4, 19: 2 }),
    make: ({ r, time }) =>
      r() < 0.5
        ? {
            severity: "ERROR",
            log: "stderr",
            textPayload: celeryLine(
              time,
              "ERROR",
              "MainProcess",
              `Process '${worker(r)}' pid:${int(r, 40, 2400)} exited with 'signal 9 (SIGKILL)'`,
            ),
          }
        : ((job: number) => ({
            severity: "ERROR",
            log: "stderr",
            textPayload: `${celeryLine(time, "ERROR", "MainProcess", `Task handler raised error: WorkerLostError('Worker exited prematurely: signal 9 (SIGKILL) Job: ${job}.')`)}\n${pyTraceback(
              [[`${PY}/billiard/pool.py`, 1264, "mark_as_worker_lost", "raise WorkerLostError("]],
              `billiard.exceptions.WorkerLostError: Worker exited prematurely: signal 9 (SIGKILL) Job: ${job}.`,
            )}`,
          }))(int(r, 100, 9000)),
  },
  {
    id: "P05",
    about:
      "send_box_reminder skips customers of two locales because the consent migration missed them: task-logger WARNING with a customer id, an email address and the locale (2 values); diurnal; tests email redaction and a small word pool",
    rate: diurnal(1, 40),
    make: ({ r, time }) => ({
      severity: "WARNING",
      log: "stderr",
      textPayload: celeryTaskLine(
        time,
        "WARNING",
        r,
        "pantry.tasks.send_box_reminder",
        uuid(r),
        `reminder not sent to customer ${digits(r, 6)} <${email(r)}>: no marketing consent record for locale ${skewed(r, REMINDER_LOCALES)}`,
      ),
    }),
  },
  {
    id: "P06",
    about:
      "import_menu_week fails with KeyError('allergens'): the week-49 menu sheets came without the allergens column; three morning hours only; kitchen (4) in the file path; tests a sparse problem with a traceback",
    rate: at({ 6: 3, 7: 5, 8: 1 }),
    make: ({ r, time }) => {
      const file = `gs://brightpantry-menus/2026-W49/${pick(r, KITCHENS)}.csv`;
      return {
        severity: "ERROR",
        log: "stderr",
        textPayload: `${celeryLine(time, "ERROR", worker(r), `Task pantry.tasks.import_menu_week[${uuid(r)}] raised unexpected: KeyError('allergens')`)}\n${pyTraceback(
          [
            ...celeryFrames,
            [`${KITCHEN_APP}/pantry/tasks.py`, 203, "import_menu_week", `rows = list(read_menu_sheet("${file}"))`],
            [`${KITCHEN_APP}/pantry/menus.py`, 57, "read_menu_sheet", 'allergens = parse_allergens(row["allergens"])'],
          ],
          "KeyError: 'allergens'",
        )}`,
      };
    },
  },
  {
    id: "P07",
    about:
      "the Celery consumer loses its Redis broker during Memorystore maintenance at 21:00: 'consumer: Cannot connect to redis://…: Error 111 … Trying again in N seconds... (k/100)' with a growing retry count; tests a burst with attempt counts and backoff durations",
    rate: at({ 21: 34, 22: 6 }),
    make: ({ r, time, hour }) => {
      const attempt = hour === 21 ? int(r, 1, 34) : int(r, 35, 40);
      const wait = Math.min(30, 2 * attempt).toFixed(2);
      return {
        severity: "ERROR",
        log: "stderr",
        textPayload: celeryLine(
          time,
          "ERROR",
          "MainProcess",
          `consumer: Cannot connect to redis://10.87.16.4:6379/0: Error 111 connecting to 10.87.16.4:6379. Connection refused..\nTrying again in ${wait} seconds... (${attempt}/100)`,
        ),
      };
    },
  },
];

// ------------------------------------------------ courier-api: Node 22, Express 5, console and morgan

const COURIER_HOST = "courier-api-7h2kqz4xva-nw.a.run.app";
const ZONES = [
  "hackney",
  "camden",
  "islington",
  "brixton",
  "peckham",
  "stratford",
  "clapham",
  "fulham",
  "greenwich",
  "walthamstow",
  "ealing",
  "tottenham",
  "lewisham",
  "kensington",
] as const;
const PARTNERS = ["swiftvan", "pedalpost", "metrodrop"] as const;
const SLOTS = ["07:00-09:00", "12:00-14:00", "17:00-19:00", "19:00-21:00"] as const;
const CLIENTS = ["ios", "android", "web"] as const;
const APP_UA = {
  ios: "Brightpantry/6.3.1 (iPhone; iOS 18.1; Scale/3.00)",
  android: "okhttp/4.12.0",
  web: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
} as const;
const deliveryId = (r: Rng): number => int(r, 4_100_000, 4_899_999);
const nodeStack = (head: string, frames: readonly string[]): string => `${head}\n${frames.map((f) => `    at ${f}`).join("\n")}`;
const clf = (t: number): string => {
  const d = new Date(t);
  const mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()]!;
  return `${String(d.getUTCDate()).padStart(2, "0")}/${mon}/${d.getUTCFullYear()}:${iso(t).slice(11, 19)} +0000`;
};
/** The courier assignment warning of P11 and P12: the same sentence but for the compartment's state. */
const assignmentWarning = (r: Rng, partner: string, state: "full" | "faulty"): string =>
  `[dispatch] courier assignment failed for delivery ${deliveryId(r)} in zone ${skewed(r, ZONES)}: partner ${partner} reported the assigned van unavailable for the ${pick(r, SLOTS)} slot because its chilled compartment was ${state} and no other van in range could take the box`;

const courier: Omit<Problem, "service">[] = [
  {
    id: "P08",
    about:
      "GET /v1/couriers/nearby hits Cloud Run's 60 s request timeout (504, Cloud Run's own textPayload) while the partner location API hangs; zone (14, skewed) and coordinates in the query; diurnal; tests request logs with a word in the query string",
    rate: diurnal(1, 60),
    make: ({ r }) => {
      const client = pick(r, CLIENTS);
      const lat = (51.45 + r() * 0.15).toFixed(5);
      const lng = (-0.25 + r() * 0.3).toFixed(5);
      return request(
        r,
        COURIER_HOST,
        "GET",
        `/v1/couriers/nearby?zone=${skewed(r, ZONES)}&lat=${lat}&lng=${lng}&client=${client}`,
        504,
        seconds(r, 59.9, 60.02),
        APP_UA[client],
        "The request has been terminated because it has reached the maximum request timeout. To change this limit, see https://cloud.google.com/run/docs/configuring/request-timeout",
      );
    },
  },
  {
    id: "P09",
    about:
      "429s on POST /v1/webhooks/{partner}/events from express-rate-limit when pedalpost's webhook sender retries in a storm 18:00-20:00 (pedalpost most, the other two partners a little); request logs only; tests a burst of request logs with a small word pool in the path",
    rate: plus(diurnal(0.2, 2), at({ 18: 160, 19: 240, 20: 40 })),
    make: ({ r, hour }) => {
      const partner = hour >= 18 && hour <= 20 && r() < 0.92 ? "pedalpost" : pick(r, PARTNERS);
      return request(r, COURIER_HOST, "POST", `/v1/webhooks/${partner}/events`, 429, seconds(r, 0.001, 0.004), `${partner}-webhooks/2.1`);
    },
  },
  {
    id: "P10",
    about:
      "starts with the 13:00 deploy (courier-api-00613-vos): the ETA route reads delivery.dropoff.geo of deliveries without a dropoff; Express prints 'TypeError: Cannot read properties of undefined (reading 'geo')' with a Node stack on stderr, and Cloud Run logs the 500 of the same request (GET /v1/deliveries/{id}/eta); tests a deploy-started problem in two shapes",
    rate: from(13, diurnal(4, 50)),
    make: ({ r }) => {
      if (r() < 0.5) {
        const client = pick(r, CLIENTS);
        return request(
          r,
          COURIER_HOST,
          "GET",
          `/v1/deliveries/${deliveryId(r)}/eta?client=${client}`,
          500,
          seconds(r, 0.02, 0.3),
          APP_UA[client],
        );
      }
      return {
        severity: "ERROR",
        log: "stderr",
        textPayload: nodeStack("TypeError: Cannot read properties of undefined (reading 'geo')", [
          "toEtaResponse (/app/dist/routes/eta.js:48:41)",
          "/app/dist/routes/eta.js:27:21",
          "process.processTicksAndRejections (node:internal/process/task_queues:105:5)",
        ]),
      };
    },
  },
  {
    id: "P11",
    about:
      "console.warn '[dispatch] courier assignment failed … because its chilled compartment was full and no other van in range could take the box' (40 words): not enough chilled van capacity at peak; zone (14), partner (3), slot (4), delivery id; diurnal; near miss of P12 (one plain word apart)",
    rate: diurnal(0.3, 45),
    make: ({ r }) => ({ severity: "WARNING", log: "stderr", textPayload: assignmentWarning(r, skewed(r, PARTNERS), "full") }),
  },
  {
    id: "P12",
    about:
      "the same 40-word dispatch warning as P11 but 'was faulty': metrodrop vans report a broken chiller, an equipment fault at one partner, not a capacity problem; sparse, six hours; near miss of P11",
    rate: at({ 9: 1, 12: 2, 15: 3, 17: 2, 18: 4, 20: 1 }),
    make: ({ r }) => ({ severity: "WARNING", log: "stderr", textPayload: assignmentWarning(r, "metrodrop", "faulty") }),
  },
  {
    id: "P13",
    about:
      "console.error 'eta lookup failed for delivery N: TypeError: fetch failed' with the undici stack and '[cause]: Error: getaddrinfo EAI_AGAIN geo.brightpantry.net': the geocoder's DNS name flaps; steady, a few an hour; tests a Node error with a cause block and a hostname",
    rate: steady(3),
    make: ({ r }) => ({
      severity: "ERROR",
      log: "stderr",
      textPayload: `eta lookup failed for delivery ${deliveryId(r)}: ${nodeStack("TypeError: fetch failed", [
        "node:internal/deps/undici/undici:13510:13",
        "process.processTicksAndRejections (node:internal/process/task_queues:105:5)",
        "async geocode (/app/dist/lib/geocode.js:22:17)",
        "async estimateEta (/app/dist/lib/eta.js:61:19)",
      ])} {\n  [cause]: Error: getaddrinfo EAI_AGAIN geo.brightpantry.net\n      at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:120:26) {\n    errno: -3001,\n    code: 'EAI_AGAIN',\n    syscall: 'getaddrinfo',\n    hostname: 'geo.brightpantry.net'\n  }\n}`,
    }),
  },
  {
    id: "P14",
    about:
      "PedalPost courier app 4.12.0 fails to refresh its token, so PUT /v1/couriers/{id}/location answers 401: morgan 'combined' lines on stdout and Cloud Run's request logs of the same requests; courier id, IPs, sizes; diurnal; tests one problem in two shapes (morgan text and httpRequest)",
    rate: diurnal(2, 50),
    make: ({ r, time }) => {
      const courierId = int(r, 20_000, 29_999);
      const ua = "PedalPost-Courier/4.12.0 (Android 14; okhttp/4.12.0)";
      if (r() < 0.5) return request(r, COURIER_HOST, "PUT", `/v1/couriers/${courierId}/location`, 401, seconds(r, 0.002, 0.012), ua);
      return {
        severity: "WARNING",
        log: "stdout",
        textPayload: `${ip(r)} - - [${clf(time)}] "PUT /v1/couriers/${courierId}/location HTTP/1.1" 401 ${int(r, 36, 44)} "-" "${ua}"`,
      };
    },
  },
];

// ------------------------------------------------ route-planner: Go 1.23, logrus JSON

const PLANNER_HOST = "route-planner-7h2kqz4xva-nw.a.run.app";
const MODULE = "github.com/brightpantry/route-planner";
const DEPOTS = ["leyton", "wembley", "croydon", "enfield", "barking", "acton"] as const;
const VEHICLES = ["ebike", "van", "chilled_van"] as const;
const OPTIMISER_REGIONS = ["europe-west2", "europe-west1"] as const;
const TOPICS = ["route-updates", "eta-updates"] as const;
const FEATURES = ["multi_drop_bundling", "ev_range_check"] as const;
const postcode = (r: Rng): string =>
  `${pick(r, ["E", "N", "SE", "SW", "W", "NW", "CR", "EN", "IG"])}${int(r, 1, 20)} ${int(r, 1, 9)}${pick(r, ["A", "B", "D", "E", "F", "G", "H", "J", "L", "N", "P", "Q", "R", "S", "T", "U", "W", "X", "Y", "Z"])}${pick(r, ["A", "B", "D", "E", "H", "J", "L", "N", "P", "R", "T", "W"])}`;
function logrus(
  time: number,
  level: "warning" | "error",
  msg: string,
  fields: Record<string, unknown>,
  func?: string,
  file?: string,
): Body {
  return {
    severity: level === "warning" ? "WARNING" : "ERROR",
    log: "stdout",
    jsonPayload: {
      level,
      msg,
      time: iso(time).replace(/\.\d{3}Z$/, "Z"),
      ...(func ? { func: `${MODULE}/${func}`, file: `/src/${file}` } : {}),
      ...fields,
    },
  };
}
/** P15 and P16 both come from this one logrus call: `log.WithFields(…).Warn(reason)`. */
const skippedStop = (r: Rng, time: number, reason: string): Body =>
  logrus(
    time,
    "warning",
    reason,
    {
      depot: skewed(r, DEPOTS),
      wave: int(r, 1, 4),
      stop_id: int(r, 9_000_000, 9_999_999),
      postcode: postcode(r),
      vehicle: pick(r, VEHICLES),
    },
    "internal/plan.(*Builder).addStop",
    "internal/plan/builder.go:214",
  );

const planner: Omit<Problem, "service">[] = [
  {
    id: "P15",
    about:
      "logrus warning 'stop skipped: address has no geocode' from the route builder (addresses entered without a geocode since the checkout change); depot (6, skewed), vehicle (3), postcode, stop id; diurnal, the day's largest; near miss of P16 (same call site)",
    rate: diurnal(2, 110),
    make: ({ r, time }) => skippedStop(r, time, "stop skipped: address has no geocode"),
  },
  {
    id: "P16",
    about:
      "logrus warning 'stop skipped: delivery window closed before departure' from the same call site as P15 (late dispatch of the evening wave); a burst at 17:00; near miss of P15",
    rate: plus(diurnal(0.2, 12), at({ 17: 90 })),
    make: ({ r, time }) => skippedStop(r, time, "stop skipped: delivery window closed before departure"),
  },
  {
    id: "P17",
    about:
      "logrus error 'route optimisation failed' with a Go error chain 'solve depot D wave N: call optimiser (region): rpc error: code = DeadlineExceeded desc = context deadline exceeded'; depot (6), region (2), vehicles, duration; diurnal; tests Go error chains with words inside",
    rate: diurnal(0.5, 20),
    make: ({ r, time }) => {
      const depot = skewed(r, DEPOTS);
      const wave = int(r, 1, 4);
      return logrus(
        time,
        "error",
        "route optimisation failed",
        {
          depot,
          wave,
          vehicles: int(r, 6, 48),
          stops: int(r, 80, 900),
          elapsed: `${(30 + r() * 0.02).toFixed(6)}s`,
          error: `solve depot ${depot} wave ${wave}: call optimiser (${skewed(r, OPTIMISER_REGIONS)}): rpc error: code = DeadlineExceeded desc = context deadline exceeded`,
        },
        "internal/optimise.(*Client).Solve",
        "internal/optimise/client.go:96",
      );
    },
  },
  {
    id: "P18",
    about:
      "Pub/Sub publish of route updates fails while the topic's region has an incident around 08:00, retried with attempts 1-5 (warning, error at the last): 'publish route update failed'; topic (2), attempt, route id; tests retries with attempt counts and a burst",
    rate: plus(steady(0.5), at({ 8: 120, 9: 30 })),
    make: ({ r, time }) => {
      const attempt = int(r, 1, 5);
      return logrus(
        time,
        attempt < 5 ? "warning" : "error",
        "publish route update failed",
        {
          topic: `projects/${PROJECT}/topics/${skewed(r, TOPICS)}`,
          route_id: uuid(r),
          attempt,
          max_attempts: 5,
          backoff: `${2 ** attempt * 100}ms`,
          error:
            "pubsub: Publish: rpc error: code = Unavailable desc = The service was unable to fulfill your request. Please try again. [code=8a75]",
        },
        "internal/events.(*Publisher).Publish",
        "internal/events/publisher.go:71",
      );
    },
  },
  {
    id: "P19",
    about:
      "BigQuery streaming insert into planner_metrics.route_stats rejects rows with 'no such field: co2_grams' (schema not migrated); logrus error every few minutes all day; row counts, insert id; tests a steady problem with snake_case names",
    rate: steady(8),
    make: ({ r, time }) => {
      const rows = int(r, 1, 40);
      return logrus(
        time,
        "error",
        "metrics export failed",
        {
          dataset: "planner_metrics",
          table: "route_stats",
          rows,
          error: `bigquery: streaming insert into planner_metrics.route_stats: ${rows} row insertions failed (insert id ${hex(r, 16)}: no such field: co2_grams.)`,
        },
        "internal/metrics.(*Exporter).flush",
        "internal/metrics/exporter.go:133",
      );
    },
  },
  {
    id: "P20",
    about:
      "a recovered panic 'index out of range [N] with length N' in the bundling of multi-drop stops, behind feature flags (2); logrus error with a goroutine stack; sparse, a few an hour in six hours; tests a Go panic stack",
    rate: at({ 10: 1, 11: 2, 13: 3, 14: 1, 16: 2, 19: 1 }),
    make: ({ r, time }) => {
      const n = int(r, 2, 6);
      return logrus(
        time,
        "error",
        "panic recovered",
        {
          depot: skewed(r, DEPOTS),
          feature: pick(r, FEATURES),
          panic: `runtime error: index out of range [${n}] with length ${n}`,
          stack: `goroutine ${int(r, 40, 9000)} [running]:\nruntime/debug.Stack()\n\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e\n${MODULE}/internal/server.recoverer.func1.1()\n\t/src/internal/server/middleware.go:44 +0x8b\npanic({0x1a2b3c0?, 0xc000${hex(r, 6)}?})\n\t/usr/local/go/src/runtime/panic.go:785 +0x132\n${MODULE}/internal/plan.bundleDrops(...)\n\t/src/internal/plan/bundle.go:58\n${MODULE}/internal/plan.(*Builder).Build(0xc000${hex(r, 6)}, {0x1d4e2a8, 0xc000${hex(r, 6)}})\n\t/src/internal/plan/builder.go:131 +0x6d4`,
        },
        "internal/server.recoverer.func1.1",
        "internal/server/middleware.go:47",
      );
    },
  },
  {
    id: "P21",
    about:
      "Cloud Run answers 429 'no available instance' to POST /v1/plans/{depot}/recompute in the morning planning wave (max instances too low); request logs with Cloud Run's text; depot (6) in the path; 06:00-08:00 only; tests a short burst of request logs",
    rate: at({ 6: 40, 7: 200, 8: 80 }),
    make: ({ r }) =>
      request(
        r,
        PLANNER_HOST,
        "POST",
        `/v1/plans/${pick(r, DEPOTS)}/recompute`,
        429,
        seconds(r, 9.8, 10.1),
        "Google-Cloud-Scheduler",
        "The request was aborted because there was no available instance. Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#abort-request",
      ),
  },
];

// ------------------------------------------------ billing-ledger: ASP.NET Core 8, Serilog compact JSON

const BILLING_HOST = "billing-ledger-7h2kqz4xva-nw.a.run.app";
const TENANTS = ["brightpantry", "leanplate", "hearthbox"] as const;
const LEDGER_ACCOUNTS = ["receivables", "deferred_revenue", "refunds_payable"] as const;
const PROVIDERS = ["adyen", "stripe"] as const;
const REFUND_CURRENCIES = ["GBP", "EUR", "SEK", "PLN"] as const;
const FX_MISSING = ["CHF", "NOK"] as const;
const LANGS = ["en", "de", "nl", "fr"] as const;
const FLEX_PLANS = ["office-flex", "office-flex-plus"] as const;
const SUB_STATES = ["active", "trialing", "past_due"] as const;
/** Office (B2B) accounts, each always billed in one currency. */
const OFFICE_ACCOUNTS: readonly (readonly [string, string])[] = [
  ["nordvik-legal", "NOK"],
  ["fable-studio", "SEK"],
  ["quayside-dental", "DKK"],
  ["lindqvist-architects", "SEK"],
  ["harbour-row-media", "DKK"],
  ["aurora-analytics", "NOK"],
  ["kestrel-partners", "SEK"],
  ["tidemark-labs", "DKK"],
  ["bjork-and-berg", "SEK"],
  ["fjordline-travel", "NOK"],
  ["copper-kettle-pr", "DKK"],
  ["saltwind-energy", "NOK"],
  ["granit-consulting", "SEK"],
  ["nyhavn-design", "DKK"],
  ["polar-ridge-games", "SEK"],
  ["elmstead-clinic", "DKK"],
  ["skarv-robotics", "NOK"],
  ["lagom-software", "SEK"],
  ["vinterhus-agency", "NOK"],
  ["brygge-accounting", "NOK"],
  ["moss-and-fern", "SEK"],
  ["havn-logistics", "DKK"],
  ["stille-audio", "NOK"],
  ["ekorre-capital", "SEK"],
  ["ravn-security", "DKK"],
  ["birch-lane-law", "SEK"],
  ["kobber-print", "DKK"],
  ["tunga-data", "NOK"],
  ["solsikke-media", "DKK"],
  ["alder-health", "SEK"],
  ["fyr-ventures", "NOK"],
  ["glimt-creative", "DKK"],
  ["hjort-engineering", "SEK"],
  ["isbre-foods", "NOK"],
  ["kval-insurance", "NOK"],
  ["lyng-architecture", "DKK"],
  ["mjod-brewing", "SEK"],
  ["norrsken-tech", "SEK"],
  ["oter-outdoor", "NOK"],
  ["pilot-whale-studio", "DKK"],
];
const base32 = (r: Rng, n: number): string =>
  Array.from({ length: n }, () => "0123456789ABCDEFGHIJKLMNOPQRSTUV"[Math.floor(r() * 32)]).join("");
/** Serilog's CLEF @t: seven fractional digits. */
const clefTime = (t: number, r: Rng): string => iso(t).replace(/Z$/, `${digits(r, 4)}Z`);
function serilog(
  time: number,
  r: Rng,
  level: "Warning" | "Error",
  mt: string,
  props: Record<string, unknown>,
  sourceContext: string,
  x?: string,
  httpPath?: string,
): Body {
  const conn = `0HN8${base32(r, 9)}`;
  return {
    severity: level === "Warning" ? "WARNING" : "ERROR",
    log: "stdout",
    jsonPayload: {
      "@t": clefTime(time, r),
      "@mt": mt,
      "@l": level,
      ...(x ? { "@x": x } : {}),
      ...props,
      SourceContext: sourceContext,
      ...(httpPath
        ? {
            RequestId: `${conn}:${String(int(r, 1, 40)).padStart(8, "0")}`,
            RequestPath: httpPath,
            ConnectionId: conn,
            "@tr": hex(r, 32),
            "@sp": hex(r, 16),
          }
        : {}),
      Application: "billing-ledger",
    },
  };
}
const dotnetFrames = (frames: readonly string[]): string => frames.map((f) => `   at ${f}`).join("\n");
const LEDGER_MT = "Failed to post ledger entry {EntryId} to {LedgerAccount} for tenant {Tenant}";
const ledgerPost = (r: Rng, time: number, x: string): Body =>
  serilog(
    time,
    r,
    "Error",
    LEDGER_MT,
    { EntryId: uuid(r), LedgerAccount: skewed(r, LEDGER_ACCOUNTS), Tenant: skewed(r, TENANTS), AmountMinor: int(r, 899, 18999) },
    "Brightpantry.Billing.Ledger.LedgerPoster",
    x,
  );
const postFrames = [
  "Brightpantry.Billing.Ledger.LedgerPoster.PostAsync(LedgerEntry entry, CancellationToken ct) in /src/Billing/Ledger/LedgerPoster.cs:line 84",
  "Brightpantry.Billing.Ledger.LedgerConsumer.HandleAsync(PaymentEvent evt, CancellationToken ct) in /src/Billing/Ledger/LedgerConsumer.cs:line 52",
];
const REFUND_CONTEXT = "Brightpantry.Billing.Refunds.RefundWorker";
const refund = (r: Rng, time: number, verb: "declined" | "reversed"): Body =>
  serilog(
    time,
    r,
    "Warning",
    `Refund {RefundId} ${verb}`,
    {
      RefundId: `rf_${base32(r, 14).toLowerCase()}`,
      Provider: skewed(r, PROVIDERS),
      Currency: skewed(r, REFUND_CURRENCIES),
      AmountMinor: int(r, 500, 12999),
      OrderId: int(r, 70_000_000, 79_999_999),
    },
    REFUND_CONTEXT,
  );

const billing: Omit<Problem, "service">[] = [
  {
    id: "P22",
    about:
      "stops with the 10:00 deploy (billing-ledger-00092-sab fixes the idempotency key): 'Failed to post ledger entry {EntryId} to {LedgerAccount} for tenant {Tenant}' with Npgsql.PostgresException 23505 duplicate key on ledger_entries_idempotency_key; tenant (3), ledger account (3); near miss of P23 (same message template, other exception)",
    rate: until(9, diurnal(2, 25)),
    make: ({ r, time }) =>
      ledgerPost(
        r,
        time,
        `Npgsql.PostgresException (0x80004005): 23505: duplicate key value violates unique constraint "ledger_entries_idempotency_key"\n\nDETAIL: Detail redacted as it may contain sensitive data. Specify 'Include Error Detail' in the connection string to include this information.\n${dotnetFrames(
          [
            "Npgsql.Internal.NpgsqlConnector.ReadMessageLong(Boolean async, DataRowLoadingMode dataRowLoadingMode, Boolean readingNotifications, Boolean isReadingPrependedMessage)",
            "Npgsql.NpgsqlDataReader.NextResult(Boolean async, Boolean isConsuming, CancellationToken cancellationToken)",
            "Npgsql.NpgsqlCommand.ExecuteNonQuery(Boolean async, CancellationToken cancellationToken)",
            ...postFrames,
          ],
        )}\n  Exception data:\n    Severity: ERROR\n    SqlState: 23505\n    MessageText: duplicate key value violates unique constraint "ledger_entries_idempotency_key"\n    SchemaName: ledger\n    TableName: ledger_entries\n    ConstraintName: ledger_entries_idempotency_key\n    File: nbtinsert.c\n    Line: 666\n    Routine: _bt_check_unique`,
      ),
  },
  {
    id: "P23",
    about:
      "the same ledger-post error template as P22 but Npgsql.NpgsqlException 'Exception while reading from stream' with an inner System.TimeoutException: the nightly reconciliation locks ledger_entries at 14:00-15:00; near miss of P22 (same lead message, other exception type)",
    rate: at({ 14: 140, 15: 60 }),
    make: ({ r, time }) =>
      ledgerPost(
        r,
        time,
        `Npgsql.NpgsqlException (0x80004005): Exception while reading from stream\n ---> System.TimeoutException: Timeout during reading attempt\n${dotnetFrames(
          [
            "Npgsql.Internal.NpgsqlReadBuffer.<Ensure>g__EnsureLong|55_0(NpgsqlReadBuffer buffer, Int32 count, Boolean async, Boolean readingNotifications)",
          ],
        )}\n   --- End of inner exception stack trace ---\n${dotnetFrames([
          "Npgsql.Internal.NpgsqlReadBuffer.<Ensure>g__EnsureLong|55_0(NpgsqlReadBuffer buffer, Int32 count, Boolean async, Boolean readingNotifications)",
          "Npgsql.Internal.NpgsqlConnector.ReadMessageLong(Boolean async, DataRowLoadingMode dataRowLoadingMode, Boolean readingNotifications, Boolean isReadingPrependedMessage)",
          "Npgsql.NpgsqlCommand.ExecuteNonQuery(Boolean async, CancellationToken cancellationToken)",
          ...postFrames,
        ])}`,
      ),
  },
  {
    id: "P24",
    about:
      "Serilog warning 'Refund {RefundId} declined': the provider declines refunds of cards expired since the charge; provider (2), currency (4), amounts, order id; diurnal; near miss of P25 (one verb apart, same properties)",
    rate: diurnal(0.5, 30),
    make: ({ r, time }) => refund(r, time, "declined"),
  },
  {
    id: "P25",
    about:
      "Serilog warning 'Refund {RefundId} reversed': a provider reversed refunds already paid out (a reconciliation problem, not a card one); sparse, five hours; near miss of P24 (one verb apart)",
    rate: at({ 3: 1, 10: 2, 13: 3, 16: 2, 21: 1 }),
    make: ({ r, time }) => refund(r, time, "reversed"),
  },
  {
    id: "P26",
    about:
      "ASP.NET Core's HttpsRedirectionMiddleware warns 'Failed to determine the https port for redirect.' on every request (UseHttpsRedirection behind Cloud Run's TLS front end); EventId 3 FailedToDeterminePort; request path (4); diurnal, high; tests a constant message with only request ids varying",
    rate: diurnal(3, 140),
    make: ({ r, time }) => {
      const p = skewed(r, ["/v1/subscriptions", "/v1/invoices", "/v1/payment-methods", "/healthz"]);
      return serilog(
        time,
        r,
        "Warning",
        "Failed to determine the https port for redirect.",
        { EventId: { Id: 3, Name: "FailedToDeterminePort" } },
        "Microsoft.AspNetCore.HttpsPolicy.HttpsRedirectionMiddleware",
        undefined,
        p === "/healthz" ? p : `${p}/${int(r, 100000, 999999)}`,
      );
    },
  },
  {
    id: "P27",
    about:
      "POST /v1/invoices/{id}/convert fails for CHF and NOK (no exchange rate loaded): ExceptionHandlerMiddleware 'An unhandled exception has occurred while executing the request.' with System.InvalidOperationException \"No exchange rate for currency 'CHF' on 2026-11-27\" and a .NET stack, and Cloud Run's 500 request log of the same requests; currency (2); tests two shapes of one problem",
    rate: diurnal(0.2, 8),
    make: ({ r, time }) => {
      const invoice = int(r, 300000, 399999);
      if (r() < 0.5)
        return request(
          r,
          BILLING_HOST,
          "POST",
          `/v1/invoices/${invoice}/convert`,
          500,
          seconds(r, 0.01, 0.09),
          "Brightpantry-Admin/2.4 (+https://admin.brightpantry.com)",
        );
      const currency = pick(r, FX_MISSING);
      return serilog(
        time,
        r,
        "Error",
        "An unhandled exception has occurred while executing the request.",
        { EventId: { Id: 1, Name: "UnhandledException" } },
        "Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware",
        `System.InvalidOperationException: No exchange rate for currency '${currency}' on ${DAY}\n${dotnetFrames([
          `Brightpantry.Billing.Fx.RateTable.Convert(Money amount, String currency, DateOnly day) in /src/Billing/Fx/RateTable.cs:line 57`,
          "Brightpantry.Billing.Invoices.InvoiceEndpoints.ConvertAsync(Int64 id, ConvertRequest body, IInvoiceStore store, RateTable rates) in /src/Billing/Invoices/InvoiceEndpoints.cs:line 112",
          "Microsoft.AspNetCore.Http.RequestDelegateFactory.ExecuteTaskResult[T](Task`1 task, HttpContext httpContext)",
          "Microsoft.AspNetCore.Routing.EndpointMiddleware.<Invoke>g__AwaitRequestTask|7_0(Endpoint endpoint, Task requestTask, ILogger logger)",
          "Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddlewareImpl.<Invoke>g__Awaited|10_0(ExceptionHandlerMiddlewareImpl middleware, HttpContext context, Task task)",
        ])}`,
        `/v1/invoices/${invoice}/convert`,
      );
    },
  },
  {
    id: "P28",
    about:
      "Polly (Microsoft.Extensions.Http.Resilience) retry telemetry 'Execution attempt. Source: … Result: '503', Handled: 'True', Attempt: 'N', Execution Time: Xms' for the flaky tax-rates API; attempt 0-2, execution time; diurnal; tests a long template whose variables are numbers and a fixed pipeline name",
    rate: diurnal(1, 60),
    make: ({ r, time }) =>
      serilog(
        time,
        r,
        "Warning",
        "Execution attempt. Source: '{PipelineName}/{PipelineInstanceName}/{StrategyName}', Operation Key: '{OperationKey}', Result: '{Result}', Handled: '{Handled}', Attempt: '{AttemptNumber}', Execution Time: {ExecutionTimeMs}ms",
        {
          PipelineName: "ITaxRatesClient-standard",
          PipelineInstanceName: "",
          StrategyName: "Standard-Retry",
          OperationKey: null,
          Result: "503",
          Handled: true,
          AttemptNumber: int(r, 0, 2),
          ExecutionTimeMs: Number((40 + r() * 900).toFixed(4)),
        },
        "Polly",
        undefined,
        `/v1/invoices/${int(r, 300000, 399999)}/tax`,
      ),
  },
  {
    id: "P29",
    about:
      "the invoice run skips office accounts on the new office-flex plans, which have no price in SEK, DKK or NOK: 'Invoice run skipped account {Account}: plan {Plan} has no price in {Currency}'; account (40, kebab-case, opening through the day), plan (2), currency (3, fixed per account), subscription state (3); diurnal",
    rate: diurnal(0.5, 35),
    make: ({ r, time, hour }) => {
      const [account, currency] = growing(r, OFFICE_ACCOUNTS, hour, 3, 2);
      return serilog(
        time,
        r,
        "Warning",
        "Invoice run skipped account {Account}: plan {Plan} has no price in {Currency}",
        {
          Account: account,
          Plan: pick(r, FLEX_PLANS),
          Currency: currency,
          SubscriptionState: skewed(r, SUB_STATES),
          InvoiceRunId: uuid(r),
        },
        "Brightpantry.Billing.Invoices.InvoiceRun",
      );
    },
  },
  {
    id: "P30",
    about:
      "404s on GET /invoices/INV-2026-N/pdf?lang=xx: the November invoice emails link a route removed in the last release; request logs only; language (4), invoice numbers, browser user agents; diurnal; tests 4xx request logs with a locale in the query",
    rate: diurnal(1, 30),
    make: ({ r }) =>
      request(
        r,
        BILLING_HOST,
        "GET",
        `/invoices/INV-2026-${int(r, 100000, 199999)}/pdf?lang=${skewed(r, LANGS)}`,
        404,
        seconds(r, 0.003, 0.02),
        pick(r, [
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        ]),
      ),
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

export const SERVICE_NAMES = ["kitchen-worker", "courier-api", "route-planner", "billing-ledger"] as const;

/** JSON with object keys sorted at every level, as `gcloud … --format=json` prints entries. */
function sortedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

export function buildDay(seed = 20261127): Day {
  const r = rng(seed);
  const services = new Map<string, Service>([
    ["kitchen-worker", service("kitchen-worker", [[0, "00388-tal"]], r)],
    [
      "courier-api",
      service(
        "courier-api",
        [
          [0, "00612-rin"],
          [13, "00613-vos"],
        ],
        r,
      ),
    ],
    ["route-planner", service("route-planner", [[0, "00207-kem"]], r)],
    [
      "billing-ledger",
      service(
        "billing-ledger",
        [
          [0, "00091-pur"],
          [10, "00092-sab"],
        ],
        r,
      ),
    ],
  ]);
  const problems: Problem[] = [
    ...kitchen.map((p) => ({ ...p, service: "kitchen-worker" })),
    ...courier.map((p) => ({ ...p, service: "courier-api" })),
    ...planner.map((p) => ({ ...p, service: "route-planner" })),
    ...billing.map((p) => ({ ...p, service: "billing-ledger" })),
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
        const entry: Record<string, unknown> = {
          // The ground-truth marker: problem number, then a sequence number and random hex.
          insertId: `hf${p.id.slice(1)}-${seq.toString(36)}${hex(r, 8)}`,
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
          labels: { instanceId: pick(r, revision.instances) },
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

/** Problem id from a marker insertId ("hf07-…" → "P07"), undefined for anything else. */
export function problemOfInsertId(insertId: unknown): string | undefined {
  if (typeof insertId !== "string") return undefined;
  const m = /^hf(\d\d)-/.exec(insertId);
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

// `node dist/bench/heldout-day/fourth-day.js DIR [--seed N]`: writes the day to DIR.
if (require.main === module) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf("--seed");
  const dir = args.find((a, i) => !a.startsWith("--") && (seedAt < 0 || i !== seedAt + 1)) ?? "heldout-day-4";
  const day = buildDay(seedAt >= 0 ? Number(args[seedAt + 1]) : undefined);
  writeDay(day, dir);
  const total = Object.values(day.counts).reduce((a, xs) => a + xs.reduce((s, n) => s + n, 0), 0);
  process.stdout.write(`wrote ${day.problems.length} problems, ${total} entries over 24 hours to ${dir}\n`);
}
