/**
 * The JSON sidecar written next to each worklog (<HH>00Z.json): the same facts as the markdown,
 * for scripts and for later runs (the daily index reads it back).
 *
 * This is a contract. Readers parse it back with `parseSidecar`, possibly long after it was
 * written, so: add fields as optional, never rename or retype one, and bump `schemaVersion`
 * (keeping a reader for the old one) for anything that isn't purely additive. Times are ISO
 * strings (UTC) so the file reads well by eye; counts are numbers.
 */
import { errorReportingUrl } from "./error-reporting";
import { z } from "zod";
import { jsonChunks } from "../json-chunks";
import { SEVERITIES } from "../severity";
import type { WorklogModel } from "./worklog-model";
import { CHANGES } from "../history/history";
import { clusterTitle } from "./worklog";
import { SKIP_REASONS } from "../types";

const severity = z.enum(SEVERITIES);
const priority = z.enum(["P1", "P2", "P3", "P4", "P5"]);
const count = z.number().int().nonnegative();
const iso = z.iso.datetime();

const sidecarCluster = z.object({
  fingerprint: z.string(),
  service: z.string(),
  kind: z.enum(["request", "application", "stacktrace"]),
  severity,
  severities: z.partialRecord(severity, count),
  priority,
  priorityReason: z.string(),
  mislabeled: z.boolean(),
  count,
  firstSeen: iso,
  lastSeen: iso,
  ratePerMinute: z.number().nonnegative(),
  template: z.string(),
  source: z.string().optional(),
  http: z.object({ method: z.string(), route: z.string(), status: z.number().int() }).optional(),
  exceptionType: z.string().optional(),
  example: z.string().optional(),
  shape: z.string().optional(),
  errorGroups: z.array(z.object({ id: z.string(), project: z.string().optional(), count, url: z.string() })).optional(),
  joinedRequests: z.array(z.object({ method: z.string(), route: z.string(), status: z.number().int(), count })).optional(),
  revisions: z.array(z.object({ value: z.string(), count })),
  instances: count,
  topVariables: z.array(z.object({ name: z.string(), top: z.array(z.object({ value: z.string(), count })), distinct: count })),
  traceIds: z.array(z.string()),
  samples: z.array(z.unknown()),
  timeline: z.array(count),
  bucketMinutes: z.number().nonnegative(),
  issue: z
    .object({
      action: z.string(),
      number: z.number().int().positive().optional(),
      url: z.string().optional(),
      error: z.string().optional(),
      dryRun: z.boolean(),
    })
    .optional(),
  related: z.array(z.object({ number: z.number().int().positive(), url: z.string(), title: z.string() })).optional(),
  logsExplorerUrl: z.string().optional(),
  // What changed, from the service's history (docs/history.md). `firstSeen` above stays the
  // first occurrence in this window; `problemFirstSeen` is the problem's first ever.
  change: z.enum(CHANGES).optional(),
  problemFirstSeen: iso.optional(),
  /** Revision of the problem's earliest entry ever. */
  firstSeenRevision: z.string().optional(),
  /** The figure the escalation limit came from (occurrences per hour), and the limit. */
  baseline: z.number().nonnegative().optional(),
  limit: z.number().nonnegative().optional(),
  /** How the limit was computed: "cold-start", "percentile", or "none" without history. */
  limitRule: z.string().optional(),
  /** For `returned`: hours it had been absent (null: longer than the history keeps). */
  absentHours: z.number().nonnegative().nullable().optional(),
  /** Every entry came from this revision, first seen in the service during the window. */
  startedWithDeploy: z.string().optional(),
  /** Present when `count` is an estimate from a sample. */
  estimate: z.object({ fraction: z.number().positive().max(1), sampled: count, low: count, high: count }).optional(),
  /** What the worklog calls it (clusterTitle, core/cluster/naming.ts); also for clusters the worklog leaves out. */
  name: z.string().optional(),
  /** Issues closed as duplicates of this cluster's issue in this window (core/triage merges). */
  merges: z
    .array(
      z.object({
        duplicate: z.number().int().positive(),
        duplicateUrl: z.string().optional(),
        fingerprint: z.string(),
        survivor: z.number().int().positive(),
        survivorUrl: z.string().optional(),
        closes: z.boolean(),
        error: z.string().optional(),
        dryRun: z.boolean(),
      }),
    )
    .optional(),
});

