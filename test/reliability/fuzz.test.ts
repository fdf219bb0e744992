/**
 * Bad input never crashes the job and is never lost. fast-check feeds arbitrary JSON values and
 * LogEntry-shaped objects full of hostile strings (lone surrogates, control characters, fence
 * and HTML and mention look-alikes, megabyte lines, payloads nested 1,000 deep) through
 * normalizeEntry → ServiceClusterer (with the real TemplateMiner) → prioritizeAll →
 * renderWorklog / buildSidecar, and through runJob end to end with an in-memory source.
 *
 * Each property asserts: nothing throws, every input is either clustered or counted (skipped,
 * duplicate, outside the window, below the severity floor), and the markdown stays well-formed
 * with no HTML, mention or issue reference from the input outside code.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
import { DEFAULT_CLUSTER_OPTIONS, ServiceClusterer } from "../../src/core/cluster/cluster";
import { TemplateMiner } from "../../src/core/cluster/miner/template-miner";
import { normalizeEntry } from "../../src/core/ingest/normalize";
import { prioritizeAll } from "../../src/core/cluster/priority";
import { buildRedactor } from "../../src/core/redact/redact";
import { SEVERITIES, severityRank } from "../../src/core/severity";
import { buildSidecar, parseSidecar } from "../../src/core/report/sidecar";
import { SKIP_REASONS, type SkipReason, type SkippedEntry, type TimeWindow } from "../../src/core/types";
import { renderWorklog } from "../../src/core/report/worklog";
import type { WorklogModel } from "../../src/core/report/worklog-model";
import { recordFigures } from "./figures";
import { jsonLines, MemorySource, readTree, runOnce, tempDir } from "./harness";
import { checkMarkdown } from "./markdown-check";

const WINDOW: TimeWindow = { start: Date.parse("2026-11-28T17:00:00Z"), end: Date.parse("2026-11-28T18:00:00Z") };
const redact = buildRedactor();
const MAX_MESSAGE_BYTES = 64 * 1024;
/**
 * Runs per property are kept small so the suite stays under a minute on two cores. For a longer
 * hunt: FUZZ_SCALE=20 multiplies them; FUZZ_SEED and FUZZ_PATH replay a reported counterexample.
 */
const SCALE = Number(process.env.FUZZ_SCALE ?? "1") || 1;
const REPLAY = process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED), path: process.env.FUZZ_PATH } : {};

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Any UTF-16 code unit, lone surrogates included. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

/** Text that has tried to break things before. */
const HOSTILE_PIECES = [
  "\uD800",
  "\uDFFF",
  "\uDBFF\uDBFF",
  "\u0000",
  "\u0007",
  "\u001b[31m",
  "\r\n",
  "\n",
  "\t",
  "\u2028",
  "\u202e",
  "\uFEFF",
  "\u200b",
  "```",
  "````",
  "~~~",
  "\n```\n",
  "\n~~~~\n",
  "`",
  "|",
  "\\",
  "*_[]()",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  '<a href="https://evil.example">click</a>',
  "<details><summary>x</summary>",
  "<!--",
  "-->",
  "@octocat",
  "@org/team",
  " @admin ",
  "#123",
  " #7 ",
  "owner/repo#456",
  "GH-789",
  "https://evil.example/x?a=1",
  "www.evil.example",
  "\n    at handler (/app/src/server.js:10:5)",
  'Traceback (most recent call last):\n  File "/app/x.py", line 3, in f\nValueError: bad',
  "panic: runtime error\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:5 +0x1d",
  "__proto__",
  "constructor",
  "{{ }}",
  "%s%n%x",
  "\\u0000",
  "1e309",
  "-0",
  "NaN",
];

const hostileString = (maxPieces = 10): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof(fc.string({ unit: anyCodeUnit, maxLength: 12 }), fc.string({ maxLength: 16 }), fc.constantFrom(...HOSTILE_PIECES)), {
      maxLength: maxPieces,
    })
    .map((parts) => parts.join(""));

const timestampArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: WINDOW.start, max: WINDOW.end - 1 }).map((ms) => new Date(ms).toISOString()) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: WINDOW.start - 3_600_000, max: WINDOW.end + 3_600_000 }).map((ms) => new Date(ms).toISOString()),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(hostileString(3), fc.constant(""), fc.constant(null), fc.integer(), fc.constant("2026-13-45T99:99:99Z")),
  },
);

const severityArb = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...SEVERITIES) },
  { weight: 1, arbitrary: fc.oneof(hostileString(2), fc.integer({ min: -10, max: 1000 }), fc.constant(null)) },
);

const serviceArb = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom("checkout-api", "billing") },
  { weight: 1, arbitrary: hostileString(3) },
);

const jsonPayloadArb = fc.oneof(
  fc.record({ message: hostileString() }, { requiredKeys: [] }),
  fc.record({ msg: hostileString(), level: fc.constantFrom("error", "warn", 50), stack: hostileString(4) }, { requiredKeys: [] }),
  fc.record(
    { error: fc.oneof(hostileString(), fc.record({ message: hostileString(), stack: hostileString() }, { requiredKeys: [] })) },
    { requiredKeys: [] },
  ),
  fc.dictionary(hostileString(2), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
);

const httpRequestArb = fc.record(
  {
    requestMethod: fc.oneof(fc.constantFrom("GET", "POST", "DELETE"), hostileString(2)),
    requestUrl: fc.oneof(fc.webUrl({ withQueryParameters: true }), hostileString(4)),
    status: fc.oneof(fc.constantFrom(200, 404, 409, 500, 503), fc.integer(), hostileString(1)),
    latency: fc.oneof(fc.constant("0.25s"), hostileString(1), fc.record({ seconds: fc.integer(), nanos: fc.integer() })),
    userAgent: hostileString(3),
    remoteIp: fc.ipV4(),
  },
  { requiredKeys: [] },
);

/** Objects shaped like Cloud Logging LogEntry, with every field possibly wrong. */
const logEntryArb: fc.Arbitrary<unknown> = fc.record(
  {
    insertId: fc.oneof(fc.string({ maxLength: 8 }), fc.constant("dup")),
    logName: fc.oneof(fc.constant("projects/p/logs/run.googleapis.com%2Fstdout"), hostileString(2)),
    timestamp: timestampArb,
    severity: severityArb,
    resource: fc.record({
      type: fc.constant("cloud_run_revision"),
      labels: fc.record({ service_name: serviceArb, revision_name: fc.string({ maxLength: 10 }) }, { requiredKeys: ["service_name"] }),
    }),
    textPayload: hostileString(),
    jsonPayload: jsonPayloadArb,
    httpRequest: httpRequestArb,
    trace: hostileString(2),
    labels: fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 10 }), fc.integer())),
    sourceLocation: fc.record(
      { file: hostileString(2), line: fc.oneof(fc.string(), fc.integer()), function: hostileString(2) },
      { requiredKeys: [] },
    ),
    protoPayload: fc.record(
      {
        methodName: hostileString(2),
        serviceName: hostileString(1),
        status: fc.record({ code: fc.integer(), message: hostileString() }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ["timestamp", "resource"] },
);

/** Anything at all: JSON values, and LogEntry-shaped objects most of the time. */
const rawArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
  { weight: 6, arbitrary: logEntryArb },
);

// ---------------------------------------------------------------------------------------------
// The core path, as runJob drives it

interface CoreOutcome {
  readonly inputs: number;
  readonly counts: { clustered: number; skipped: number; duplicates: number; outsideWindow: number; belowSeverity: number };
  readonly worklogs: { service: string; markdown: string; sidecarJson: string; clustered: number; clusterCount: number }[];
}

