import {
  describeRule,
  looksMislabeled,
  prioritize,
  prioritizeAll,
  PRIORITY_RULES,
  readsAsSuccess,
  renderPriorityTable,
} from "../../../src/core/cluster/priority";
import type { Cluster } from "../../../src/core/types";
import { makeCluster, SEED_CLUSTERS } from "../fixtures/seed-worklog-model";

const everyBucket = Array.from({ length: 12 }, () => 2);
const halfTheBuckets = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0];
const oneBucket = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
const perHour = (n: number): Partial<Cluster> => ({ count: n, ratePerMinute: n / 60 });

/** One case per row of PRIORITY_RULES, in order; `rule` is the row (1-based) that must fire. */
const RULE_CASES: { name: string; rule: number; cluster: Partial<Cluster> }[] = [
  { name: "a single CRITICAL", rule: 1, cluster: { severity: "CRITICAL", template: "payment ledger write lost", timeline: oneBucket } },
  { name: "ERROR flood", rule: 2, cluster: { severity: "ERROR", ...perHour(900), timeline: everyBucket } },
  { name: "ERROR every minute", rule: 3, cluster: { severity: "ERROR", ...perHour(120), instances: 1, timeline: oneBucket } },
  { name: "ERROR on many instances", rule: 4, cluster: { severity: "ERROR", ...perHour(6), instances: 3, timeline: oneBucket } },
  { name: "ERROR through half the hour", rule: 5, cluster: { severity: "ERROR", ...perHour(6), instances: 1, timeline: halfTheBuckets } },
  { name: "a lone ERROR", rule: 6, cluster: { severity: "ERROR", ...perHour(1), timeline: oneBucket } },
  {
    name: "a few 404s",
    rule: 7,
    cluster: { kind: "request", ...perHour(3), http: { method: "GET", route: "/favicon.ico", status: 404 }, timeline: halfTheBuckets },
  },
  { name: "WARNING every minute", rule: 8, cluster: { ...perHour(90), timeline: halfTheBuckets } },
  { name: "WARNING all hour", rule: 9, cluster: { ...perHour(24), timeline: everyBucket } },
  { name: "a lone WARNING", rule: 10, cluster: { ...perHour(1), timeline: oneBucket } },
  { name: "INFO (minimum severity lowered)", rule: 11, cluster: { severity: "INFO", ...perHour(500), timeline: everyBucket } },
];

describe("PRIORITY_RULES", () => {
  test("every row has a case below", () => {
    expect(RULE_CASES.map((c) => c.rule)).toEqual(PRIORITY_RULES.map((_, i) => i + 1));
  });

  test.each(RULE_CASES)("rule $rule fires for $name", ({ rule, cluster }) => {
    const p = prioritize(makeCluster(cluster));
    expect(p.priority).toBe(PRIORITY_RULES[rule - 1]!.priority);
    expect(p.priorityReason).toContain(`(rule ${rule}: ${describeRule(PRIORITY_RULES[rule - 1]!)})`);
    expect(p.mislabeled).toBe(false);
  });

  test("the last row matches anything", () => {
    const last = PRIORITY_RULES[PRIORITY_RULES.length - 1]!;
    expect(Object.keys(last).sort()).toEqual(["priority", "severity", "why"]);
    expect(last.severity).toBe("DEFAULT");
  });

  test("the reason names severity, rate, spread and the row", () => {
    const p = prioritize(makeCluster({ severity: "ERROR", count: 120, ratePerMinute: 2, instances: 3, timeline: oneBucket }));
    expect(p.priorityReason).toBe("ERROR, 120/h across 3 instances, in 1 of 12 buckets → P2 (rule 3: ERROR, 60/h or more)");
  });

  test("a 4xx flood is not waved through as a client problem", () => {
    const p = prioritize(
      makeCluster({ kind: "request", ...perHour(300), http: { method: "POST", route: "/login", status: 401 }, timeline: everyBucket }),
    );
    expect(p.priority).toBe("P3");
  });

  test("a table that matches nothing falls back to P5", () => {
    const p = prioritize(makeCluster(), { rules: [{ priority: "P1", severity: "EMERGENCY", why: "only emergencies" }] });
    expect(p.priority).toBe("P5");
    expect(p.priorityReason).toContain("no rule matched");
  });

  test("renders as a markdown table, one line per row", () => {
    const table = renderPriorityTable().split("\n");
    expect(table).toHaveLength(PRIORITY_RULES.length + 2);
    expect(table[2]).toBe("| 1 | P1 | CRITICAL or higher | CRITICAL, ALERT and EMERGENCY mean someone said it is urgent. |");
  });
});

