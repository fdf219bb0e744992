/**
 * Sixth held-out day: 24 hours (2026-11-25, UTC) of Google Cloud Run logs from Corvid Haulage,
 * a European road-freight forwarder that runs its own truck fleet and subcontracts loads to
 * partner carriers. Project `corvid-haulage-prod`, region `europe-west4`. Only WARNING and worse
 * entries are written, as `gcloud logging read --format=json` prints them (one LogEntry a line,
 * keys sorted), together with the ground truth of which problem each entry belongs to.
 *
 * The four services and how they log:
 *
 * - `dispatch-console` — Ruby 3.3 / Rails 7.2 web app where dispatchers plan loads, assign
 *   drivers and take carrier webhooks. lograge with `Lograge::Formatters::Json` writes one line a
 *   request (`method`, `path`, `format`, `controller`, `action`, `status`, `allocations`,
 *   `duration`, `view`, `db`); `custom_options` add `severity` (from the status), a short
 *   `message`, `request_id`, the `exception` pair from the event payload and
 *   `logging.googleapis.com/trace`. Rails.logger uses a small JSON formatter (`severity`,
 *   `message`, `request_id`, trace, plus any hash passed in), so ActionDispatch::DebugExceptions
 *   writes its multi-line report ("  \nClass (message):\n\nCauses:\n…\n  \napp/…rb:NN:in `m'")
 *   as one ERROR line (7.1+ `debug_exception_log_level`), and RedisCacheStore's failsafe line
 *   and the app's own warnings come through the same logger.
 * - `telemetry-ingest` — Rust (axum 0.7 + tokio) endpoint the trucks' telematics boxes post GPS
 *   ping batches to. tracing-subscriber's JSON formatter (`timestamp`, `fields`, `target`, `span`,
 *   `spans`) behind a thin layer that renames `level` to `severity`, lifts `fields.message` to a
 *   top-level `message` (leaving `fields` as written) and adds
 *   `logging.googleapis.com/sourceLocation` from the event's file and line. Panics are logged by
 *   tracing-panic's hook (`panic.payload`, `panic.location`, `panic.backtrace`), tower-http's
 *   CatchPanicLayer turns them into 500s.
 * - `billing-api` — PHP 8.3 / Laravel 11 invoicing and carrier settlement API. The `stderr`
 *   channel uses Monolog's GoogleCloudLoggingFormatter (`message`, `context`, `extra`, `channel`,
 *   `severity`, `time`) with `includeStacktraces`, so reported exceptions carry
 *   `context.exception` = `{class, message, code, file, trace[], previous}`; queued jobs run
 *   through Cloud Tasks push handlers inside the same service.
 * - `driver-gateway` — Node 22 / Express backend for the drivers' mobile app. pino with
 *   `messageKey: "message"`, a level formatter writing `severity` (warn → WARNING, fatal →
 *   CRITICAL), the trace/span keys of Cloud Logging, the standard `err` serializer
 *   (`type`, `message`, `stack`, with `caused by:` chains) and pino-http request logs
 *   ("request completed" / "request errored", `req`, `res`, `responseTime`; the authorization
 *   header redacted).
 *
 * Every request also yields Cloud Run's own request log (`run.googleapis.com/requests`,
 * `httpRequest`, 4xx WARNING, 5xx ERROR); requests Cloud Run aborts itself carry its text in
 * `textPayload` and no instance label.
 *
 * A problem is one root cause an on-call engineer would fix once; all the entries it causes (the
 * app's line, the framework's line, the request log of the same failing request) belong to it.
 * The only ground-truth marker is the insertId: `hx<NN>-<seq base36><8 hex>` belongs to problem
 * `P<NN>`; nothing else in an entry says which problem it is.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hex, int, pick, rng, type Rng } from "../seeded-random";

export { rng };

export const DAY = "2026-11-25";
export const DAY_START = Date.parse(`${DAY}T00:00:00.000Z`);

export interface Problem {
  readonly id: string;
  readonly service: string;
  readonly title: string;
  readonly about: string;
}

export interface Day {
  readonly problems: readonly Problem[];
  readonly counts: Readonly<Record<string, readonly number[]>>;
  readonly hours: readonly string[];
}

export const SERVICE_NAMES = ["dispatch-console", "telemetry-ingest", "billing-api", "driver-gateway"] as const;
type Service = (typeof SERVICE_NAMES)[number];

const MARKER = "hx";
const PROJECT = "corvid-haulage-prod";
const REGION = "europe-west4";
const HOUR = 3_600_000;
const MIN = 60_000;
const SEC = 1_000;

const HOSTS: Record<Service, string> = {
  "dispatch-console": "https://dispatch.corvidhaulage.com",
  "telemetry-ingest": "https://ingest.corvidhaulage.com",
  "billing-api": "https://billing.corvidhaulage.com",
  "driver-gateway": "https://driver-api.corvidhaulage.com",
};

/** Deploys of the day: revision number and the moment it took all traffic. */
const DEPLOYS: Record<Service, ReadonlyArray<{ readonly n: number; readonly from: number }>> = {
  "dispatch-console": [
    { n: 41, from: 0 },
    { n: 42, from: at(10, 12, 30) },
    { n: 43, from: at(16, 47, 10) },
  ],
  "telemetry-ingest": [
    { n: 58, from: 0 },
    { n: 59, from: at(13, 5, 0) },
  ],
  "billing-api": [
    { n: 77, from: 0 },
    { n: 78, from: at(9, 40, 0) },
    { n: 79, from: at(15, 20, 0) },
  ],
  "driver-gateway": [
    { n: 83, from: 0 },
    { n: 84, from: at(11, 20, 0) },
    { n: 85, from: at(19, 2, 0) },
  ],
};

function at(h: number, m: number, s = 0): number {
  return DAY_START + h * HOUR + m * MIN + s * SEC;
}

// ---------------------------------------------------------------------------------------------
// Traffic shapes (UTC; the company's day is CET, one hour ahead).

/** Office and web traffic: quiet nights, a working-day plateau. */
const OFFICE = [
  0.1, 0.07, 0.06, 0.07, 0.14, 0.33, 0.62, 0.88, 1, 1, 0.97, 0.95, 0.9, 0.95, 1, 0.97, 0.9, 0.78, 0.6, 0.44, 0.32, 0.24, 0.18, 0.13,
];
/** Trucks drive at night too: flatter. */
const FLEET = [0.45, 0.4, 0.38, 0.4, 0.5, 0.7, 0.85, 0.95, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.95, 0.9, 0.8, 0.7, 0.62, 0.55, 0.5];

// ---------------------------------------------------------------------------------------------
// Word pools. A pool opens `start` values at midnight and `perHour` more each hour, so later hours
// bring values earlier hours never had; a few early values carry most of the traffic.

const ORGS = [
  "alder-foods",
  "brightwater-paper",
  "cobalt-pharma",
  "dunmore-steel",
  "elmfield-dairy",
  "fernhill-timber",
  "granite-builders",
  "harbor-textiles",
  "ironbridge-auto",
  "juniper-retail",
  "kingsway-beverages",
  "larch-chemicals",
  "meadow-grain",
  "northgate-glass",
  "oakridge-furniture",
  "pinecrest-plastics",
  "quarry-stone",
  "redwood-paper",
  "saltmarsh-seafood",
  "thornbury-cider",
  "upland-organics",
  "valley-fresh",
  "willowbrook-brewing",
  "yarrow-cosmetics",
  "zephyr-electronics",
  "ashford-tiles",
  "bramble-bakery",
  "copperfield-wire",
  "driftwood-interiors",
  "ember-ceramics",
  "foxglove-pharma",
  "glenmore-spirits",
  "heather-wool",
  "ivy-garden",
  "jasper-minerals",
  "kestrel-optics",
  "lavender-soaps",
  "marigold-snacks",
  "nettle-tea",
  "orchard-juices",
  "primrose-candles",
  "rosehip-cosmetics",
] as const;
const DEPOTS = [
  "rotterdam-south",
  "duisburg-hafen",
  "venlo-east",
  "lyon-est",
  "milano-nord",
  "gdansk-port",
  "poznan-west",
  "antwerp-left",
  "hamburg-billbrook",
  "bremen-gvz",
  "lodz-central",
  "katowice-south",
  "brno-north",
  "wroclaw-bielany",
  "ostrava-hrabova",
  "budapest-csepel",
  "bucharest-chitila",
  "vienna-inzersdorf",
  "graz-south",
  "ljubljana-ring",
  "zagreb-jankomir",
  "munich-riem",
  "nuremberg-hafen",
  "leipzig-radefeld",
  "prague-ruzyne",
  "bratislava-senec",
] as const;
const FLEETS = [
  "reefer-north",
  "flatbed-east",
  "tanker-west",
  "curtainsider-central",
  "box-city",
  "reefer-south",
  "tipper-quarry",
  "lowloader-heavy",
  "container-port",
  "mega-trailer",
  "walking-floor",
  "car-transporter",
  "silo-bulk",
  "hazmat-chem",
  "swapbody-rail",
  "livestock-farm",
  "timber-crane",
  "glass-rack",
  "tautliner-express",
  "frigo-pharma",
] as const;
const CARRIERS = [
  "nordfrakt",
  "baltrans",
  "vistula-cargo",
  "danube-haul",
  "alpine-road",
  "rhine-express",
  "carpathia-trans",
  "iberia-moves",
  "silesia-freight",
  "adriatic-lines",
  "bohemia-cargo",
  "tatra-logistik",
  "pannonia-trucks",
  "balkan-route",
  "moravia-haul",
  "hanse-spedition",
  "polder-transport",
  "elbe-cargo",
  "oder-trans",
  "maas-freight",
  "saale-spedition",
  "weser-trucking",
] as const;
const TABLES = [
  "settlement_lines",
  "invoice_lines",
  "carrier_payouts",
  "credit_notes",
  "fuel_surcharges",
  "invoice_batches",
  "ledger_entries",
  "payment_allocations",
  "toll_charges",
  "dunning_notices",
] as const;
const CURRENCIES = [
  "PLN",
  "CZK",
  "HUF",
  "RON",
  "SEK",
  "DKK",
  "NOK",
  "CHF",
  "GBP",
  "BGN",
  "TRY",
  "UAH",
  "RSD",
  "ISK",
  "MDL",
  "MKD",
] as const;
const LANES = [
  "DE-PL",
  "NL-DE",
  "PL-DE",
  "DE-CZ",
  "FR-IT",
  "IT-DE",
  "PL-LT",
  "CZ-SK",
  "DE-AT",
  "HU-RO",
  "AT-SI",
  "SI-HR",
  "DE-FR",
  "BE-NL",
  "PL-CZ",
  "RO-BG",
  "SK-HU",
  "DE-DK",
  "DK-SE",
  "LT-LV",
  "LV-EE",
  "HR-RS",
  "FR-ES",
  "ES-PT",
] as const;
const PLANS = ["freight-pro", "freight-pro", "freight-starter", "enterprise", "freight-pro", "carrier-plus"] as const;
const TOPICS = [
  "geofence-events",
  "eta-updates",
  "reefer-alarms",
  "driver-hours",
  "fuel-events",
  "harsh-braking",
  "door-sensors",
  "tyre-pressure",
  "idle-alerts",
  "tacho-downloads",
  "border-crossings",
  "dock-arrivals",
] as const;
const CACHE_PREFIXES = [
  "eta:vehicle",
  "fleet:config",
  "fence:zone",
  "route:plan",
  "driver:hos",
  "depot:slots",
  "vehicle:last",
  "trailer:pairing",
  "device:firmware",
  "customer:sla",
  "toll:zone",
  "border:wait",
  "parking:lot",
  "weather:corridor",
] as const;
const DRIVERS = [
  "j.kowalski",
  "m.dubois",
  "a.novak",
  "p.horvat",
  "t.schneider",
  "k.nowak",
  "l.popescu",
  "d.ivanov",
  "s.kovacs",
  "r.bianchi",
  "f.muller",
  "b.petrov",
  "e.lindqvist",
  "o.jensen",
  "g.moreau",
  "h.wojcik",
  "i.marin",
  "v.dvorak",
  "c.rossi",
  "n.kaminski",
  "z.szabo",
  "y.fischer",
  "w.lewandowski",
  "u.stan",
  "a.georgiev",
  "m.janssen",
  "t.kral",
  "p.nagy",
  "s.weber",
  "r.mazur",
  "l.vidal",
  "k.berg",
  "d.costa",
  "e.pavlov",
  "f.horak",
  "g.balogh",
] as const;
const LOCALES = [
  "pl-PL",
  "de-DE",
  "ro-RO",
  "cs-CZ",
  "hu-HU",
  "bg-BG",
  "lt-LT",
  "uk-UA",
  "sk-SK",
  "nl-NL",
  "fr-FR",
  "it-IT",
  "es-ES",
  "pt-PT",
  "hr-HR",
  "sl-SI",
  "lv-LV",
  "et-EE",
  "tr-TR",
  "sr-RS",
] as const;
const FLAGS = [
  "multi_drop_routing",
  "pod_ocr_autoaccept",
  "eta_push_v2",
  "break_reminders",
  "fuel_card_wallet",
  "night_mode_maps",
  "tacho_sync",
  "hazmat_checklist",
  "dock_checkin_qr",
  "offline_manifest",
  "trailer_swap_flow",
  "border_docs_scan",
  "voice_navigation",
  "damage_photo_ai",
  "parking_finder",
  "weigh_station_alerts",
] as const;