function runCore(raws: readonly unknown[], minSeverity: (typeof SEVERITIES)[number] = "WARNING"): CoreOutcome {
  const counts = { clustered: 0, skipped: 0, duplicates: 0, outsideWindow: 0, belowSeverity: 0 };
  const perService = new Map<
    string,
    {
      clusterer: ServiceClusterer;
      clustered: number;
      skipped: Partial<Record<SkipReason, number>>;
      samples: SkippedEntry[];
      other: { duplicates: number; outsideWindow: number; belowSeverity: number };
    }
  >();
  const service = (name: string) => {
    let s = perService.get(name);
    if (!s) {
      s = {
        clusterer: new ServiceClusterer(name, new TemplateMiner(), { ...DEFAULT_CLUSTER_OPTIONS, window: WINDOW }),
        clustered: 0,
        skipped: {},
        samples: [],
        other: { duplicates: 0, outsideWindow: 0, belowSeverity: 0 },
      };
      perService.set(name, s);
    }
    return s;
  };
  const seen = new Set<string>();
  for (const raw of raws) {
    const result = normalizeEntry(raw, { maxMessageBytes: MAX_MESSAGE_BYTES, redact });
    if (!result.ok) {
      expect(SKIP_REASONS).toContain(result.skipped.reason);
      const s = service("unknown");
      s.skipped[result.skipped.reason] = (s.skipped[result.skipped.reason] ?? 0) + 1;
      if (s.samples.length < 3) s.samples.push(result.skipped);
      counts.skipped++;
      continue;
    }
    const e = result.entry;
    const s = service(e.service);
    if (seen.has(e.key)) {
      s.other.duplicates++;
      counts.duplicates++;
    } else if (e.timestamp < WINDOW.start || e.timestamp >= WINDOW.end) {
      seen.add(e.key);
      s.other.outsideWindow++;
      counts.outsideWindow++;
    } else if (severityRank(e.severity) < severityRank(minSeverity)) {
      seen.add(e.key);
      s.other.belowSeverity++;
      counts.belowSeverity++;
    } else {
      seen.add(e.key);
      s.clusterer.add(e);
      s.clustered++;
      counts.clustered++;
    }
  }
  const worklogs = [...perService.entries()].map(([name, s]) => {
    const clusters = prioritizeAll(s.clusterer.clusters());
    const model: WorklogModel = {
      service: name,
      window: WINDOW,
      generatedAt: WINDOW.end + 60_000,
      focusArea: "Last 1 hour",
      source: "fuzz",
      minSeverity,
      clusters,
      stats: { read: 0, clustered: s.clustered, skipped: s.skipped, otherServices: 0, ...s.other },
      skippedSamples: s.samples,
      truncations: [],
      issues: {},
      status: {
        collected: true,
        clustered: true,
        issuesPlanned: true,
        issuesPublished: false,
        dryRun: true,
        relatedResearched: false,
        relatedLinked: false,
      },
      notes: [],
      logsExplorerUrls: {},
    };
    const markdown = renderWorklog(model);
    const sidecarJson = JSON.stringify(buildSidecar(model));
    return { service: name, markdown, sidecarJson, clustered: clusters.reduce((n, c) => n + c.count, 0), clusterCount: clusters.length };
  });
  return { inputs: raws.length, counts, worklogs };
}

/** The worklog's own lines (its HTML `<details>` appendix), from a worklog of benign input. */
const OWN_LINES: ReadonlySet<string> = new Set(
  runCore([
    {
      insertId: "a",
      timestamp: new Date(WINDOW.start + 1000).toISOString(),
      severity: "ERROR",
      resource: { labels: { service_name: "checkout-api" } },
      textPayload: "payment failed",
    },
  ])
    .worklogs[0]!.markdown.split("\n")
    .filter((l) => l.includes("<")),
);

function assertCoreOutcome(outcome: CoreOutcome): void {
  const { counts } = outcome;
  expect(counts.clustered + counts.skipped + counts.duplicates + counts.outsideWindow + counts.belowSeverity).toBe(outcome.inputs);
  let clustered = 0;
  for (const w of outcome.worklogs) {
    clustered += w.clustered;
    expect(checkMarkdown(w.markdown, [], OWN_LINES)).toEqual([]);
    const parsed = parseSidecar(JSON.parse(w.sidecarJson));
    if (!parsed.ok) throw new Error(`sidecar of ${JSON.stringify(w.service)} does not parse: ${parsed.problems.join("; ")}`);
    expect(parsed.sidecar.stats.clustered).toBe(w.clustered);
  }
  expect(clustered).toBe(counts.clustered);
}