const revisionSeen = z.object({ value: z.string(), firstSeen: iso });

export const worklogSidecarSchema = z.object({
  schemaVersion: z.literal(1),
  service: z.string(),
  window: z.object({ start: iso, end: iso }),
  generatedAt: iso,
  executionId: z.string().optional(),
  source: z.string(),
  minSeverity: severity,
  stats: z.object({
    read: count,
    duplicates: count,
    outsideWindow: count,
    belowSeverity: count,
    otherServices: count,
    clustered: count,
    skipped: count,
  }),
  skipped: z.partialRecord(z.enum(SKIP_REASONS), count),
  truncated: z.boolean(),
  truncations: z.array(z.object({ service: z.string(), read: count, upTo: z.string(), reason: z.string() })),
  /** True when cluster counts are estimates from a sample of the window (docs/sampling.md). */
  estimated: z.boolean().optional(),
  sampling: z
    .object({
      fraction: z.number().positive().max(1),
      sampled: count,
      mode: z.enum(["server", "adaptive"]).optional(),
      serverFraction: z.number().positive().max(1).optional(),
      adaptiveFraction: z.number().positive().max(1),
      why: z.string().optional(),
      fallback: z.string().optional(),
      lag: z.string().optional(),
      /** Cloud Monitoring's exact totals for the window, by severity. */
      totals: z.partialRecord(severity, count).optional(),
      total: count.optional(),
      pagesRead: count.optional(),
      quotaShare: z.number().nonnegative().optional(),
      budgetShare: z.number().nonnegative().optional(),
    })
    .optional(),
  status: z.object({
    collected: z.boolean(),
    clustered: z.boolean(),
    issuesPlanned: z.boolean(),
    issuesPublished: z.boolean(),
    dryRun: z.boolean(),
    relatedResearched: z.boolean(),
    relatedLinked: z.boolean(),
  }),
  notes: z.array(z.string()),
  clusters: z.array(sidecarCluster),
  /** Seen in the previous window, not in this one. */
  quiet: z
    .array(
      z.object({
        fingerprint: z.string(),
        title: z.string().optional(),
        lastSeen: iso,
        issue: z.number().int().positive().optional(),
        count,
      }),
    )
    .optional(),
  /** Each revision the service logged in this window, with its earliest entry. */
  revisions: z.array(revisionSeen).optional(),
  /** The problem history this window was judged against (docs/history.md). */
  history: z
    .object({
      status: z.enum(["loaded", "started", "rebuilt", "refused", "unavailable"]),
      detail: z.string().optional(),
      /** Revisions first seen in the service during this window. */
      deployed: z.array(revisionSeen),
      noRevision: count,
      skewedEntries: count,
      skewedClusters: count,
    })
    .optional(),
});