function opened(pool: readonly string[], h: number, start: number, perHour: number): number {
  return Math.min(pool.length, start + Math.floor(h * perHour));
}

/** A value of a growing pool: mostly the heavy early values, sometimes one opened in the last two hours. */
function word(r: Rng, pool: readonly string[], h: number, start: number, perHour: number): string {
  const n = opened(pool, h, start, perHour);
  const before = opened(pool, Math.max(0, h - 2), start, perHour);
  if (n > before && r() < 0.3) return pool[before + Math.floor(r() * (n - before))]!;
  return pool[Math.min(n - 1, Math.floor(n * r() ** 2.2))]!;
}

// ---------------------------------------------------------------------------------------------
// Small random helpers.

function poisson(r: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda < 40) {
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= r();
    } while (p > l);
    return k - 1;
  }
  const g = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * g));
}

const uuid = (r: Rng): string => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${pick(r, ["8", "9", "a", "b"])}${hex(r, 3)}-${hex(r, 12)}`;
const pad = (n: number, w: number): string => String(n).padStart(w, "0");
const B62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const b62 = (r: Rng, n: number): string => Array.from({ length: n }, () => B62[Math.floor(r() * 62)]).join("");
const b64url = (r: Rng, n: number): string => Array.from({ length: n }, () => (B62 + "-_")[Math.floor(r() * 64)]).join("");
const publicIp = (r: Rng): string =>
  `${pick(r, [31, 37, 46, 78, 79, 83, 85, 89, 91, 94, 109, 151, 176, 185, 188, 212, 213, 217])}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
const weighted = <T>(r: Rng, xs: ReadonlyArray<readonly [T, number]>): T => {
  const total = xs.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of xs) {
    x -= w;
    if (x < 0) return v;
  }
  return xs[xs.length - 1]![0];
};

const BROWSERS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
] as const;
const DRIVER_APPS = [
  ["CorvidDriver/5.12.0 (Android 14; SM-A546B) okhttp/4.12.0", "5.12.0"],
  ["CorvidDriver/5.12.0 (Android 13; Pixel 6a) okhttp/4.12.0", "5.12.0"],
  ["CorvidDriver/5.11.3 (Android 12; TC26) okhttp/4.11.0", "5.11.3"],
  ["CorvidDriver/5.12.1 CFNetwork/1568.200.51 Darwin/24.1.0", "5.12.1"],
  ["CorvidDriver/5.10.7 (Android 11; TC57) okhttp/4.10.0", "5.10.7"],
] as const;
const DEVICE_AGENTS = ["FMC650/04.01.02", "FMC130/03.27.14", "FMB920/03.28.07", "CAN-Gateway/2.9.1 (esp-idf)"] as const;
const SERVER_IPS = ["216.239.32.53", "216.239.34.53", "216.239.36.53", "216.239.38.53"] as const;

// ---------------------------------------------------------------------------------------------
// Entries.

type Severity = "WARNING" | "ERROR" | "CRITICAL";
type Stream = "stdout" | "stderr" | "requests";
type Json = Record<string, unknown>;

interface Built {
  readonly t: number;
  readonly ns: number;
  readonly recv: number;
  readonly recvNs: number;
  readonly body: Json;
}

interface Revision {
  readonly name: string;
  readonly from: number;
  readonly instances: readonly string[];
}

interface Trace {
  readonly trace: string;
  readonly span: string;
  readonly sampled: boolean;
}

interface HttpReq {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly latency: number;
  readonly ua: string;
  readonly ip: string;
  readonly referer?: string;
  readonly reqSize?: number;
  readonly respSize?: number;
  readonly protocol?: string;
}

/** Values fixed for the whole day (drawn from the seed). */
interface DayConsts {
  readonly revisions: Readonly<Record<Service, readonly Revision[]>>;
  readonly templateIds: readonly string[];
  readonly fxAppId: string;
  readonly rustcHash: string;
}

class Hour {
  readonly out: Built[] = [];
  readonly start: number;
  readonly end: number;

  constructor(
    readonly r: Rng,
    readonly h: number,
    readonly k: DayConsts,
  ) {
    this.start = DAY_START + h * HOUR;
    this.end = this.start + HOUR;
  }

  clamp(t: number): number {
    return Math.min(this.end - 1, Math.max(this.start, Math.floor(t)));
  }

  /** Poisson-many moments over [from, to) within this hour, `perHour` being the rate over a whole hour. */
  spread(perHour: number, from = this.start, to = this.end): number[] {
    const a = Math.max(from, this.start);
    const b = Math.min(to, this.end);
    if (b <= a) return [];
    const n = poisson(this.r, (perHour * (b - a)) / HOUR);
    return this.uniform(n, a, b);
  }

  /** Exactly n moments over [from, to). */
  uniform(n: number, from: number, to: number): number[] {
    const ts = Array.from({ length: n }, () => from + Math.floor(this.r() * (to - from)));
    return ts.sort((x, y) => x - y);
  }

  trace(): Trace {
    return { trace: `projects/${PROJECT}/traces/${hex(this.r, 32)}`, span: hex(this.r, 16), sampled: this.r() < 0.1 };
  }

  revisionAt(svc: Service, t: number): Revision {
    const revs = this.k.revisions[svc];
    let rev = revs[0]!;
    for (const x of revs) if (x.from <= t) rev = x;
    return rev;
  }

  put(svc: Service, t: number, stream: Stream, severity: Severity, content: Json, opts: { noInstance?: boolean } = {}): number {
    const tt = this.clamp(t);
    const rev = this.revisionAt(svc, tt);
    const body: Json = {
      logName: `projects/${PROJECT}/logs/run.googleapis.com%2F${stream}`,
      resource: {
        type: "cloud_run_revision",
        labels: { configuration_name: svc, location: REGION, project_id: PROJECT, revision_name: rev.name, service_name: svc },
      },
      severity,
      ...content,
    };
    if (!opts.noInstance) {
      const n = rev.instances.length;
      body.labels = { instanceId: rev.instances[Math.min(n - 1, Math.floor(n * this.r() ** 1.6))]! };
    }
    const recv = tt + int(this.r, 40, 2400);
    this.out.push({ t: tt, ns: int(this.r, 0, 999_999), recv, recvNs: int(this.r, 0, 999_999), body });
    return tt;
  }

  /** Cloud Run's request log for one request. */
  request(svc: Service, t: number, q: HttpReq, tr: Trace, text?: string): void {
    const httpRequest: Json = {
      requestMethod: q.method,
      requestUrl: HOSTS[svc] + q.path,
      requestSize: String(q.reqSize ?? int(this.r, 380, 1900)),
      status: q.status,
      responseSize: String(q.respSize ?? int(this.r, 180, 1400)),
      userAgent: q.ua,
      remoteIp: q.ip,
      serverIp: pick(this.r, SERVER_IPS),
      latency: `${q.latency.toFixed(9)}s`,
      protocol: q.protocol ?? "HTTP/1.1",
    };
    if (q.referer) httpRequest.referer = q.referer;
    const content: Json = { httpRequest, trace: tr.trace, spanId: tr.span };
    if (tr.sampled) content.traceSampled = true;
    if (text !== undefined) content.textPayload = text;
    this.put(svc, t, "requests", q.status >= 500 ? "ERROR" : "WARNING", content, {
      noInstance: text !== undefined && text.startsWith(NO_INSTANCE),
    });
  }

  // --- Rails (dispatch-console) ------------------------------------------------------------

  rails(t: number, severity: Severity, message: string, fields: Json, tr: Trace, requestId: string): void {
    this.put("dispatch-console", t, "stdout", severity, { jsonPayload: { message, request_id: requestId, ...fields }, trace: tr.trace });
  }

  lograge(
    t: number,
    q: {
      method: string;
      path: string;
      controller: string;
      action: string;
      status: number;
      duration: number;
      db: number;
      view: number;
      format?: string;
    },
    exception: readonly [string, string] | undefined,
    tr: Trace,
    requestId: string,
  ): void {
    const payload: Json = {
      method: q.method,
      path: q.path,
      format: q.format ?? "html",
      controller: q.controller,
      action: q.action,
      status: q.status,
      allocations: int(this.r, 9_000, 160_000),
      duration: round2(q.duration),
      view: round2(q.view),
      db: round2(q.db),
      message: `[${q.status}] ${q.method} ${q.path} (${q.controller}#${q.action})`,
      request_id: requestId,
    };
    if (exception) payload.exception = [exception[0], exception[1]];
    this.put("dispatch-console", t, "stdout", q.status >= 500 ? "ERROR" : "WARNING", { jsonPayload: payload, trace: tr.trace });
  }

  // --- Rust (telemetry-ingest) -------------------------------------------------------------