/** Runs a property, counting inputs and crashes for the figures table. */
function measured<T>(
  section: string,
  arb: fc.Arbitrary<T>,
  numRuns: number,
  check: (value: T) => void,
  inputsOf: (value: T) => number,
): void {
  let inputs = 0;
  let crashes = 0;
  try {
    fc.assert(
      fc.property(arb, (value) => {
        inputs += inputsOf(value);
        try {
          check(value);
        } catch (err) {
          crashes++;
          throw err;
        }
      }),
      { numRuns: Math.round(numRuns * SCALE), endOnFailure: true, ...REPLAY },
    );
  } catch (err) {
    // fast-check prints the whole counterexample; a megabyte line makes that useless.
    const text = (err as Error).message;
    throw new Error(text.length > 6000 ? `${text.slice(0, 3000)}\n…\n${text.slice(-3000)}` : text, { cause: err });
  } finally {
    recordFigures(section, { inputsFuzzed: inputs, crashes });
  }
}

/** measured() for whole runs: each value gets a fresh temporary folder, removed afterwards. */
async function measuredRuns<T>(
  arb: fc.Arbitrary<T>,
  prefix: string,
  inputsOf: (value: T) => number,
  run: (value: T, dir: string) => Promise<void>,
): Promise<void> {
  let inputs = 0;
  let crashes = 0;
  try {
    await fc.assert(
      fc.asyncProperty(arb, async (value) => {
        inputs += inputsOf(value);
        const t = await tempDir(prefix);
        try {
          await run(value, t.dir);
        } catch (err) {
          crashes++;
          throw err;
        } finally {
          await t.remove();
        }
      }),
      { numRuns: 40 * SCALE, endOnFailure: true, ...REPLAY },
    );
  } finally {
    recordFigures("fuzz: whole run", { inputsFuzzed: inputs, crashes });
  }
}

// ---------------------------------------------------------------------------------------------

describe("normalizeEntry on anything", () => {
  test("never throws and always says why it skipped", () => {
    measured(
      "fuzz: normalizeEntry",
      rawArb,
      500,
      (raw) => {
        const r = normalizeEntry(raw, { maxMessageBytes: MAX_MESSAGE_BYTES, redact });
        if (r.ok) {
          expect(typeof r.entry.message).toBe("string");
          expect(Number.isFinite(r.entry.timestamp)).toBe(true);
        } else {
          expect(SKIP_REASONS).toContain(r.skipped.reason);
          expect(r.skipped.sample.length).toBeLessThanOrEqual(600);
        }
        // What comes out is JSON-serializable (it goes into the sidecar).
        expect(() => JSON.stringify(r)).not.toThrow();
      },
      () => 1,
    );
  });
});

