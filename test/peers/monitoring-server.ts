/**
 * A loopback Cloud Monitoring peer: `google.monitoring.v3.MetricService/ListTimeSeries` over
 * real gRPC, served from the protos that ship in @google-cloud/monitoring (google/api, protobuf
 * and rpc imports from google-gax). The real MetricServiceClient talks to it unchanged.
 *
 * It holds raw one-minute DELTA INT64 points of `logging.googleapis.com/log_entry_count` per
 * (service, revision, log, severity), as the service keeps them, and answers the way the API
 * does where the job depends on it: the filter (the clauses src/adapters/monitoring-totals.ts
 * builds, parsed back here: `metric.type`, `resource.type`, `resource.labels.service_name` and
 * `metric.labels.severity` with `=` or `one_of(...)`, joined by AND), the interval (points whose
 * end lies in (start, end]), and the aggregation: ALIGN_SUM over `alignmentPeriod`, then
 * REDUCE_SUM grouped by `groupByFields`. A point that is not yet "visible" (its end later than
 * `visibleUntil`) is left out, as the documented lag does. Faults can be injected; every
 * request is recorded.
 */
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { loadGrpcService } from "./grpc-service";

export const LOG_ENTRY_COUNT = "logging.googleapis.com/log_entry_count";

/** One minute's count of one log of one revision at one severity. */
export interface CountPoint {
  readonly service: string;
  readonly revision?: string;
  readonly log?: string;
  readonly severity: string;
  /** End of the minute, epoch ms. */
  readonly end: number;
  readonly value: number;
}

export type MonitoringFaultCode =
  "RESOURCE_EXHAUSTED" | "UNAVAILABLE" | "DEADLINE_EXCEEDED" | "PERMISSION_DENIED" | "INVALID_ARGUMENT" | "NOT_FOUND";

export interface MonitoringFault {
  readonly code: MonitoringFaultCode;
  readonly times?: number;
  readonly message?: string;
}

export interface MonitoringServerOptions {
  readonly points: readonly CountPoint[];
  readonly faults?: readonly MonitoringFault[];
  /** Points ending after this (epoch ms) are not visible yet. Default: all visible. */
  readonly visibleUntil?: number;
}

export interface TimeSeriesRequestSeen {
  readonly name: string;
  readonly filter: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly alignmentSeconds: number;
  readonly perSeriesAligner: string;
  readonly crossSeriesReducer: string;
  readonly groupByFields: readonly string[];
  readonly status?: MonitoringFaultCode;
  readonly series: number;
}

export interface MonitoringServer {
  readonly port: number;
  readonly requests: TimeSeriesRequestSeen[];
  close(): Promise<void>;
}

export function monitoringProtoDirs(): string[] {
  const monitoring = path.resolve(path.dirname(require.resolve("@google-cloud/monitoring")), "../protos");
  const gax = path.resolve(path.dirname(require.resolve("google-gax")), "../protos");
  return [monitoring, gax];
}

function loadMetricService(): grpc.ServiceDefinition {
  return loadGrpcService("google/monitoring/v3/metric_service.proto", monitoringProtoDirs(), "google.monitoring.v3.MetricService");
}

type Clause = { readonly field: string; readonly values: readonly string[] };