  rust(
    t: number,
    severity: Severity,
    target: string,
    message: string,
    fields: Json,
    spans: readonly Json[],
    loc: readonly [string, number],
  ): void {
    const tt = this.clamp(t);
    const payload: Json = {
      timestamp: new Date(tt).toISOString().slice(0, 23) + pad(int(this.r, 0, 999), 3) + "Z",
      message,
      fields: { message, ...fields },
      target,
    };
    if (spans.length > 0) {
      payload.span = spans[spans.length - 1];
      payload.spans = spans;
    }
    this.put("telemetry-ingest", tt, "stdout", severity, {
      jsonPayload: payload,
      sourceLocation: { file: loc[0], line: String(loc[1]) },
    });
  }

  // --- Laravel (billing-api) ---------------------------------------------------------------

  laravel(t: number, severity: Severity, message: string, context: Json): void {
    this.put("billing-api", t, "stderr", severity, {
      jsonPayload: { message, context, extra: {}, channel: "production" },
    });
  }

  // --- pino (driver-gateway) ---------------------------------------------------------------

  pino(t: number, severity: Severity, message: string, fields: Json, tr?: Trace): void {
    const content: Json = { jsonPayload: { message, pid: 1, hostname: "localhost", ...fields } };
    if (tr) {
      content.trace = tr.trace;
      content.spanId = tr.span;
      if (tr.sampled) content.traceSampled = true;
    }
    this.put("driver-gateway", t, "stdout", severity, content);
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

const NO_INSTANCE = "The request was aborted because there was no available instance.";
const NO_INSTANCE_TEXT = `${NO_INSTANCE} Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#abort-request`;

// ---------------------------------------------------------------------------------------------
// Stack-shaped texts.

/** ActionDispatch::DebugExceptions#log_error, as one message. */
function railsReport(
  cls: string,
  msg: string,
  causes: ReadonlyArray<readonly [string, string]>,
  extract: readonly string[],
  frames: readonly string[],
): string {
  const lines = ["  ", `${cls} (${msg}):`];
  if (causes.length > 0) {
    lines.push("\nCauses:");
    for (const [k, m] of causes) lines.push(`${k} (${m})`);
  }
  lines.push(...extract, "  ", ...frames);
  return lines.join("\n");
}

const LARAVEL_HTTP_TAIL = [
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Routing/ControllerDispatcher.php:46",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Routing/Route.php:260",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Routing/Route.php:206",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Routing/Router.php:806",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Pipeline/Pipeline.php:144",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Routing/Middleware/SubstituteBindings.php:51",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Pipeline/Pipeline.php:183",
  "/var/www/html/vendor/laravel/sanctum/src/Http/Middleware/EnsureFrontendRequestsAreStateful.php:26",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Pipeline/Pipeline.php:183",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Pipeline/Pipeline.php:119",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Routing/Router.php:805",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Routing/Router.php:784",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Routing/Router.php:748",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Routing/Router.php:737",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Foundation/Http/Kernel.php:200",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Pipeline/Pipeline.php:144",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Foundation/Http/Kernel.php:175",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Foundation/Http/Kernel.php:144",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Foundation/Application.php:1188",
  "/var/www/html/public/index.php:17",
];
const LARAVEL_TASK_TAIL = [
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Queue/Worker.php:519",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Queue/Worker.php:428",
  "/var/www/html/vendor/stackkit/laravel-google-cloud-tasks-queue/src/TaskHandler.php:96",
  "/var/www/html/vendor/stackkit/laravel-google-cloud-tasks-queue/src/TaskHandler.php:58",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Container/BoundMethod.php:36",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Container/Util.php:43",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Container/BoundMethod.php:95",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Container/Container.php:690",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Routing/Route.php:260",
  "/var/www/html/vendor/laravel/framework/src/Illuminate/Routing/Router.php:806",
  "/var/www/html/public/index.php:17",
];

function phpException(cls: string, message: string, code: number, file: string, trace: readonly string[], previous?: Json): Json {
  const e: Json = { class: cls, message, code, file, trace: [...trace] };
  if (previous) e.previous = previous;
  return e;
}

function rustBacktrace(k: DayConsts, frames: ReadonlyArray<readonly [string, string]>): string {
  const rustc = `/rustc/${k.rustcHash}/library`;
  const head: Array<readonly [string, string]> = [
    ["tracing_panic::panic_hook", "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tracing-panic-0.1.2/src/lib.rs:74:25"],
    ["std::panicking::rust_panic_with_hook", `${rustc}/std/src/panicking.rs:836:13`],
    ["std::panicking::begin_panic_handler::{{closure}}", `${rustc}/std/src/panicking.rs:701:13`],
    ["std::sys::backtrace::__rust_end_short_backtrace", `${rustc}/std/src/sys/backtrace.rs:168:18`],
    ["rust_begin_unwind", `${rustc}/std/src/panicking.rs:692:5`],
    ["core::panicking::panic_fmt", `${rustc}/core/src/panicking.rs:75:14`],
    ["core::panicking::panic", `${rustc}/core/src/panicking.rs:145:5`],
    ["core::option::unwrap_failed", `${rustc}/core/src/option.rs:2015:5`],
  ];
  const tail: Array<readonly [string, string]> = [
    [
      "<F as axum::handler::Handler<(M,T1,T2,T3),S>>::call::{{closure}}",
      "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/axum-0.7.9/src/handler/mod.rs:220:52",
    ],
    ["<core::pin::Pin<P> as core::future::future::Future>::poll", `${rustc}/core/src/future/future.rs:123:9`],
    [
      "<futures_util::future::future::map::Map<Fut,F> as core::future::future::Future>::poll",
      "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/futures-util-0.3.31/src/future/future/map.rs:55:37",
    ],
    [
      "<tower_http::catch_panic::ResponseFuture<F,T> as core::future::future::Future>::poll",
      "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tower-http-0.6.2/src/catch_panic.rs:233:38",
    ],
    [
      "tokio::runtime::task::core::Core<T,S>::poll",
      "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.41.1/src/runtime/task/core.rs:331:17",
    ],
  ];
  return [...head, ...frames, ...tail].map(([fn, loc], i) => `${String(i).padStart(4)}: ${fn}\n             at ${loc}`).join("\n");
}

// ---------------------------------------------------------------------------------------------
// The problems.

interface Def {
  readonly title: string;
  readonly service: Service;
  readonly about: string;
  readonly gen: (c: Hour) => void;
}

const loadId = (r: Rng): string => `LD-${int(r, 480_000, 499_999)}`;
const invoiceNo = (r: Rng): string => `INV-2026-${pad(int(r, 38_000, 46_999), 6)}`;
const deviceId = (r: Rng): string => `35${pad(int(r, 0, 9_999_999), 7)}${pad(int(r, 0, 999_999), 6)}`;
const railsBrowser = (c: Hour, org: string): { ua: string; ip: string; referer: string } => ({
  ua: pick(c.r, BROWSERS),
  ip: publicIp(c.r),
  referer: `${HOSTS["dispatch-console"]}/orgs/${org}/${pick(c.r, ["load_board", "loads", "dashboard"])}`,
});

/** A dispatch-console request that raised: DebugExceptions report, lograge line, Cloud Run request log. */
function railsFailure(
  c: Hour,
  t: number,
  q: { method: string; path: string; controller: string; action: string; status: number; duration: number; db: number },
  report: {
    cls: string;
    msg: string;
    causes?: ReadonlyArray<readonly [string, string]>;
    extract?: readonly string[];
    frames: readonly string[];
  },
  org: string,
): void {
  const tr = c.trace();
  const rid = uuid(c.r);
  const b = railsBrowser(c, org);
  const dur = q.duration;
  c.request(
    "dispatch-console",
    t,
    {
      method: q.method,
      path: q.path,
      status: q.status,
      latency: dur / 1000 + c.r() * 0.004,
      ua: b.ua,
      ip: b.ip,
      referer: b.referer,
      protocol: "HTTP/2",
    },
    tr,
  );
  c.rails(t + dur, "ERROR", railsReport(report.cls, report.msg, report.causes ?? [], report.extract ?? [], report.frames), {}, tr, rid);
  c.lograge(t + dur + 1, { ...q, view: 0, format: "html" }, [report.cls, report.msg], tr, rid);
}

const DEFS: readonly Def[] = [
  // ------------------------------------------------------------------ dispatch-console (Rails)
  {
    title: "ActiveRecord connection pool exhausted on the load board",
    service: "dispatch-console",
    about:
      "The Puma thread count was raised above the ActiveRecord pool size, so at the morning planning peak requests wait 5 s for a connection and fail with ActiveRecord::ConnectionTimeoutError.",
    gen(c) {
      const lam = ({ 7: 22, 8: 44, 9: 31, 13: 12, 14: 9 } as Record<number, number>)[c.h] ?? 0.5 * OFFICE[c.h]!;
      for (const t of c.spread(lam, c.start, c.end - 6 * SEC)) {
        const org = word(c.r, ORGS, c.h, 8, 1.2);
        const waited = (5 + c.r() * 0.012).toFixed(3);
        const msg = `could not obtain a connection from the pool within 5.000 seconds (waited ${waited} seconds); all pooled connections were in use`;
        const board = c.r() < 0.7;
        const frames = board
          ? ["app/queries/load_board_query.rb:57:in `call'", "app/controllers/load_board_controller.rb:14:in `index'"]
          : ["app/models/current_org.rb:12:in `resolve'", "app/controllers/application_controller.rb:41:in `set_current_org'"];
        railsFailure(
          c,
          t,
          {
            method: "GET",
            path: board ? `/orgs/${org}/load_board` : `/orgs/${org}/loads`,
            controller: board ? "LoadBoardController" : "LoadsController",
            action: "index",
            status: 500,
            duration: 5000 + c.r() * 40,
            db: 0,
          },
          { cls: "ActiveRecord::ConnectionTimeoutError", msg, frames },
          org,
        );
      }
    },
  },
  {
    title: "PG::UndefinedColumn loads.temperature_band after deploy",
    service: "dispatch-console",
    about:
      "Revision 00042 shipped the cold-chain badge, which filters on loads.temperature_band, but its migration was not run; every load list and load page of a cold-chain org fails until the 16:47 deploy adds the migration.",
    gen(c) {
      const pg =
        'ERROR:  column loads.temperature_band does not exist\nLINE 1: ...ROM "loads" WHERE "loads"."org_id" = $1 AND "loads"."temperat...\n                                                             ^\n';
      for (const t of c.spread(34 * OFFICE[c.h]!, at(10, 12, 30), at(16, 47, 10))) {
        const org = word(c.r, ORGS, c.h, 8, 1.2);
        const show = c.r() < 0.35;
        const id = loadId(c.r);
        if (show) {
          const tpl = pick(c.r, c.k.templateIds);
          railsFailure(
            c,
            t,
            {
              method: "GET",
              path: `/orgs/${org}/loads/${id}`,
              controller: "LoadsController",
              action: "show",
              status: 500,
              duration: 60 + c.r() * 90,
              db: 8 + c.r() * 20,
            },
            {
              cls: "ActionView::Template::Error",
              msg: `PG::UndefinedColumn: ${pg}`,
              causes: [
                ["ActiveRecord::StatementInvalid", `PG::UndefinedColumn: ${pg}`],
                ["PG::UndefinedColumn", pg],
              ],
              extract: [
                "    12:   <dt>Cold chain</dt>",
                "    13:   <dd>",
                '    14:     <%= render "cold_chain", load: @load if @load.cold_chain? %>',
                "    15:   </dd>",
              ],
              frames: [
                "app/models/load.rb:71:in `cold_chain?'",
                `app/views/loads/show.html.erb:14:in \`_app_views_loads_show_html_erb___${tpl}'`,
                "app/controllers/application_controller.rb:52:in `with_org_time_zone'",
              ],
            },
            org,
          );
        } else {
          railsFailure(
            c,
            t,
            {
              method: "GET",
              path: `/orgs/${org}/loads`,
              controller: "LoadsController",
              action: "index",
              status: 500,
              duration: 40 + c.r() * 80,
              db: 5 + c.r() * 15,
            },
            {
              cls: "ActiveRecord::StatementInvalid",
              msg: `PG::UndefinedColumn: ${pg}`,
              causes: [["PG::UndefinedColumn", pg]],
              frames: [
                "app/models/load.rb:64:in `block in <class:Load>'",
                "app/queries/load_board_query.rb:31:in `call'",
                "app/controllers/loads_controller.rb:18:in `index'",
              ],
            },
            org,
          );
        }
      }
    },
  },
  {
    title: "Routes API read timeout, straight-line ETA fallback",
    service: "dispatch-console",
    about:
      "The route optimizer's Faraday client has an 8 s read timeout that multi-stop computeRoutes calls exceed, so the planner logs a warning and falls back to straight-line ETAs for the depot.",
    gen(c) {
      for (const t of c.spread(24 * OFFICE[c.h]!)) {
        const depot = word(c.r, DEPOTS, c.h, 5, 0.8);
        const tr = c.trace();
        c.rails(
          t,
          "WARNING",
          `Route optimization fell back to straight-line ETA for ${depot}: Faraday::TimeoutError: Net::ReadTimeout with #<TCPSocket:(closed)>`,
          { depot, load_id: loadId(c.r), stops: int(c.r, 6, 38), provider: "routes.googleapis.com", timeout: 8 },
          tr,
          uuid(c.r),
        );
      }
    },
  },
  {
    title: "Carrier webhook signature mismatch",
    service: "dispatch-console",
    about:
      "Partner carriers sign webhooks with the rotated shared secret but the console still verifies with the old one, so their status and POD webhooks are rejected with 401.",
    gen(c) {
      const events = c.spread(5 + 4 * OFFICE[c.h]!);
      events.forEach((t, i) => {
        const carrier = word(c.r, CARRIERS, c.h, 4, 0.7);
        const tr = c.trace();
        const rid = uuid(c.r);
        const path = `/webhooks/carriers/${carrier}`;
        const ua = pick(c.r, ["Go-http-client/2.0", "Apache-HttpClient/4.5.14 (Java/17.0.10)", "python-requests/2.32.3", "axios/1.7.7"]);
        const fields: Json = {
          carrier,
          event: pick(c.r, ["shipment.status_updated", "pod.created", "eta.changed", "shipment.status_updated"]),
          header: "X-Carrier-Signature",
        };
        if (i === 0 && (c.h === 10 || c.h === 19)) {
          fields.headers = {
            Authorization: `Bearer cvwh_live_${b62(c.r, 40)}`,
            "X-Carrier-Signature": `sha256=${hex(c.r, 64)}`,
            "Content-Type": "application/json",
          };
        }
        c.request(
          "dispatch-console",
          t,
          { method: "POST", path, status: 401, latency: 0.004 + c.r() * 0.02, ua, ip: publicIp(c.r), respSize: 0 },
          tr,
        );
        c.rails(t + 3, "WARNING", `Rejected carrier webhook from ${carrier}: signature mismatch`, fields, tr, rid);
        c.lograge(
          t + 4,
          {
            method: "POST",
            path,
            controller: "Webhooks::CarriersController",
            action: "create",
            status: 401,
            duration: 3 + c.r() * 9,
            db: 0.4 + c.r(),
            view: 0,
            format: "json",
          },
          undefined,
          tr,
          rid,
        );
      });
    },
  },
  {
    title: "Duplicate driver assignment (RecordNotUnique)",
    service: "dispatch-console",
    about:
      "The assign-driver button is not disabled while the request is in flight, so double clicks insert the same (load_id, driver_id) twice; the second insert hits the unique index and answers 409.",
    gen(c) {
      for (const t of c.spread(8 * OFFICE[c.h]!)) {
        const org = word(c.r, ORGS, c.h, 8, 1.2);
        const id = loadId(c.r);
        const numeric = Number(id.slice(3));
        const driver = int(c.r, 1200, 4800);
        const tr = c.trace();
        const rid = uuid(c.r);
        const path = `/orgs/${org}/loads/${id}/assignments`;
        const b = railsBrowser(c, org);
        const pg = `PG::UniqueViolation: ERROR:  duplicate key value violates unique constraint "index_load_assignments_on_load_id_and_driver_id"\nDETAIL:  Key (load_id, driver_id)=(${numeric}, ${driver}) already exists.\n`;
        c.request(
          "dispatch-console",
          t,
          { method: "POST", path, status: 409, latency: 0.03 + c.r() * 0.06, ua: b.ua, ip: b.ip, referer: b.referer, protocol: "HTTP/2" },
          tr,
        );
        c.rails(
          t + 25,
          "ERROR",
          `Assignment conflict on load ${id}: ${pg}`,
          {
            exception: "ActiveRecord::RecordNotUnique",
            backtrace: [
              "app/services/assign_driver.rb:23:in `block in call'",
              "app/services/assign_driver.rb:19:in `call'",
              "app/controllers/assignments_controller.rb:9:in `create'",
            ],
            org,
          },
          tr,
          rid,
        );
        c.lograge(
          t + 26,
          {
            method: "POST",
            path,
            controller: "AssignmentsController",
            action: "create",
            status: 409,
            duration: 25 + c.r() * 40,
            db: 6 + c.r() * 12,
            view: 0,
            format: "turbo_stream",
          },
          undefined,
          tr,
          rid,
        );
      }
    },
  },
  {
    title: "Redis cache unreachable during Memorystore failover",
    service: "dispatch-console",
    about:
      "The Memorystore instance behind the Rails cache failed over at 14:10 and the client kept the old address for twenty minutes, so RedisCacheStore's failsafe logs every cache read and write as failed.",
    gen(c) {
      if (c.h !== 14) return;
      for (const t of c.uniform(int(c.r, 260, 320), at(14, 10, 5), at(14, 31, 40))) {
        const [method, returning] = weighted(c.r, [
          [["read_entry", "nil"], 60],
          [["write_entry", "false"], 25],
          [["read_multi_entries", "{}"], 10],
          [["delete_entry", "false"], 5],
        ] as const);
        const err =
          t < at(14, 13, 0) || c.r() < 0.2
            ? "Redis::TimeoutError: Waited 1.0 seconds"
            : "Redis::CannotConnectError: Connection refused - connect(2) for 10.42.0.3:6379 (redis://redis-dispatch:6379)";
        c.rails(t, "ERROR", `RedisCacheStore: ${method} failed, returned ${returning}: ${err}`, {}, c.trace(), uuid(c.r));
      }
    },
  },
  {
    title: "CSRF token rejected after session expiry",
    service: "dispatch-console",
    about:
      "Dispatch tabs stay open through a shift but the session cookie now expires after 8 hours, so status updates sent from stale pages fail CSRF verification with 422.",
    gen(c) {
      for (const t of c.spread(5.5 * OFFICE[c.h]!)) {
        const org = word(c.r, ORGS, c.h, 8, 1.2);
        const id = loadId(c.r);
        const tr = c.trace();
        const rid = uuid(c.r);
        const [method, path] = pick(c.r, [
          ["PATCH", `/orgs/${org}/loads/${id}/status`],
          ["PATCH", `/orgs/${org}/loads/${id}`],
          ["POST", `/orgs/${org}/loads/${id}/notes`],
        ] as const);
        const b = railsBrowser(c, org);
        const msg = "Can't verify CSRF token authenticity.";
        c.request(
          "dispatch-console",
          t,
          { method, path, status: 422, latency: 0.005 + c.r() * 0.02, ua: b.ua, ip: b.ip, referer: b.referer, protocol: "HTTP/2" },
          tr,
        );
        c.rails(t + 2, "WARNING", msg, {}, tr, rid);
        c.rails(
          t + 3,
          "ERROR",
          railsReport(
            "ActionController::InvalidAuthenticityToken",
            msg,
            [],
            [],
            [
              "actionpack (7.2.2.1) lib/action_controller/metal/request_forgery_protection.rb:309:in `handle_unverified_request'",
              "actionpack (7.2.2.1) lib/action_controller/metal/request_forgery_protection.rb:408:in `handle_unverified_request'",
              "actionpack (7.2.2.1) lib/action_controller/metal/request_forgery_protection.rb:397:in `verify_authenticity_token'",
              "activesupport (7.2.2.1) lib/active_support/callbacks.rb:362:in `block in make_lambda'",
            ],
          ),
          {},
          tr,
          rid,
        );
        c.lograge(
          t + 4,
          {
            method,
            path,
            controller: path.endsWith("notes") ? "NotesController" : "LoadsController",
            action: path.endsWith("notes") ? "create" : "update",
            status: 422,
            duration: 2 + c.r() * 6,
            db: 0,
            view: 0,
          },
          ["ActionController::InvalidAuthenticityToken", msg],
          tr,
          rid,
        );
      }
    },
  },
  {
    title: "GCS permission denied on bill-of-lading upload",
    service: "dispatch-console",
    about:
      "One upload to the documents bucket failed because the service account lost storage.objects.create on a bucket that was recreated by hand; a single failing request.",
    gen(c) {
      if (c.h !== 11) return;
      const t = at(11, int(c.r, 5, 55), int(c.r, 0, 59));
      const org = word(c.r, ORGS, c.h, 8, 1.2);
      const denied =
        "forbidden: corvid-dispatch@corvid-haulage-prod.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist).";
      railsFailure(
        c,
        t,
        {
          method: "POST",
          path: `/orgs/${org}/loads/${loadId(c.r)}/documents`,
          controller: "DocumentsController",
          action: "create",
          status: 500,
          duration: 640 + c.r() * 200,
          db: 4,
        },
        {
          cls: "Google::Cloud::PermissionDeniedError",
          msg: denied,
          causes: [["Google::Apis::ClientError", denied]],
          frames: ["app/services/document_store.rb:28:in `upload'", "app/controllers/documents_controller.rb:22:in `create'"],
        },
        org,
      );
    },
  },

  // ------------------------------------------------------------------ telemetry-ingest (Rust)
  {
    title: "sqlx pool timed out persisting ping batches",
    service: "telemetry-ingest",
    about:
      "The ping writer holds a pooled Postgres connection across the Pub/Sub publish, so under load the 20-connection sqlx pool runs dry and batches fail after the 30 s acquire timeout with 503.",
    gen(c) {
      const lam = 11 * FLEET[c.h]! + (c.h === 8 ? 30 : 0);
      for (const t of c.spread(lam, c.start, c.end - 31 * SEC)) {
        const fleet = word(c.r, FLEETS, c.h, 5, 0.6);
        const dev = deviceId(c.r);
        const path = `/v1/fleets/${fleet}/pings`;
        const tr = c.trace();
        c.request(
          "telemetry-ingest",
          t,
          {
            method: "POST",
            path,
            status: 503,
            latency: 30 + c.r() * 0.05,
            ua: pick(c.r, DEVICE_AGENTS),
            ip: publicIp(c.r),
            reqSize: int(c.r, 2000, 24000),
            respSize: 41,
          },
          tr,
        );
        c.rust(
          t + 30_001,
          "ERROR",
          "telemetry_ingest::store::pings",
          "failed to persist ping batch",
          { error: "pool timed out while waiting for an open connection", batch_size: int(c.r, 20, 240) },
          [
            { name: "request", method: "POST", uri: path, version: "HTTP/1.1" },
            { name: "ingest_batch", device_id: dev, fleet },
          ],
          ["src/store/pings.rs", 77],
        );
      }
    },
  },
  {
    title: "Ping batch rejected: device clock skew",
    service: "telemetry-ingest",
    about:
      "A batch of telematics boxes lost GNSS time sync after a firmware update and stamp pings hours off, so the validator rejects their batches for clock skew.",
    gen(c) {
      for (const t of c.spread(42 * FLEET[c.h]!)) {
        const fleet = word(c.r, FLEETS, c.h, 5, 0.6);
        const skew = (c.r() < 0.7 ? 1 : -1) * int(c.r, 320_000, 9_400_000);
        c.rust(
          t,
          "WARNING",
          "telemetry_ingest::ingest::validate",
          "ping batch rejected",
          { reason: "clock_skew", skew_ms: skew, tolerance_ms: 300000, firmware: pick(c.r, ["03.27.14", "03.27.14", "03.27.15"]) },
          [
            { name: "request", method: "POST", uri: `/v1/fleets/${fleet}/pings`, version: "HTTP/1.1" },
            { name: "ingest_batch", device_id: deviceId(c.r), fleet },
          ],
          ["src/ingest/validate.rs", 58],
        );
      }
    },
  },
  {
    title: "Ping batch dropped: pipeline channel full",
    service: "telemetry-ingest",
    about:
      "The bounded channel in front of the enrichment workers fills when the evening shift-change burst arrives, and try_send drops whole batches instead of applying backpressure.",
    gen(c) {
      const lam = ({ 17: 230, 18: 150, 7: 14 } as Record<number, number>)[c.h] ?? 1.2;
      for (const t of c.spread(lam)) {
        const fleet = word(c.r, FLEETS, c.h, 5, 0.6);
        c.rust(
          t,
          "WARNING",
          "telemetry_ingest::pipeline",
          "ping batch dropped",
          { queue: "pings-raw", capacity: 8192, batch_size: int(c.r, 20, 240) },
          [
            { name: "request", method: "POST", uri: `/v1/fleets/${fleet}/pings`, version: "HTTP/1.1" },
            { name: "ingest_batch", device_id: deviceId(c.r), fleet },
          ],
          ["src/pipeline/mod.rs", 112],
        );
      }
    },
  },
  {
    title: "Pub/Sub publish failures (Unavailable)",
    service: "telemetry-ingest",
    about:
      "The event publisher creates a new Pub/Sub client per flush and does not retry transient gRPC errors, so Unavailable and DeadlineExceeded responses lose events on every topic.",
    gen(c) {
      for (const t of c.spread(9)) {
        const topic = word(c.r, TOPICS, c.h, 3, 0.4);
        const error =
          c.r() < 0.75
            ? 'status: Unavailable, message: "The service was unable to fulfill your request. Please try again. [code=8a75]", details: [], metadata: MetadataMap { headers: {} }'
            : 'status: DeadlineExceeded, message: "Deadline expired before operation could complete.", details: [], metadata: MetadataMap { headers: {} }';
        c.rust(
          t,
          "ERROR",
          "telemetry_ingest::events::publisher",
          "publish to topic failed",
          { topic, error, attempt: 1, messages: int(c.r, 1, 500) },
          [],
          ["src/events/publisher.rs", 141],
        );
      }
    },
  },
  {
    title: "Panic in geofence lookup (Option::unwrap on None)",
    service: "telemetry-ingest",
    about:
      "Revision 00059 indexes geofences by depot and unwraps the lookup, so pings from vehicles outside every fence panic in FenceIndex::containing and the batch gets a 500.",
    gen(c) {
      for (const t of c.spread(30 * FLEET[c.h]!, at(13, 5, 0))) {
        const fleet = word(c.r, FLEETS, c.h, 5, 0.6);
        const path = `/v1/fleets/${fleet}/pings`;
        const replay = c.r() < 0.2;
        const caller: Array<readonly [string, string]> = replay
          ? [
              ["telemetry_ingest::ingest::replay_backlog::{{closure}}", "./src/ingest/replay.rs:41:22"],
              ["telemetry_ingest::ingest::handle_replay::{{closure}}", "./src/ingest/mod.rs:131:9"],
            ]
          : [
              ["telemetry_ingest::ingest::enrich", "./src/ingest/enrich.rs:67:18"],
              ["telemetry_ingest::ingest::handle_batch::{{closure}}", "./src/ingest/mod.rs:88:27"],
            ];
        const tr = c.trace();
        c.request(
          "telemetry-ingest",
          t,
          {
            method: "POST",
            path: replay ? `/v1/fleets/${fleet}/replay` : path,
            status: 500,
            latency: 0.004 + c.r() * 0.03,
            ua: pick(c.r, DEVICE_AGENTS),
            ip: publicIp(c.r),
            reqSize: int(c.r, 2000, 24000),
            respSize: 0,
          },
          tr,
        );
        c.rust(
          t + 2,
          "ERROR",
          "tracing_panic",
          "A panic occurred",
          {
            "panic.payload": "called `Option::unwrap()` on a `None` value",
            "panic.location": "src/geo/fence.rs:142:38",
            "panic.backtrace": rustBacktrace(c.k, [
              ["telemetry_ingest::geo::fence::FenceIndex::containing", "./src/geo/fence.rs:142:38"],
              ...caller,
            ]),
          },
          [
            { name: "request", method: "POST", uri: replay ? `/v1/fleets/${fleet}/replay` : path, version: "HTTP/1.1" },
            { name: "ingest_batch", device_id: deviceId(c.r), fleet },
          ],
          ["/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tracing-panic-0.1.2/src/lib.rs", 80],
        );
      }
    },
  },
  {
    title: "Cloud Run: no available instance (telemetry-ingest, 500)",
    service: "telemetry-ingest",
    about:
      "min-instances is 0 and the fleet powers up at shift start all at once, so Cloud Run cannot start instances fast enough and aborts the first wave of ping posts.",
    gen(c) {
      const windows: Record<number, readonly [number, number, number]> = {
        5: [int(c.r, 120, 160), at(5, 0, 10), at(5, 8, 30)],
        6: [int(c.r, 45, 70), at(6, 0, 5), at(6, 4, 0)],
        12: [int(c.r, 3, 5), at(12, 30, 0), at(12, 31, 0)],
      };
      const w = windows[c.h];
      if (!w) return;
      for (const t of c.uniform(w[0], w[1], w[2])) {
        const fleet = word(c.r, FLEETS, c.h, 5, 0.6);
        c.request(
          "telemetry-ingest",
          t,
          {
            method: "POST",
            path: `/v1/fleets/${fleet}/pings`,
            status: 500,
            latency: 8 + c.r() * 2.5,
            ua: pick(c.r, DEVICE_AGENTS),
            ip: publicIp(c.r),
            reqSize: int(c.r, 2000, 24000),
            respSize: 0,
          },
          c.trace(),
          NO_INSTANCE_TEXT,
        );
      }
    },
  },
  {
    title: "Redis cache read failed (connection reset), Postgres fallback",
    service: "telemetry-ingest",
    about:
      "The redis connection manager is not reconnecting after Memorystore drops idle connections, so cache reads fail with connection reset or broken pipe and fall back to Postgres.",
    gen(c) {
      for (const t of c.spread(19 * FLEET[c.h]!)) {
        const prefix = word(c.r, CACHE_PREFIXES, c.h, 4, 0.45);
        const fleet = word(c.r, FLEETS, c.h, 5, 0.6);
        c.rust(
          t,
          "WARNING",
          "telemetry_ingest::cache",
          "cache read failed, falling back to postgres",
          {
            key: `${prefix}:${int(c.r, 10_000, 99_999)}`,
            error: c.r() < 0.65 ? "Connection reset by peer (os error 104)" : "Broken pipe (os error 32)",
          },
          [
            { name: "request", method: "POST", uri: `/v1/fleets/${fleet}/pings`, version: "HTTP/1.1" },
            { name: "ingest_batch", device_id: deviceId(c.r), fleet },
          ],
          ["src/cache.rs", 58],
        );
      }
    },
  },
  {
    title: "Invalid ping payload: coordinates sent as strings",
    service: "telemetry-ingest",
    about:
      "Firmware 04.01.02, rolled out fleet by fleet through the day, serializes lat/lon and speed as JSON strings, so serde rejects the batches with 400.",
    gen(c) {
      const lam = c.h < 6 ? 1 : 2 + (c.h - 5) * 2.4;
      for (const t of c.spread(lam)) {
        const fleet = word(c.r, FLEETS, c.h, 2, 0.75);
        const [value, expected] = weighted(c.r, [
          [[(51 + c.r() * 3).toFixed(5), "f64"], 45],
          [[(4 + c.r() * 16).toFixed(5), "f64"], 40],
          [[String(int(c.r, 0, 96)), "u16"], 15],
        ] as const);
        const path = `/v1/fleets/${fleet}/pings`;
        const tr = c.trace();
        c.request(
          "telemetry-ingest",
          t,
          {
            method: "POST",
            path,
            status: 400,
            latency: 0.001 + c.r() * 0.004,
            ua: "FMC650/04.01.02",
            ip: publicIp(c.r),
            reqSize: int(c.r, 2000, 24000),
            respSize: 96,
          },
          tr,
        );
        c.rust(
          t + 1,
          "WARNING",
          "telemetry_ingest::ingest::decode",
          "invalid ping payload",
          { error: `invalid type: string "${value}", expected ${expected} at line 1 column ${int(c.r, 40, 260)}`, firmware: "04.01.02" },
          [
            { name: "request", method: "POST", uri: path, version: "HTTP/1.1" },
            { name: "ingest_batch", device_id: deviceId(c.r), fleet },
          ],
          ["src/ingest/decode.rs", 33],
        );
      }
    },
  },
  {
    title: "ELD provider OAuth refresh: expired TLS certificate",
    service: "telemetry-ingest",
    about:
      "The tachograph data provider's auth endpoint served an expired certificate for a few minutes at 03:00, so one scheduled OAuth token refresh failed.",
    gen(c) {
      if (c.h !== 3) return;
      c.rust(
        at(3, 0, int(c.r, 1, 9)),
        "ERROR",
        "telemetry_ingest::eld::oauth",
        "failed to refresh OAuth token for ELD provider",
        {
          provider: "tacholink",
          error:
            "error sending request for url (https://auth.tacholink.eu/oauth/token): client error (Connect): invalid peer certificate: Expired",
        },
        [{ name: "eld_token_refresh", provider: "tacholink" }],
        ["src/eld/oauth.rs", 49],
      );
    },
  },

  // ------------------------------------------------------------------ billing-api (Laravel)
  {
    title: "Fuel surcharge index missing for lane",
    service: "billing-api",
    about:
      "New lanes opened for customers have no row in the fuel surcharge index table, so invoice lines on those lanes use the default surcharge rate.",
    gen(c) {
      for (const t of c.spread(15 * OFFICE[c.h]!)) {
        const lane = word(c.r, LANES, c.h, 6, 0.7);
        c.laravel(t, "WARNING", `Fuel surcharge index missing for lane ${lane}, using default rate`, {
          lane,
          carrier: word(c.r, CARRIERS, c.h, 4, 0.7),
          currency: "EUR",
          default_rate: "18.50",
          invoice: invoiceNo(c.r),
          plan: pick(c.r, PLANS),
        });
      }
    },
  },
  {
    title: "Fuel surcharge index stale for lane",
    service: "billing-api",
    about:
      "The weekly import of the diesel price index did not run, so from 06:00 every lane's index is older than seven days and invoices fall back to the default surcharge rate.",
    gen(c) {
      for (const t of c.spread(12 * OFFICE[c.h]!, at(6, 0, 0))) {
        const lane = word(c.r, LANES, c.h, 6, 0.7);
        c.laravel(t, "WARNING", `Fuel surcharge index stale for lane ${lane}, using default rate`, {
          lane,
          carrier: word(c.r, CARRIERS, c.h, 4, 0.7),
          currency: "EUR",
          default_rate: "18.50",
          index_date: "2026-11-17",
          age_days: 8,
          plan: pick(c.r, PLANS),
        });
      }
    },
  },
  {
    title: "MySQL deadlock on settlement/invoice writes",
    service: "billing-api",
    about:
      "Settlement approval and invoice finalization update the same rows in opposite order inside transactions, so InnoDB deadlocks them and the request fails with a QueryException (1213).",
    gen(c) {
      for (const t of c.spread(9 * OFFICE[c.h]!, c.start, c.end - 5 * SEC)) {
        const table = word(c.r, TABLES, c.h, 3, 0.3);
        const ids = Array.from({ length: int(c.r, 1, 4) }, () => int(c.r, 100_000, 999_999)).join(", ");
        const stamp = new Date(c.clamp(t)).toISOString().slice(0, 19).replace("T", " ");
        const pdo = "SQLSTATE[40001]: Serialization failure: 1213 Deadlock found when trying to get lock; try restarting transaction";
        const msg = `${pdo} (Connection: mysql, SQL: update \`${table}\` set \`status\` = settled, \`${table}\`.\`updated_at\` = ${stamp} where \`id\` in (${ids}))`;
        const carrier = word(c.r, CARRIERS, c.h, 4, 0.7);
        const org = word(c.r, ORGS, c.h, 8, 1.2);
        const [path, service] =
          c.r() < 0.5
            ? [`/api/v1/settlements/${carrier}/approve`, "/var/www/html/app/Services/Settlement/SettlementWriter.php:64"]
            : [
                `/api/v1/customers/${org}/invoices/${invoiceNo(c.r)}/finalize`,
                "/var/www/html/app/Services/Invoicing/InvoiceFinalizer.php:88",
              ];
        const tr = c.trace();
        c.request(
          "billing-api",
          t,
          { method: "POST", path, status: 500, latency: 1 + c.r() * 4, ua: pick(c.r, BROWSERS), ip: publicIp(c.r), protocol: "HTTP/2" },
          tr,
        );
        const vendor = [
          "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php:779",
          "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php:657",
          "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Query/Builder.php:3857",
        ];
        c.laravel(t + int(c.r, 900, 3900), "ERROR", msg, {
          userId: int(c.r, 10, 900),
          exception: phpException(
            "Illuminate\\Database\\QueryException",
            msg,
            40001,
            "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php:825",
            [
              ...vendor,
              service,
              "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Concerns/ManagesTransactions.php:32",
              ...LARAVEL_HTTP_TAIL,
            ],
            phpException("PDOException", pdo, 40001, "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php:587", [
              "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php:587",
              "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php:812",
              ...vendor,
              service,
            ]),
          ),
        });
      }
    },
  },
  {
    title: "Settlement export job attempted too many times",
    service: "billing-api",
    about:
      "The two-hourly settlement export job calls the carriers' SFTP drop inside its 60 s timeout and is retried by Cloud Tasks until Laravel fails it with MaxAttemptsExceededException; it runs on even hours only.",
    gen(c) {
      if (c.h % 2 !== 0) return;
      for (const t of c.uniform(int(c.r, 6, 14), c.start + 2 * MIN, c.start + 22 * MIN)) {
        const msg = "App\\Jobs\\ExportSettlementBatch has been attempted too many times.";
        c.laravel(t, "ERROR", msg, {
          exception: phpException(
            "Illuminate\\Queue\\MaxAttemptsExceededException",
            msg,
            0,
            "/var/www/html/vendor/laravel/framework/src/Illuminate/Queue/MaxAttemptsExceededException.php:24",
            [
              "/var/www/html/vendor/laravel/framework/src/Illuminate/Queue/Worker.php:785",
              "/var/www/html/vendor/laravel/framework/src/Illuminate/Queue/Worker.php:555",
              ...LARAVEL_TASK_TAIL,
            ],
          ),
        });
      }
    },
  },
  {
    title: "FX rates API timeout (cURL error 28)",
    service: "billing-api",
    about:
      "The exchange-rate lookup for non-EUR invoices has no cache and a 10 s timeout; when openexchangerates.org is slow the call fails with cURL error 28 (and the logged URL carries the app_id).",
    gen(c) {
      for (const t of c.spread(2.6 * OFFICE[c.h]!)) {
        const cur = word(c.r, CURRENCIES, c.h, 4, 0.5);
        const url = `https://openexchangerates.org/api/latest.json?app_id=${c.k.fxAppId}&base=EUR&symbols=${cur}`;
        const after = 10_000 + int(c.r, 0, 4);
        const msg = `cURL error 28: Operation timed out after ${after} milliseconds with 0 bytes received (see https://curl.haxx.se/libcurl/c/libcurl-errors.html) for ${url}`;
        c.laravel(t, "ERROR", msg, {
          userId: int(c.r, 10, 900),
          exception: phpException(
            "Illuminate\\Http\\Client\\ConnectionException",
            msg,
            0,
            "/var/www/html/vendor/laravel/framework/src/Illuminate/Http/Client/PendingRequest.php:1569",
            [
              "/var/www/html/vendor/guzzlehttp/promises/src/Promise.php:209",
              "/var/www/html/vendor/guzzlehttp/promises/src/Promise.php:158",
              "/var/www/html/vendor/laravel/framework/src/Illuminate/Http/Client/PendingRequest.php:938",
              "/var/www/html/app/Services/Fx/OpenExchangeRates.php:31",
              "/var/www/html/app/Services/Invoicing/InvoiceBuilder.php:142",
              ...LARAVEL_HTTP_TAIL.slice(0, 6),
            ],
            phpException(
              "GuzzleHttp\\Exception\\ConnectException",
              msg,
              0,
              "/var/www/html/vendor/guzzlehttp/guzzle/src/Handler/CurlFactory.php:275",
              [
                "/var/www/html/vendor/guzzlehttp/guzzle/src/Handler/CurlFactory.php:205",
                "/var/www/html/vendor/guzzlehttp/guzzle/src/Handler/CurlFactory.php:157",
                "/var/www/html/vendor/guzzlehttp/guzzle/src/Handler/CurlHandler.php:47",
              ],
            ),
          ),
        });
      }
    },
  },
  {
    title: "TypeError: VatCalculator::rateFor() null country code",
    service: "billing-api",
    about:
      "Revision 00078 typed VatCalculator::rateFor(string $countryCode) strictly, and customers without a billing country pass null, so invoice and credit-note creation fail with a TypeError until the 15:20 hotfix.",
    gen(c) {
      for (const t of c.spread(30 * OFFICE[c.h]!, at(9, 40, 0), at(15, 20, 0))) {
        const org = word(c.r, ORGS, c.h, 8, 1.2);
        const credit = c.r() < 0.15;
        const [calledIn, line, path, ctrl] = credit
          ? [
              "/var/www/html/app/Services/Invoicing/CreditNoteBuilder.php",
              63,
              `/api/v1/customers/${org}/credit-notes`,
              "/var/www/html/app/Http/Controllers/Api/CreditNoteController.php:40",
            ]
          : [
              "/var/www/html/app/Services/Invoicing/InvoiceBuilder.php",
              118,
              `/api/v1/customers/${org}/invoices`,
              "/var/www/html/app/Http/Controllers/Api/InvoiceController.php:52",
            ];
        const msg = `App\\Services\\Invoicing\\VatCalculator::rateFor(): Argument #2 ($countryCode) must be of type string, null given, called in ${calledIn} on line ${line}`;
        const tr = c.trace();
        c.request(
          "billing-api",
          t,
          {
            method: "POST",
            path,
            status: 500,
            latency: 0.08 + c.r() * 0.2,
            ua: pick(c.r, BROWSERS),
            ip: publicIp(c.r),
            protocol: "HTTP/2",
          },
          tr,
        );
        c.laravel(t + 90, "ERROR", msg, {
          userId: int(c.r, 10, 900),
          exception: phpException("TypeError", msg, 0, "/var/www/html/app/Services/Invoicing/VatCalculator.php:31", [
            `${calledIn}:${line}`,
            credit
              ? "/var/www/html/app/Services/Invoicing/CreditNoteBuilder.php:29"
              : "/var/www/html/app/Services/Invoicing/InvoiceBuilder.php:74",
            ctrl,
            ...LARAVEL_HTTP_TAIL,
          ]),
        });
      }
    },
  },
  {
    title: "PHP memory exhausted rendering a statement PDF",
    service: "billing-api",
    about: "One customer's monthly statement has thousands of lines and dompdf ran past the 256 MB memory_limit; a single failed request.",
    gen(c) {
      if (c.h !== 16) return;
      const t = at(16, int(c.r, 0, 58), int(c.r, 0, 59));
      const org = word(c.r, ORGS, c.h, 8, 1.2);
      const tr = c.trace();
      c.request(
        "billing-api",
        t,
        {
          method: "GET",
          path: `/api/v1/customers/${org}/statements/2026-10.pdf`,
          status: 500,
          latency: 27 + c.r() * 3,
          ua: pick(c.r, BROWSERS),
          ip: publicIp(c.r),
          protocol: "HTTP/2",
        },
        tr,
      );
      c.laravel(t + 27_500, "ERROR", "Allowed memory size of 268435456 bytes exhausted (tried to allocate 20480 bytes)", {
        userId: int(c.r, 10, 900),
        exception: phpException(
          "Symfony\\Component\\ErrorHandler\\Error\\FatalError",
          "Allowed memory size of 268435456 bytes exhausted (tried to allocate 20480 bytes)",
          0,
          "/var/www/html/vendor/dompdf/dompdf/src/Frame/FrameTree.php:152",
          [],
        ),
      });
    },
  },
  {
    title: "Cloud Run: no available instance (billing-api, 429)",
    service: "billing-api",
    about:
      "billing-api is capped at max-instances 4; when customers open the invoice portal at 09:00 (and after the 14:00 reminder e-mail) requests beyond capacity are aborted with 429.",
    gen(c) {
      const w = (
        { 9: [int(c.r, 80, 100), at(9, 0, 20), at(9, 6, 0)], 14: [int(c.r, 32, 48), at(14, 0, 30), at(14, 3, 0)] } as Record<
          number,
          readonly [number, number, number]
        >
      )[c.h];
      if (!w) return;
      for (const t of c.uniform(w[0], w[1], w[2])) {
        const org = word(c.r, ORGS, c.h, 8, 1.2);
        c.request(
          "billing-api",
          t,
          {
            method: "GET",
            path: `/api/v1/customers/${org}/invoices?status=open&page=${int(c.r, 1, 3)}`,
            status: 429,
            latency: 0.0005 + c.r() * 0.002,
            ua: pick(c.r, BROWSERS),
            ip: publicIp(c.r),
            respSize: 0,
            protocol: "HTTP/2",
          },
          c.trace(),
          NO_INSTANCE_TEXT,
        );
      }
    },
  },
  {
    title: "Invoice e-mail rejected: recipient unknown (SMTP 550)",
    service: "billing-api",
    about:
      "Customers' accounts-payable addresses are never re-validated, so the SendInvoiceEmail job keeps mailing mailboxes that no longer exist and Symfony Mailer fails on the 550 reply.",
    gen(c) {
      for (const t of c.spread(3.4 * OFFICE[c.h]!)) {
        const org = word(c.r, ORGS, c.h, 8, 1.2);
        const email = `${pick(c.r, ["ap", "invoices", "accounts.payable", "finance", "billing"])}@${org}.com`;
        const msg = `Expected response code "250/251/252" but got code "550", with message "550 5.1.1 <${email}>: Recipient address rejected: User unknown in virtual mailbox table".`;
        c.laravel(t, "ERROR", msg, {
          exception: phpException(
            "Symfony\\Component\\Mailer\\Exception\\UnexpectedResponseException",
            msg,
            550,
            "/var/www/html/vendor/symfony/mailer/Transport/Smtp/SmtpTransport.php:342",
            [
              "/var/www/html/vendor/symfony/mailer/Transport/Smtp/SmtpTransport.php:198",
              "/var/www/html/vendor/symfony/mailer/Transport/Smtp/SmtpTransport.php:285",
              "/var/www/html/vendor/symfony/mailer/Transport/AbstractTransport.php:69",
              "/var/www/html/vendor/laravel/framework/src/Illuminate/Mail/Mailer.php:584",
              "/var/www/html/app/Jobs/SendInvoiceEmail.php:41",
              ...LARAVEL_TASK_TAIL.slice(0, 5),
            ],
          ),
        });
      }
    },
  },

  // ------------------------------------------------------------------ driver-gateway (Node / pino)
  {
    title: "JWT expired: app 5.12 does not refresh tokens",
    service: "driver-gateway",
    about:
      "Driver app 5.12 stopped calling the refresh endpoint when resuming from background, so its access tokens expire mid-shift and verifyAccessToken throws TokenExpiredError (401).",
    gen(c) {
      const events = c.spread(21 * OFFICE[c.h]!);
      events.forEach((t, i) => driverAuthFailure(c, t, "expired", i === 0 && (c.h === 7 || c.h === 16)));
    },
  },
  {
    title: "JWT invalid signature after signing-key rotation",
    service: "driver-gateway",
    about:
      "The signing key was rotated last night but the gateway caches the JWKS for 24 h, so tokens signed with the new key fail with JsonWebTokenError 'invalid signature' until the 11:20 deploy refreshes it.",
    gen(c) {
      for (const t of c.spread(17 * Math.max(OFFICE[c.h]!, 0.2), c.start, at(11, 20, 0))) driverAuthFailure(c, t, "signature", false);
    },
  },
  {
    title: "pg-pool timeout loading route stops",
    service: "driver-gateway",
    about:
      "At end of shift every driver syncs their route at once and the pg pool (max 10, 5 s connect timeout) cannot hand out connections, so stop lists fail with 'timeout exceeded when trying to connect'.",
    gen(c) {
      const lam = ({ 15: 12, 16: 70, 17: 105, 18: 48 } as Record<number, number>)[c.h] ?? 0.6;
      for (const t of c.spread(lam, c.start, c.end - 6 * SEC)) {
        const depot = word(c.r, DEPOTS, c.h, 5, 0.8);
        const path = `/v1/depots/${depot}/routes/RT-${int(c.r, 20_000, 29_999)}/stops`;
        const tr = c.trace();
        const [ua, version] = pick(c.r, DRIVER_APPS);
        const ip = publicIp(c.r);
        const took = 5000 + int(c.r, 2, 60);
        c.request("driver-gateway", t, { method: "GET", path, status: 500, latency: took / 1000, ua, ip, respSize: 52 }, tr);
        c.pino(
          t + took,
          "ERROR",
          "request errored",
          {
            req: pinoReq(c, "GET", path, ua, ip, tr),
            res: pinoRes(500, 52),
            responseTime: took,
            appVersion: version,
            err: {
              type: "Error",
              message: "timeout exceeded when trying to connect",
              stack: [
                "Error: timeout exceeded when trying to connect",
                "    at /app/node_modules/pg-pool/index.js:45:11",
                "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)",
                `    at async StopsRepository.listForRoute (/app/dist/repositories/stops.js:${pick(c.r, [41, 41, 58])}:22)`,
                "    at async getRouteStops (/app/dist/handlers/routes.js:57:19)",
              ].join("\n"),
            },
          },
          tr,
        );
      }
    },
  },
  {
    title: "Document AI quota exhausted for POD OCR",
    service: "driver-gateway",
    about:
      "Proof-of-delivery photos are sent to Document AI one request each with no client-side rate limit, so the evening delivery peak exceeds the per-minute quota and OCR is skipped.",
    gen(c) {
      const lam = ({ 15: 38, 16: 78, 17: 92, 18: 60, 19: 24 } as Record<number, number>)[c.h] ?? 0;
      for (const t of c.spread(lam)) {
        const tr = c.trace();
        const [ua, version] = pick(c.r, DRIVER_APPS);
        const path = `/v1/pods/${uuid(c.r)}/photos`;
        const quota =
          "Quota exceeded for quota metric 'Online processing requests' and limit 'Online processing requests per minute per region' of service 'documentai.googleapis.com' for consumer 'project_number:482913305117'.";
        c.pino(
          t,
          "WARNING",
          "POD OCR skipped, queued for manual review",
          {
            req: pinoReq(c, "POST", path, ua, publicIp(c.r), tr),
            depot: word(c.r, DEPOTS, c.h, 5, 0.8),
            appVersion: version,
            err: {
              type: "Error",
              message: `8 RESOURCE_EXHAUSTED: ${quota}`,
              stack: [
                `Error: 8 RESOURCE_EXHAUSTED: ${quota}`,
                "    at callErrorFromStatus (/app/node_modules/@grpc/grpc-js/build/src/call.js:32:19)",
                "    at Object.onReceiveStatus (/app/node_modules/@grpc/grpc-js/build/src/client.js:193:76)",
                "    at Object.onReceiveStatus (/app/node_modules/@grpc/grpc-js/build/src/client-interceptors.js:360:141)",
                "    at Object.onReceiveStatus (/app/node_modules/@grpc/grpc-js/build/src/client-interceptors.js:323:181)",
                "    at /app/node_modules/@grpc/grpc-js/build/src/resolving-call.js:129:78",
                "    at process.processTicksAndRejections (node:internal/process/task_queues:85:11)",
                "for call at",
                "    at ServiceClientImpl.makeUnaryRequest (/app/node_modules/@grpc/grpc-js/build/src/client.js:161:32)",
                "    at ServiceClientImpl.<anonymous> (/app/node_modules/@grpc/grpc-js/build/src/make-client.js:105:19)",
                "    at /app/node_modules/@google-cloud/documentai/build/src/v1/document_processor_service_client.js:271:29",
                "    at /app/node_modules/google-gax/build/src/normalCalls/timeout.js:44:16",
              ].join("\n"),
              code: 8,
              details: quota,
              metadata: { internalRepr: {}, options: {} },
              note: "Exception occurred in retry method that was not classified as transient",
            },
          },
          tr,
        );
      }
    },
  },
  {
    title: "FCM push failed: registration token not registered",
    service: "driver-gateway",
    about:
      "Device tokens of reinstalled or replaced phones are never pruned, so shift and route pushes to them fail with messaging/registration-token-not-registered.",
    gen(c) {
      for (const t of c.spread(15 * OFFICE[c.h]! + 2)) {
        const driver = word(c.r, DRIVERS, c.h, 8, 1.1);
        c.pino(t, "WARNING", "push notification failed", {
          driver,
          locale: word(c.r, LOCALES, c.h, 4, 0.65),
          campaign: pick(c.r, ["shift_reminder", "route_updated", "dock_assigned", "route_updated"]),
          err: {
            type: "FirebaseMessagingError",
            message: "Requested entity was not found.",
            stack: [
              "Error: Requested entity was not found.",
              "    at FirebaseMessagingError.fromServerError (/app/node_modules/firebase-admin/lib/utils/error.js:254:16)",
              "    at createFirebaseError (/app/node_modules/firebase-admin/lib/messaging/messaging-errors-internal.js:35:47)",
              "    at /app/node_modules/firebase-admin/lib/messaging/messaging-api-request-internal.js:79:75",
              "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)",
              "    at async PushService.send (/app/dist/services/push.js:33:13)",
            ].join("\n"),
            errorInfo: { code: "messaging/registration-token-not-registered", message: "Requested entity was not found." },
            codePrefix: "messaging",
          },
        });
      }
    },
  },
  {
    title: "Uncaught TypeError in route sync crashes the process",
    service: "driver-gateway",
    about:
      "A route delta without a stop (a cancelled multi-drop) makes RouteSync.applyDelta read stopId of undefined in a Pub/Sub message handler, which crashes the process; it happened three times.",
    gen(c) {
      if (c.h !== 4 && c.h !== 12 && c.h !== 21) return;
      const t = c.start + int(c.r, 0, 59) * MIN + int(c.r, 0, 59_999);
      c.pino(t, "CRITICAL", "uncaught exception, shutting down", {
        err: {
          type: "TypeError",
          message: "Cannot read properties of undefined (reading 'stopId')",
          stack: [
            "TypeError: Cannot read properties of undefined (reading 'stopId')",
            "    at RouteSync.applyDelta (/app/dist/sync/route-sync.js:88:41)",
            "    at RouteSync.onMessage (/app/dist/sync/route-sync.js:52:18)",
            "    at Subscription.emit (node:events:518:28)",
            "    at Subscription._onMessage (/app/node_modules/@google-cloud/pubsub/build/src/subscription.js:442:18)",
            "    at MessageStream._onData (/app/node_modules/@google-cloud/pubsub/build/src/message-stream.js:282:30)",
          ].join("\n"),
        },
      });
    },
  },
  {
    title: "Feature flag not found in flagd, default served",
    service: "driver-gateway",
    about:
      "A flagd config cleanup removed flags the gateway still evaluates, so the OpenFeature error hook logs FLAG_NOT_FOUND and serves the default for each removed flag as app screens reach it.",
    gen(c) {
      for (const t of c.spread(19 * OFFICE[c.h]! + 1)) {
        const flag = word(c.r, FLAGS, c.h, 3, 0.55);
        const tr = c.trace();
        const [ua, version] = pick(c.r, DRIVER_APPS);
        c.pino(
          t,
          "WARNING",
          "feature flag evaluation failed, serving default",
          {
            req: pinoReq(c, "GET", pick(c.r, ["/v1/me/config", "/v1/me/shift", "/v1/me/config"]), ua, publicIp(c.r), tr),
            flagKey: flag,
            errorCode: "FLAG_NOT_FOUND",
            errorMessage: `Flag '${flag}' not found`,
            defaultValue: false,
            appVersion: version,
          },
          tr,
        );
      }
    },
  },
  {
    title: "ETA lookup fetch failed: connect timeout to telemetry",
    service: "driver-gateway",
    about:
      "The gateway's outbound calls go through a Serverless VPC connector sized at two instances, so some fetches to the internal ETA endpoint time out while connecting and a cached ETA is served.",
    gen(c) {
      for (const t of c.spread(6 * OFFICE[c.h]! + 1, c.start, c.end - 11 * SEC)) {
        const tr = c.trace();
        const [ua, version] = pick(c.r, DRIVER_APPS);
        const attempted = "eta.corvid.internal:443";
        c.pino(
          t + 10_000,
          "WARNING",
          "ETA lookup failed, serving cached ETA",
          {
            req: pinoReq(c, "GET", `/v1/stops/${uuid(c.r)}/eta`, ua, publicIp(c.r), tr),
            vehicle: `TRK-${int(c.r, 1000, 1999)}`,
            depot: word(c.r, DEPOTS, c.h, 5, 0.8),
            appVersion: version,
            err: {
              type: "TypeError",
              message: `fetch failed: Connect Timeout Error (attempted address: ${attempted}, timeout: 10000ms)`,
              stack: [
                "TypeError: fetch failed",
                "    at node:internal/deps/undici/undici:13502:13",
                "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)",
                "    at async EtaClient.current (/app/dist/clients/eta.js:29:21)",
                "    at async getStopEta (/app/dist/handlers/stops.js:71:17)",
                `caused by: ConnectTimeoutError: Connect Timeout Error (attempted address: ${attempted}, timeout: 10000ms)`,
                "    at onConnectTimeout (node:internal/deps/undici/undici:2602:28)",
                "    at node:internal/deps/undici/undici:2554:50",
                "    at Immediate._onImmediate (node:internal/deps/undici/undici:2583:37)",
                "    at process.processImmediate (node:internal/timers:491:21)",
              ].join("\n"),
            },
          },
          tr,
        );
      }
    },
  },
];

function pinoReq(c: Hour, method: string, url: string, ua: string, ip: string, tr: Trace): Json {
  const q = url.indexOf("?");
  const query: Record<string, string> = {};
  if (q >= 0) for (const [k, v] of new URLSearchParams(url.slice(q + 1))) query[k] = v;
  return {
    id: int(c.r, 1, 90_000),
    method,
    url,
    query,
    params: {},
    headers: {
      host: "driver-api.corvidhaulage.com",
      "user-agent": ua,
      accept: "application/json",
      "accept-encoding": "gzip",
      authorization: "[Redacted]",
      "x-forwarded-for": ip,
      "x-forwarded-proto": "https",
      "x-cloud-trace-context": `${tr.trace.slice(-32)}/${BigInt("0x" + tr.span).toString()};o=${tr.sampled ? 1 : 0}`,
      traceparent: `00-${tr.trace.slice(-32)}-${tr.span}-0${tr.sampled ? 1 : 0}`,
    },
    remoteAddress: "169.254.1.1",
    remotePort: int(c.r, 30_000, 60_999),
  };
}

function pinoRes(status: number, length: number): Json {
  return {
    statusCode: status,
    headers: { "x-powered-by": "Express", "content-type": "application/json; charset=utf-8", "content-length": String(length) },
  };
}

/** P27 / P28: one failing authentication, three entries (app warning, pino-http line, Cloud Run request log). */
function driverAuthFailure(c: Hour, t: number, kind: "expired" | "signature", leakToken: boolean): void {
  const tr = c.trace();
  const [ua, version] = kind === "expired" ? pick(c.r, DRIVER_APPS.slice(0, 2)) : pick(c.r, DRIVER_APPS);
  const ip = publicIp(c.r);
  const driver = word(c.r, DRIVERS, c.h, 8, 1.1);
  const depot = word(c.r, DEPOTS, c.h, 5, 0.8);
  const path = leakToken
    ? `/v1/live/poll?access_token=eyJhbGciOiJSUzI1NiIsImtpZCI6ImRydi0yMDI2LTExIn0.${b64url(c.r, 120)}.${b64url(c.r, 86)}&since=${c.start}`
    : pick(c.r, [`/v1/depots/${depot}/routes/today`, "/v1/me/shift", `/v1/depots/${depot}/messages`, "/v1/me/shift"]);
  const req = pinoReq(c, "GET", path, ua, ip, tr);
  const err =
    kind === "expired"
      ? {
          type: "TokenExpiredError",
          message: "jwt expired",
          stack: [
            "TokenExpiredError: jwt expired",
            "    at /app/node_modules/jsonwebtoken/verify.js:190:21",
            "    at getSecret (/app/node_modules/jsonwebtoken/verify.js:97:14)",
            "    at module.exports [as verify] (/app/node_modules/jsonwebtoken/verify.js:101:10)",
            "    at verifyAccessToken (/app/dist/auth/verify-token.js:18:33)",
            "    at authenticate (/app/dist/middleware/authenticate.js:22:25)",
            "    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)",
          ].join("\n"),
          name: "TokenExpiredError",
          expiredAt: new Date(c.clamp(t) - int(c.r, 60, 5 * 3600) * SEC).toISOString(),
        }
      : {
          type: "JsonWebTokenError",
          message: "invalid signature",
          stack: [
            "JsonWebTokenError: invalid signature",
            "    at /app/node_modules/jsonwebtoken/verify.js:171:19",
            "    at getSecret (/app/node_modules/jsonwebtoken/verify.js:97:14)",
            "    at module.exports [as verify] (/app/node_modules/jsonwebtoken/verify.js:101:10)",
            "    at verifyAccessToken (/app/dist/auth/verify-token.js:18:33)",
            "    at authenticate (/app/dist/middleware/authenticate.js:22:25)",
            "    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)",
          ].join("\n"),
          name: "JsonWebTokenError",
        };
  const took = int(c.r, 1, 6);
  c.request("driver-gateway", t, { method: "GET", path, status: 401, latency: took / 1000 + c.r() * 0.002, ua, ip, respSize: 44 }, tr);
  c.pino(t + took - 1, "WARNING", "token verification failed", { req, driver, appVersion: version, err }, tr);
  c.pino(t + took, "WARNING", "request completed", { req, res: pinoRes(401, 44), responseTime: took }, tr);
}

// ---------------------------------------------------------------------------------------------
// The day.

const pid = (i: number): string => `P${pad(i + 1, 2)}`;

export const PROBLEMS: readonly Problem[] = DEFS.map((d, i) => ({ id: pid(i), service: d.service, title: d.title, about: d.about }));

function dayConsts(seed: number): DayConsts {
  const r = rng((seed ^ 0x51ed270b) >>> 0);
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const revisions = {} as Record<Service, Revision[]>;
  for (const svc of SERVICE_NAMES) {
    revisions[svc] = DEPLOYS[svc].map((d) => ({
      name: `${svc}-${pad(d.n, 5)}-${Array.from({ length: 3 }, () => letters[Math.floor(r() * 26)]).join("")}`,
      from: d.from,
      instances: Array.from({ length: int(r, 3, 6) }, () => `00${hex(r, 94)}`),
    }));
  }
  return {
    revisions,
    templateIds: Array.from(
      { length: 4 },
      () => `${int(r, 1, 9)}${pad(int(r, 0, 999_999_999), 9)}${pad(int(r, 0, 999_999_999), 9)}_${int(r, 10_000, 99_999)}`,
    ),
    fxAppId: hex(r, 32),
    rustcHash: hex(r, 40),
  };
}

function timestamp(t: number, ns: number): string {
  return new Date(t).toISOString().slice(0, 23) + pad(ns, 6) + "Z";
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    );
  }
  return value;
}