describe("normalize → cluster → prioritize → render", () => {
  test("batches of hostile entries: nothing thrown, nothing lost, markdown well-formed", () => {
    measured(
      "fuzz: core pipeline",
      fc.array(rawArb, { maxLength: 40 }),
      300,
      (raws) => assertCoreOutcome(runCore(raws)),
      (raws) => raws.length,
    );
  });

  test("hostile messages that repeat, so templates and variables carry them", () => {
    const repeated = fc
      .tuple(hostileString(8), fc.array(hostileString(2), { minLength: 2, maxLength: 8 }), fc.constantFrom("textPayload", "jsonPayload"))
      .map(([base, vars, kind]) =>
        vars.map((v, i) => ({
          insertId: `r${i}`,
          timestamp: new Date(WINDOW.start + i * 1000).toISOString(),
          severity: "ERROR",
          resource: { type: "cloud_run_revision", labels: { service_name: "checkout-api" } },
          ...(kind === "textPayload" ? { textPayload: `${base} ${v}` } : { jsonPayload: { message: `${base} ${v}`, detail: v } }),
        })),
      );
    measured(
      "fuzz: core pipeline",
      repeated,
      300,
      (raws) => assertCoreOutcome(runCore(raws)),
      (raws) => raws.length,
    );
  });

  test("1 MB lines: skipped as too large or clustered, never a crash", () => {
    const big = fc
      .tuple(
        fc.constantFrom("a", "\uD800", "`", "<script>", "@octocat ", "x\n", "\u0000"),
        fc.constantFrom("textPayload", "jsonPayload", "httpRequest"),
      )
      .map(([unit, where]) => {
        const text = unit.repeat(Math.ceil(1_000_000 / unit.length));
        const entry: Record<string, unknown> = {
          insertId: "big",
          timestamp: new Date(WINDOW.start + 1000).toISOString(),
          severity: "ERROR",
          resource: { type: "cloud_run_revision", labels: { service_name: "checkout-api" } },
        };
        if (where === "textPayload") entry.textPayload = text;
        else if (where === "jsonPayload") entry.jsonPayload = { message: "short", blob: text, stack: text };
        else entry.httpRequest = { requestMethod: "GET", requestUrl: `https://x.example/${text}`, status: 500, userAgent: text };
        return [entry];
      });
    measured(
      "fuzz: core pipeline",
      big,
      6,
      (raws) => {
        const started = performance.now();
        const outcome = runCore(raws);
        assertCoreOutcome(outcome);
        for (const w of outcome.worklogs) expect(w.markdown.length).toBeLessThan(200_000);
        expect(performance.now() - started).toBeLessThan(5000);
      },
      (raws) => raws.length,
    );
  });

  test("payloads nested 1,000 deep", () => {
    const deep = fc
      .tuple(fc.constantFrom("object", "array", "mixed"), fc.constantFrom(1000, 1500), hostileString(3))
      .map(([shape, depth, leaf]) => {
        let v: unknown = leaf;
        for (let i = 0; i < depth; i++) v = shape === "array" || (shape === "mixed" && i % 2 === 0) ? [v] : { nested: v };
        return [
          {
            insertId: "deep",
            timestamp: new Date(WINDOW.start + 1000).toISOString(),
            severity: "ERROR",
            resource: { type: "cloud_run_revision", labels: { service_name: "checkout-api" } },
            jsonPayload: { message: "deep payload", payload: v },
          },
          {
            insertId: "deep-root",
            timestamp: new Date(WINDOW.start + 2000).toISOString(),
            severity: "ERROR",
            resource: { type: "cloud_run_revision", labels: { service_name: "checkout-api" } },
            jsonPayload: v,
          },
          v,
        ];
      });
    measured(
      "fuzz: core pipeline",
      deep,
      12,
      (raws) => assertCoreOutcome(runCore(raws)),
      (raws) => raws.length,
    );
  });
});