describe("mislabeled severity", () => {
  test.each([
    { text: "connection_state: connected", success: true },
    { text: "User <*> authenticated via OAuth", success: true },
    { text: "Migration completed in <*> ms", success: true },
    { text: "Server listening on port <*>", success: true },
    { text: "Health check: healthy", success: true },
    { text: "GET /healthz 200 OK", success: true },
    { text: "worker ready", success: true },
    { text: "Job <*> succeeded", success: true },
    { text: "Startup probe started", success: true },
    { text: "Authentication failed for user <*>", success: false },
    { text: "connected but handshake timed out", success: false },
    { text: "Error: connection completed with status <*>", success: false },
    { text: "unable to reach db; will retry once ready", success: false },
    { text: "permission denied after authenticated session", success: false },
    { text: "task completed with exception ValueError", success: false },
    { text: "client not connected", success: false },
    { text: "Worker never became ready", success: false },
    { text: "database isn't ready", success: false },
    { text: "socket disconnected", success: false },
    { text: "request unauthenticated", success: false },
    { text: "Timeout waiting for lock", success: false },
    { text: "cache miss for key <*>", success: false },
    { text: "payment success=false for order <*>", success: false },
    { text: "upstream call completed with 503", success: false },
  ])("$text → reads as success: $success", ({ text, success }) => {
    expect(readsAsSuccess(text)).toBe(success);
  });

  test.each([
    { name: "CRITICAL success text", cluster: { severity: "CRITICAL" as const, template: "user <*> authenticated" }, mislabeled: true },
    { name: "ERROR success text", cluster: { severity: "ERROR" as const, template: "listening on :8080" }, mislabeled: true },
    { name: "WARNING success text is left alone", cluster: { template: "listening on :8080" }, mislabeled: false },
    {
      name: "a stack trace never",
      cluster: { severity: "ERROR" as const, kind: "stacktrace" as const, template: "completed <*>" },
      mislabeled: false,
    },
    {
      name: "a failed request never",
      cluster: {
        severity: "ERROR" as const,
        kind: "request" as const,
        template: "GET /ok 503",
        http: { method: "GET", route: "/ok", status: 503 },
      },
      mislabeled: false,
    },
  ])("$name", ({ cluster, mislabeled }) => {
    expect(looksMislabeled(makeCluster(cluster))).toBe(mislabeled);
  });

  test("ranked as WARNING, and the reason says so (seed cluster 5)", () => {
    const p = prioritize(SEED_CLUSTERS[4]!);
    expect(p.mislabeled).toBe(true);
    expect(p.severity).toBe("CRITICAL");
    expect(p.priority).toBe("P3");
    expect(p.priorityReason).toBe(
      "CRITICAL reads as routine success, ranked as WARNING: WARNING, 36/h across 2 instances, in 12 of 12 buckets → P3 " +
        "(rule 9: WARNING, in 75%+ of the window's buckets)",
    );
  });

  test("a mislabeled burst of CRITICAL falls to P4", () => {
    const p = prioritize(makeCluster({ severity: "CRITICAL", template: "db pool ready", ...perHour(2), timeline: oneBucket }));
    expect([p.priority, p.mislabeled]).toEqual(["P4", true]);
  });
});

describe("prioritizeAll", () => {
  test("most urgent first, then by count", () => {
    const sorted = prioritizeAll([
      makeCluster({ fingerprint: "lg1-a", ...perHour(5) }),
      makeCluster({ fingerprint: "lg1-b", severity: "ERROR", ...perHour(2) }),
      makeCluster({ fingerprint: "lg1-c", ...perHour(9) }),
      makeCluster({ fingerprint: "lg1-d", severity: "CRITICAL" }),
    ]);
    expect(sorted.map((c) => `${c.fingerprint} ${c.priority}`)).toEqual(["lg1-d P1", "lg1-b P3", "lg1-c P4", "lg1-a P4"]);
  });

  test("the seed's clusters: warnings in P3–P5 as the hand-made worklog had them, the mislabeled CRITICAL lowered", () => {
    const byName = Object.fromEntries(prioritizeAll(SEED_CLUSTERS).map((c) => [Array.from(c.template).slice(0, 20).join(""), c.priority]));
    expect(byName).toEqual({
      "SSOT validation issu": "P3",
      "[🔑] GOLDEN PATH AUTH": "P3",
      "Session access faile": "P4",
      "Async engine not ava": "P4",
      "POST /ws/beacon 405": "P5",
    });
  });
});