export function buildDay(seed = 20261125): Day {
  const k = dayConsts(seed);
  const ids = rng((seed ^ 0x1f2e3d4c) >>> 0);
  const counts: Record<string, number[]> = Object.fromEntries(PROBLEMS.map((p) => [p.id, Array.from({ length: 24 }, () => 0)]));
  const hours: string[] = [];
  let seq = 0;
  for (let h = 0; h < 24; h++) {
    const all: Array<{ b: Built; p: number }> = [];
    DEFS.forEach((d, i) => {
      const c = new Hour(rng((seed ^ Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(h + 1, 0x85ebca6b)) >>> 0), h, k);
      d.gen(c);
      for (const b of c.out) all.push({ b, p: i + 1 });
      counts[pid(i)]![h] = c.out.length;
    });
    all.sort((x, y) => x.b.t - y.b.t || x.b.ns - y.b.ns || x.p - y.p);
    const lines = all.map(({ b, p }) => {
      const entry = {
        ...b.body,
        insertId: `${MARKER}${pad(p, 2)}-${(seq++).toString(36)}${hex(ids, 8)}`,
        timestamp: timestamp(b.t, b.ns),
        receiveTimestamp: timestamp(b.recv, b.recvNs),
      };
      return JSON.stringify(entry, sortedKeys);
    });
    hours.push(lines.length > 0 ? lines.join("\n") + "\n" : "");
  }
  return { problems: PROBLEMS, counts, hours };
}

