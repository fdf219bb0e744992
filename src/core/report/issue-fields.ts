/**
 * The worklog's issue field of each cluster (`WorklogModel.issues`): first from the triage plan,
 * then, once the plan is carried out, from the outcome of each action. Pure.
 */
import type { IssueAction, IssueActionResult } from "../triage/issue-plan";
import type { WorklogIssue, WorklogMerge } from "./worklog-model";

/** Issue fields by service, then by cluster fingerprint. */
export type IssueFieldsByService = Map<string, Record<string, WorklogIssue>>;

/** "mute (not-planned)", "skip (unchanged)", "open". */
export function describeAction(kind: string, detail: string | undefined): string {
  return detail ? `${kind} (${detail})` : kind;
}

/**
 * The field of every planned action, under the action's service: what will be done, before
 * anything is. A skip for being over the cap on new issues reads "listed-in-digest"; a held
 * variant "held (a variant of lg1-…)".
 */
export function plannedIssueFields(actions: readonly IssueAction[], dryRun: boolean): IssueFieldsByService {
  const fields: IssueFieldsByService = new Map();
  for (const a of actions) {
    if (a.kind === "close-duplicate") continue; // a merge, not the cluster's own issue: see mergeFields
    const reason = "reason" in a ? a.reason : undefined;
    fieldsOf(fields, a.service)[a.fingerprint] = {
      action: plannedAction(a, reason),
      number: "issueNumber" in a ? a.issueNumber : undefined,
      url: "url" in a ? a.url : undefined,
      dryRun,
    };
  }
  return fields;
}

function plannedAction(a: IssueAction, reason: string | undefined): string {
  if (a.kind !== "skip") return describeAction(a.kind, reason);
  if (reason === "over-cap") return "listed-in-digest";
  if (reason === "held-variant") {
    const of = `${a.variantIssue !== undefined ? `#${a.variantIssue}, ` : ""}${a.variantOf ?? "another cluster"}`;
    return describeAction("held", `a variant of ${of}; its own issue opens when the hold is over, if it still stands apart`);
  }
  return describeAction(a.kind, reason);
}

export interface IssueOutcomes {
  /** Fields that replace the planned ones, by service then fingerprint. */
  readonly fields: IssueFieldsByService;
  /** Each service's results, in the order they came (the digest issue's is `digest`). */
  readonly results: Map<string, IssueActionResult[]>;
  /** The digest issue's own result: it belongs to no one service. */
  readonly digest?: IssueActionResult;
  /** One line per failed action, in the order of the results. */
  readonly failures: readonly string[];
}

/**
 * The outcome of carrying out `actions`. `serviceOf` maps each published cluster's fingerprint
 * to its service; a result for any other fingerprint is left out. Every problem listed in the
 * digest issue points at it, with its number and its error if it failed; a problem skipped
 * for being over the cap keeps its planned field.
 */
export function issueOutcomes(
  actions: readonly IssueAction[],
  results: readonly IssueActionResult[],
  serviceOf: ReadonlyMap<string, string>,
  dryRun: boolean,
): IssueOutcomes {
  const fields: IssueFieldsByService = new Map();
  const byService = new Map<string, IssueActionResult[]>();
  const failures: string[] = [];
  let digestResult: IssueActionResult | undefined;
  const digest = actions.find((a): a is Extract<IssueAction, { kind: "digest" }> => a.kind === "digest");
  for (const r of results) {
    if (r.fingerprint === digest?.fingerprint) {
      digestResult = r;
      if (!r.ok) failures.push(`digest issue: ${r.action} failed: ${r.error ?? "unknown error"}`);
      for (const fp of digest.fingerprints) {
        const service = serviceOf.get(fp);
        if (service !== undefined)
          fieldsOf(fields, service)[fp] = {
            action: "listed-in-digest",
            number: r.issueNumber,
            url: r.url,
            error: r.ok ? undefined : r.error,
            dryRun,
          };
      }
      continue;
    }
    const service = serviceOf.get(r.fingerprint);
    if (service === undefined) continue;
    let list = byService.get(service);
    if (!list) byService.set(service, (list = []));
    list.push(r);
    if (r.action === "skip" && (r.detail === "over-cap" || r.detail === "held-variant")) continue; // listed in the digest, above; or held: the planned field says of what
    if (r.action === "close-duplicate") {
      // A merge (mergeFields), not the cluster's own issue.
      if (!r.ok)
        failures.push(
          `${service}: closing #${r.issueNumber ?? "?"} as a duplicate for ${r.fingerprint} failed: ${r.error ?? "unknown error"}`,
        );
      continue;
    }
    fieldsOf(fields, service)[r.fingerprint] = {
      action: describeAction(r.action, r.detail),
      number: r.issueNumber,
      url: r.url,
      error: r.ok ? undefined : r.error,
      dryRun,
    };
    if (!r.ok) failures.push(`${service}: ${r.action} for ${r.fingerprint} failed: ${r.error ?? "unknown error"}`);
  }
  return { fields, results: byService, digest: digestResult, failures };
}

/** Merges by service, then by cluster fingerprint. */
export type MergesByService = Map<string, Record<string, WorklogMerge[]>>;

/**
 * The worklog's merges (`WorklogModel.merges`): one per close-duplicate action, under its
 * cluster. With `results` (one per action, in order, as trackers return them), each carries
 * its error if closing failed.
 */
export function mergeFields(
  actions: readonly IssueAction[],
  results: readonly IssueActionResult[] | undefined,
  dryRun: boolean,
): MergesByService {
  const out: MergesByService = new Map();
  actions.forEach((a, i) => {
    if (a.kind !== "close-duplicate") return;
    const r = results?.[i];
    const error = r && r.action === a.kind && !r.ok ? (r.error ?? "unknown error") : undefined;
    let record = out.get(a.service);
    if (!record) out.set(a.service, (record = {}));
    (record[a.fingerprint] ??= []).push({
      duplicate: { number: a.issueNumber, url: a.url, fingerprint: a.duplicateFingerprint },
      survivor: a.survivor,
      closes: a.close,
      ...(error !== undefined ? { error } : {}),
      dryRun,
    });
  });
  return out;
}

function fieldsOf(fields: IssueFieldsByService, service: string): Record<string, WorklogIssue> {
  let record = fields.get(service);
  if (!record) fields.set(service, (record = {}));
  return record;
}