export type WorklogSidecar = z.infer<typeof worklogSidecarSchema>;
export type SidecarCluster = WorklogSidecar["clusters"][number];

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function buildSidecar(model: WorklogModel): WorklogSidecar {
  const skipped = Object.fromEntries(Object.entries(model.stats.skipped).filter(([, n]) => (n ?? 0) > 0)) as WorklogSidecar["skipped"];
  const skippedTotal = Object.values(skipped).reduce<number>((a, n) => a + (n ?? 0), 0);
  return {
    schemaVersion: 1,
    service: model.service,
    window: { start: isoTime(model.window.start), end: isoTime(model.window.end) },
    generatedAt: isoTime(model.generatedAt),
    ...(model.executionId !== undefined ? { executionId: model.executionId } : {}),
    source: model.source,
    minSeverity: model.minSeverity,
    stats: {
      read: model.stats.read,
      duplicates: model.stats.duplicates,
      outsideWindow: model.stats.outsideWindow,
      belowSeverity: model.stats.belowSeverity,
      otherServices: model.stats.otherServices,
      clustered: model.stats.clustered,
      skipped: skippedTotal,
    },
    skipped,
    truncated: model.truncations.length > 0,
    truncations: model.truncations.map((t) => ({ service: t.service, read: t.read, upTo: t.upTo, reason: t.reason })),
    ...(model.sampling
      ? {
          estimated: model.sampling.estimated,
          sampling: {
            fraction: model.sampling.fraction,
            sampled: model.sampling.sampled,
            adaptiveFraction: model.sampling.adaptiveFraction,
            ...(model.sampling.plan
              ? {
                  mode: model.sampling.plan.mode,
                  serverFraction: model.sampling.plan.serverFraction,
                  why: model.sampling.plan.why,
                  ...(model.sampling.plan.fallback !== undefined ? { fallback: model.sampling.plan.fallback } : {}),
                  ...(model.sampling.plan.lagNote !== undefined ? { lag: model.sampling.plan.lagNote } : {}),
                  ...(model.sampling.plan.totals ? { totals: { ...model.sampling.plan.totals } } : {}),
                  ...(model.sampling.plan.total !== undefined ? { total: model.sampling.plan.total } : {}),
                }
              : {}),
            ...(model.sampling.quota
              ? {
                  pagesRead: model.sampling.quota.pages,
                  quotaShare: model.sampling.quota.quotaShare,
                  budgetShare: model.sampling.quota.budgetShare,
                }
              : {}),
          },
        }
      : {}),
    status: { ...model.status },
    notes: [...model.notes],
    clusters: model.clusters.map((c): SidecarCluster => {
      const issue = model.issues[c.fingerprint];
      const ch = model.history?.changes[c.fingerprint];
      const related = model.related?.[c.fingerprint];
      const explorer = model.logsExplorerUrls?.[c.fingerprint];
      const merges = model.merges?.[c.fingerprint] ?? [];
      return {
        fingerprint: c.fingerprint,
        service: c.service,
        kind: c.kind,
        severity: c.severity,
        severities: { ...c.severities },
        priority: c.priority,
        priorityReason: c.priorityReason,
        mislabeled: c.mislabeled,
        count: c.count,
        firstSeen: isoTime(c.firstSeen),
        lastSeen: isoTime(c.lastSeen),
        ratePerMinute: Number.isFinite(c.ratePerMinute) && c.ratePerMinute > 0 ? c.ratePerMinute : 0,
        template: c.template,
        ...(c.source !== undefined ? { source: c.source } : {}),
        ...(c.http ? { http: { method: c.http.method, route: c.http.route, status: c.http.status } } : {}),
        ...(c.exceptionType !== undefined ? { exceptionType: c.exceptionType } : {}),
        ...(c.example !== undefined ? { example: c.example } : {}),
        ...(c.shape !== undefined ? { shape: c.shape } : {}),
        ...(c.errorGroups && c.errorGroups.length > 0
          ? { errorGroups: c.errorGroups.map((g) => ({ ...g, url: errorReportingUrl(g) })) }
          : {}),
        ...(c.joinedRequests && c.joinedRequests.length > 0
          ? { joinedRequests: c.joinedRequests.map((j) => ({ method: j.method, route: j.route, status: j.status, count: j.count })) }
          : {}),
        revisions: c.revisions.map((r) => ({ value: r.value, count: r.count })),
        instances: c.instances,
        topVariables: c.variables.map((v) => ({
          name: v.name,
          top: v.top.map((t) => ({ value: t.value, count: t.count })),
          distinct: v.distinct,
        })),
        traceIds: [...c.traceIds],
        samples: [...c.samples],
        timeline: [...c.timeline],
        bucketMinutes: c.bucketMinutes,
        ...(issue
          ? {
              issue: {
                action: issue.action,
                ...(issue.number !== undefined ? { number: issue.number } : {}),
                ...(issue.url !== undefined ? { url: issue.url } : {}),
                ...(issue.error !== undefined ? { error: issue.error } : {}),
                dryRun: issue.dryRun,
              },
            }
          : {}),
        ...(related && related.length > 0 ? { related: related.map((r) => ({ number: r.number, url: r.url, title: r.title })) } : {}),
        ...(explorer ? { logsExplorerUrl: explorer } : {}),
        ...(ch
          ? {
              change: ch.change,
              problemFirstSeen: isoTime(ch.firstSeen),
              ...(ch.firstSeenRevision !== undefined ? { firstSeenRevision: ch.firstSeenRevision } : {}),
              baseline: ch.baseline,
              ...(ch.limit !== undefined ? { limit: ch.limit } : {}),
              limitRule: ch.rule,
              ...(ch.absentMs !== undefined
                ? { absentHours: Number.isFinite(ch.absentMs) ? Math.round((ch.absentMs / 3_600_000) * 100) / 100 : null }
                : {}),
              ...(ch.startedWithDeploy !== undefined ? { startedWithDeploy: ch.startedWithDeploy } : {}),
            }
          : {}),
        ...(c.estimate ? { estimate: { ...c.estimate } } : {}),
        name: clusterTitle(c),
        ...(merges.length > 0
          ? {
              merges: merges.map((g) => ({
                duplicate: g.duplicate.number,
                ...(g.duplicate.url !== undefined ? { duplicateUrl: g.duplicate.url } : {}),
                fingerprint: g.duplicate.fingerprint,
                survivor: g.survivor.number,
                ...(g.survivor.url !== undefined ? { survivorUrl: g.survivor.url } : {}),
                closes: g.closes,
                ...(g.error !== undefined ? { error: g.error } : {}),
                dryRun: g.dryRun,
              })),
            }
          : {}),
      };
    }),
    ...(model.history
      ? {
          quiet: model.history.quiet.map((q) => ({
            fingerprint: q.fingerprint,
            ...(q.title !== undefined ? { title: q.title } : {}),
            lastSeen: isoTime(q.lastSeen),
            ...(q.issue !== undefined ? { issue: q.issue } : {}),
            count: q.count,
          })),
          revisions: model.history.revisions.map((r) => ({ value: r.value, firstSeen: isoTime(r.firstSeen) })),
          history: {
            status: model.history.status,
            ...(model.history.detail !== undefined ? { detail: model.history.detail } : {}),
            deployed: model.history.deployed.map((r) => ({ value: r.value, firstSeen: isoTime(r.firstSeen) })),
            noRevision: model.history.report.noRevision,
            skewedEntries: model.history.report.skewedEntries,
            skewedClusters: model.history.report.skewedClusters,
          },
        }
      : {}),
  };
}

/**
 * The sidecar's JSON text, exactly `JSON.stringify(sidecar, null, 2) + "\n"`, in chunks: the
 * fields around the clusters, then one chunk per cluster, printed again at each iteration.
 */
export function sidecarJsonChunks(sidecar: WorklogSidecar): Iterable<string> {
  return jsonChunks(sidecar, "clusters", 2, "\n");
}

export type ParsedSidecar = { ok: true; sidecar: WorklogSidecar } | { ok: false; problems: string[] };

/** Parses a sidecar read back from the store (already JSON.parse'd). Never throws. */
export function parseSidecar(json: unknown): ParsedSidecar {
  const result = worklogSidecarSchema.safeParse(json);
  if (result.success) return { ok: true, sidecar: result.data };
  return { ok: false, problems: result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`) };
}