export function problemOfInsertId(insertId: unknown): string | undefined {
  if (typeof insertId !== "string") return undefined;
  const m = /^hx(\d{2})-[0-9a-z]+$/.exec(insertId);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= 1 && n <= PROBLEMS.length ? pid(n - 1) : undefined;
}

export function writeDay(day: Day, dir: string): void {
  mkdirSync(dir, { recursive: true });
  day.hours.forEach((text, h) => writeFileSync(join(dir, `hour-${pad(h, 2)}.jsonl`), text));
  const truth = {
    day: DAY,
    problems: day.problems.map((p) => ({ id: p.id, service: p.service, about: p.about, counts: day.counts[p.id] })),
  };
  writeFileSync(join(dir, "truth.json"), JSON.stringify(truth, null, 2) + "\n");
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf("--seed");
  const dir = args.find((a, i) => !a.startsWith("--") && (seedAt < 0 || i !== seedAt + 1)) ?? "heldout-day-6";
  const day = buildDay(seedAt >= 0 ? Number(args[seedAt + 1]) : undefined);
  writeDay(day, dir);
  const total = Object.values(day.counts).reduce((a, xs) => a + xs.reduce((s, n) => s + n, 0), 0);
  process.stdout.write(`wrote ${day.problems.length} problems, ${total} entries over 24 hours to ${dir}\n`);
}