describe("the markdown check itself", () => {
  test.each([
    ["an unclosed fence", "text\n````\ncode\n```\n", "unclosed"],
    ["a raw script tag", "a <script>x</script>", "raw HTML"],
    ["a raw img tag", "<img src=x>", "raw HTML"],
    ["a raw link tag", 'see <a href="x">', "raw HTML"],
    ["a live mention", "ping @octocat now", "@mention"],
    ["a live team mention", "(@org/team)", "@mention"],
    ["a live issue reference", "fixes #123", "issue reference"],
    ["a cross-repo reference", "owner/repo#456", "issue reference"],
    ["a GH- reference", "see GH-789", "GH- reference"],
  ])("finds %s", (_name, markdown, problem) => {
    expect(
      checkMarkdown(markdown)
        .map((p) => p.problem)
        .join("; "),
    ).toContain(problem);
  });

  test.each([
    ["code spans", "`<script>` and `@octocat` and ``#123 ` x``"],
    ["fenced code", "````\n```\n<img src=x> @octocat #1\n````\n"],
    ["escaped text", "&lt;script&gt; @\u200boctocat #\u200b123"],
    ["an e-mail-like word", "user@example.com"],
    ["a link destination", "[Worklog](/tmp/lg-gh-08/x.md)"],
  ])("passes %s", (_name, markdown) => {
    expect(checkMarkdown(markdown)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The whole run: the CLI's `run` on an in-memory source, and on an export file of arbitrary text.

describe("runJob end to end on hostile input", () => {
  const runCounts = (stderr: string) => {
    const summary = jsonLines(stderr).filter((l) => l.message === "run summary");
    if (summary.length !== 1) throw new Error(`${summary.length} run summary lines; the end of stderr:\n${stderr.slice(-3000)}`);
    return summary[0] as { read: number };
  };

  async function checkRun(dir: string, inputs: number, r: { code: number; stderr: string }): Promise<void> {
    if (r.code !== 0) throw new Error(`exit code ${r.code}; the end of stderr:\n${r.stderr.slice(-3000)}`);
    const s = runCounts(r.stderr);
    expect(s.read).toBe(inputs);
    const files = await readTree(dir);
    let counted = 0;
    for (const [name, text] of files) {
      if (/\/\d{4}Z\.json$/.test(name)) {
        const parsed = parseSidecar(JSON.parse(text));
        if (!parsed.ok) throw new Error(`${name}: ${parsed.problems.join("; ")}`);
        const st = parsed.sidecar.stats;
        counted += st.clustered + st.skipped + st.duplicates + st.outsideWindow + st.belowSeverity;
        expect(parsed.sidecar.clusters.reduce((n, c) => n + c.count, 0)).toBe(st.clustered);
      }
      if (/\/\d{4}Z\.md$/.test(name)) expect(checkMarkdown(text, [], OWN_LINES)).toEqual([]);
    }
    const totals = jsonLines(r.stderr).find((l) => l.message === "read complete") as Record<
      "read" | "clustered" | "skipped" | "duplicates" | "outsideWindow" | "belowSeverity" | "otherServices" | "unattributed",
      number
    >;
    expect(totals.read).toBe(
      totals.clustered + totals.skipped + totals.duplicates + totals.outsideWindow + totals.belowSeverity + totals.otherServices,
    );
    // Records with no service that are not log entries (a string, a number) are counted in the
    // run summary as unattributed, not in a worklog; everything else is in a worklog or another service's.
    if (counted + totals.otherServices + totals.unattributed !== inputs) {
      const worklogs = [...files.keys()].filter((k) => /\/\d{4}Z\.json$/.test(k));
      throw new Error(
        `${inputs - counted - totals.otherServices - totals.unattributed} entries in no worklog and not counted; worklogs: ${JSON.stringify(worklogs)}; read complete: ${JSON.stringify(totals)}`,
      );
    }
  }

  test("from memory: every entry clustered or counted, markdown well-formed, exit 0", async () => {
    await measuredRuns(
      fc.array(rawArb, { maxLength: 30 }),
      "lg-fuzz-run-",
      (raws) => raws.length,
      async (raws, dir) => {
        const r = await runOnce({
          out: dir,
          env: {
            LOG_GARDENER_DRY_RUN: "true",
            LOG_GARDENER_WINDOW_END: new Date(WINDOW.end).toISOString(),
            LOG_GARDENER_LOG_LEVEL: "info",
          },
          overrides: { source: new MemorySource(raws) },
        });
        await checkRun(dir, raws.length, r);
      },
    );
  }, 60_000);

  // Found by the property above: a lone surrogate in a service name reached encodeURIComponent
  // in the Logs Explorer link and crashed the run before any worklog was written.
  test("lone surrogates in the service name and the message", async () => {
    const raws = [
      {
        insertId: "s1",
        timestamp: new Date(WINDOW.start + 1000).toISOString(),
        severity: "ERROR",
        resource: { labels: { service_name: "api\uD800" } },
        textPayload: "failed \uDFFF here",
      },
      {
        insertId: "s2",
        timestamp: new Date(WINDOW.start + 2000).toISOString(),
        severity: "ERROR",
        resource: { labels: { service_name: "api" } },
        httpRequest: { requestMethod: "GE\uD800T", requestUrl: "/x/\uDC00", status: 500 },
      },
    ];
    const t = await tempDir("lg-fuzz-surrogate-");
    try {
      const r = await runOnce({
        out: t.dir,
        env: { LOG_GARDENER_DRY_RUN: "true", LOG_GARDENER_WINDOW_END: new Date(WINDOW.end).toISOString() },
        overrides: { source: new MemorySource(raws) },
      });
      await checkRun(t.dir, raws.length, r);
    } finally {
      await t.remove();
    }
  });

  // Also found by the properties: a service named ".." or ".x" made keys the store refuses (the
  // run crashed), and "a b" and "a?b" shared one worklog (the second overwrote the first).
  test("service names that are not path-safe: each gets its own worklog, none crashes the run", async () => {
    const names = ["..", ".", ".hidden", "a b", "a?b", "a/b", "", "_"];
    const raws = names.map((service_name, i) => ({
      insertId: `n${i}`,
      timestamp: new Date(WINDOW.start + 1000 * (i + 1)).toISOString(),
      severity: "ERROR",
      resource: { labels: { service_name } },
      textPayload: `payment failed ${i}`,
    }));
    const t = await tempDir("lg-fuzz-names-");
    try {
      const r = await runOnce({
        out: t.dir,
        env: { LOG_GARDENER_DRY_RUN: "true", LOG_GARDENER_WINDOW_END: new Date(WINDOW.end).toISOString() },
        overrides: { source: new MemorySource(raws) },
      });
      await checkRun(t.dir, raws.length, r);
    } finally {
      await t.remove();
    }
  });

  test("1 MB lines and 1,000-deep payloads, from memory and from a file", async () => {
    let deep: unknown = "leaf \uD800 <script>";
    for (let i = 0; i < 1000; i++) deep = i % 2 ? { nested: deep } : [deep];
    const at = new Date(WINDOW.start + 60_000).toISOString();
    const labels = { service_name: "checkout-api" };
    const raws = [
      { insertId: "mb-text", timestamp: at, severity: "ERROR", resource: { labels }, textPayload: "x\uD800`@octocat ".repeat(70_000) },
      {
        insertId: "mb-json",
        timestamp: at,
        severity: "ERROR",
        resource: { labels },
        jsonPayload: { message: "short", blob: "y".repeat(1_000_000) },
      },
      { insertId: "deep", timestamp: at, severity: "ERROR", resource: { labels }, jsonPayload: { message: "deep", payload: deep } },
      { insertId: "deep-root", timestamp: at, severity: "ERROR", resource: { labels }, jsonPayload: deep },
    ];
    const t = await tempDir("lg-fuzz-big-");
    try {
      const r = await runOnce({
        out: path.join(t.dir, "a"),
        env: { LOG_GARDENER_DRY_RUN: "true", LOG_GARDENER_WINDOW_END: new Date(WINDOW.end).toISOString() },
        overrides: { source: new MemorySource(raws) },
      });
      await checkRun(path.join(t.dir, "a"), raws.length, r);
      const file = path.join(t.dir, "export.json");
      // JSON.stringify itself gives up around depth 10^4; 1,000 is what an export can hold.
      await writeFile(file, JSON.stringify(raws));
      const f = await runOnce({
        out: path.join(t.dir, "b"),
        env: { LOG_GARDENER_DRY_RUN: "true", LOG_GARDENER_INPUT: file, LOG_GARDENER_WINDOW_END: new Date(WINDOW.end).toISOString() },
      });
      await checkRun(path.join(t.dir, "b"), raws.length, f);
      recordFigures("fuzz: whole run", { inputsFuzzed: 2 * raws.length, crashes: 0 });
    } finally {
      await t.remove();
    }
  });

  test("from an export file of arbitrary text: unparseable records are counted, never fatal", async () => {
    const record = fc.oneof(
      logEntryArb.map((e) => JSON.stringify(e)),
      fc.string({ unit: anyCodeUnit, maxLength: 60 }),
      fc.constantFrom("{", "}", "[", "]", '{"a":', "null", "[1,2", '"\\uD800"', "{}{}", ""),
    );
    const exportText = fc.tuple(fc.array(record, { maxLength: 25 }), fc.constantFrom("\n", "\r\n"));
    await measuredRuns(
      exportText,
      "lg-fuzz-file-",
      ([lines]) => lines.length,
      async ([lines, eol], dir) => {
        const file = path.join(dir, "export.jsonl");
        await writeFile(file, lines.join(eol));
        const out = path.join(dir, "out");
        const r = await runOnce({
          out,
          env: { LOG_GARDENER_DRY_RUN: "true", LOG_GARDENER_INPUT: file, LOG_GARDENER_WINDOW_END: new Date(WINDOW.end).toISOString() },
        });
        // However the reader splits the text into records, each one it yields is read and counted.
        await checkRun(out, runCounts(r.stderr).read, r);
      },
    );
  }, 60_000);
});