/** `a = "x" AND b = one_of("y", "z")`: the filter grammar the totals adapter writes. */
export function parseMonitoringFilter(filter: string): Clause[] {
  const clauses: Clause[] = [];
  const re = /\s*([a-z_.]+)\s*=\s*(?:one_of\(((?:\s*"(?:[^"\\]|\\.)*"\s*,?)+)\)|("(?:[^"\\]|\\.)*"))\s*(AND|$)/y;
  let at = 0;
  while (at < filter.length) {
    re.lastIndex = at;
    const m = re.exec(filter);
    if (!m) throw new Error(`unparseable filter at ${at}: ${filter.slice(at, at + 40)}`);
    const values =
      m[3] !== undefined ? [JSON.parse(m[3]) as string] : [...m[2]!.matchAll(/"(?:[^"\\]|\\.)*"/g)].map((v) => JSON.parse(v[0]) as string);
    clauses.push({ field: m[1]!, values });
    at = re.lastIndex;
    if (m[4] === "") break;
  }
  return clauses;
}

function labelOf(point: CountPoint, field: string): string | undefined {
  switch (field.replace(".labels.", ".label.")) {
    case "resource.label.service_name":
      return point.service;
    case "resource.label.revision_name":
      return point.revision ?? `${point.service}-00001-abc`;
    case "metric.label.severity":
      return point.severity;
    case "metric.label.log":
      return point.log ?? "run.googleapis.com/stderr";
    default:
      return undefined;
  }
}

function toMs(ts: { seconds?: string | number; nanos?: number } | undefined): number {
  return Number(ts?.seconds ?? 0) * 1000 + Math.floor((ts?.nanos ?? 0) / 1_000_000);
}

function iso(ms: number): { seconds: string; nanos: number } {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

function statusError(code: MonitoringFaultCode, message: string): grpc.ServiceError {
  const error = new Error(message) as grpc.ServiceError;
  error.code = grpc.status[code];
  error.details = message;
  error.metadata = new grpc.Metadata();
  return error;
}

export async function startMonitoringServer(options: MonitoringServerOptions): Promise<MonitoringServer> {
  const requests: TimeSeriesRequestSeen[] = [];
  const faults = (options.faults ?? []).map((f) => ({ ...f, left: f.times ?? 1 }));
  const service = loadMetricService();

  function listTimeSeries(call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: grpc.sendUnaryData<unknown>): void {
    const body = call.request as {
      name?: string;
      filter?: string;
      interval?: { startTime?: { seconds?: string; nanos?: number }; endTime?: { seconds?: string; nanos?: number } };
      aggregation?: {
        alignmentPeriod?: { seconds?: string };
        perSeriesAligner?: string;
        crossSeriesReducer?: string;
        groupByFields?: string[];
      };
      view?: string;
    };
    const seen = {
      name: body.name ?? "",
      filter: body.filter ?? "",
      startMs: toMs(body.interval?.startTime),
      endMs: toMs(body.interval?.endTime),
      alignmentSeconds: Number(body.aggregation?.alignmentPeriod?.seconds ?? 0),
      perSeriesAligner: body.aggregation?.perSeriesAligner ?? "ALIGN_NONE",
      crossSeriesReducer: body.aggregation?.crossSeriesReducer ?? "REDUCE_NONE",
      groupByFields: body.aggregation?.groupByFields ?? [],
    };
    const fail = (code: MonitoringFaultCode, message: string) => {
      requests.push({ ...seen, status: code, series: 0 });
      callback(statusError(code, message));
    };
    const fault = faults.find((f) => f.left > 0);
    if (fault) {
      fault.left--;
      fail(fault.code, fault.message ?? `injected ${fault.code}`);
      return;
    }
    if (!/^projects\/[a-z][a-z0-9-]+$/.test(seen.name))
      return fail("INVALID_ARGUMENT", `name: expected projects/PROJECT_ID (got ${seen.name})`);
    if (!(seen.endMs > seen.startMs)) return fail("INVALID_ARGUMENT", "interval: the end time must be after the start time");
    let clauses: Clause[];
    try {
      clauses = parseMonitoringFilter(seen.filter);
    } catch (error) {
      return fail("INVALID_ARGUMENT", `filter: ${(error as Error).message}`);
    }
    const type = clauses.find((c) => c.field === "metric.type");
    if (!type) return fail("INVALID_ARGUMENT", "filter: a metric.type is required");
    // Only the DELTA INT64 counts of log_entry_count exist here; any other metric has no series.
    const known = type.values.includes(LOG_ENTRY_COUNT);
    if (seen.perSeriesAligner !== "ALIGN_SUM" || seen.crossSeriesReducer !== "REDUCE_SUM" || !(seen.alignmentSeconds > 0)) {
      return fail("INVALID_ARGUMENT", "aggregation: this peer implements ALIGN_SUM over an alignment period then REDUCE_SUM");
    }
    const visible = options.visibleUntil ?? Infinity;
    const groups = new Map<string, { labels: string[]; total: number }>();
    for (const p of known ? options.points : []) {
      if (!(p.end > seen.startMs && p.end <= seen.endMs && p.end <= visible)) continue;
      let ok = true;
      for (const c of clauses) {
        if (c.field === "metric.type") continue;
        if (c.field === "resource.type") ok &&= c.values.includes("cloud_run_revision");
        else {
          const v = labelOf(p, c.field);
          ok &&= v !== undefined && c.values.includes(v);
        }
      }
      if (!ok) continue;
      const labels = seen.groupByFields.map((f) => labelOf(p, f) ?? "");
      const key = JSON.stringify(labels);
      const g = groups.get(key) ?? { labels, total: 0 };
      g.total += p.value;
      groups.set(key, g);
    }
    const series = [...groups.values()].map((g) => {
      const metricLabels: Record<string, string> = {};
      const resourceLabels: Record<string, string> = {};
      seen.groupByFields.forEach((f, i) => {
        const [kind, , key] = f.split(".");
        (kind === "metric" ? metricLabels : resourceLabels)[key!] = g.labels[i]!;
      });
      return {
        metric: { type: LOG_ENTRY_COUNT, labels: metricLabels },
        resource: { type: "cloud_run_revision", labels: resourceLabels },
        metricKind: "DELTA",
        valueType: "INT64",
        points: [{ interval: { startTime: iso(seen.startMs), endTime: iso(seen.endMs) }, value: { int64Value: String(g.total) } }],
      };
    });
    requests.push({ ...seen, series: series.length });
    callback(null, { timeSeries: series, nextPageToken: "" });
  }

  const server = new grpc.Server();
  server.addService(service, { ListTimeSeries: listTimeSeries });
  const port = await new Promise<number>((resolvePort, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolvePort(bound),
    );
  });
  return {
    port,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.tryShutdown(() => done());
        setTimeout(() => server.forceShutdown(), 1000).unref();
      }),
  };
}

/** One-minute points for `count` entries spread evenly over [from, to). */
export function minutePoints(service: string, severity: string, count: number, from: number, to: number): CountPoint[] {
  const minutes = Math.max(1, Math.round((to - from) / 60_000));
  const out: CountPoint[] = [];
  let given = 0;
  for (let m = 0; m < minutes; m++) {
    const upTo = Math.round((count * (m + 1)) / minutes);
    if (upTo > given) out.push({ service, severity, end: from + (m + 1) * 60_000, value: upTo - given });
    given = upTo;
  }
  return out;
}
