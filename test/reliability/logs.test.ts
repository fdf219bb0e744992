/**
 * The job's own logs, as Cloud Logging will ingest them from stderr: one JSON object a line,
 * `severity` and `message` (Cloud Logging's structured fields), the Cloud Run execution and task
 * bound to every line, exactly one `run summary` line with the run's figures, and no secret
 * from the input anywhere, including the lines that report failures.
 */
import { createLogger } from "../../src/adapters/logger";
import { buildRedactor } from "../../src/core/redact/redact";
import { SEVERITIES } from "../../src/core/severity";
import { secretLines, type SecretLine } from "../fixtures/redaction/corpus";
import { recordFigures } from "./figures";
import { jsonLines, logEntry, MemorySource, runOnce, startGitHub, tempDir, WINDOW_START, type GitHubPeer } from "./harness";

/** Every fifth corpus line (all kinds); leak-paths.test.ts runs the whole corpus through the logs too. */
const SECRET_LINES: readonly SecretLine[] = secretLines().filter((_l, i) => i % 5 === 0);

const SERVICES = ["checkout-api", "billing-worker"];
const EXECUTION = "log-gardener-hourly-x7k2p";

function input(): unknown[] {
  const out: unknown[] = SECRET_LINES.map((s, i) =>
    logEntry({
      service: SERVICES[i % 2],
      insertId: `l${i}`,
      at: WINDOW_START + i * 10_000,
      ...(i % 2 === 0 ? { textPayload: s.line } : { jsonPayload: { message: s.line, token: s.secrets[0] } }),
    }),
  );
  // Malformed entries carrying secrets too: their samples are logged nowhere, counted as skipped.
  out.push({
    insertId: "bad-1",
    timestamp: "yesterday",
    textPayload: SECRET_LINES[0]!.line,
    resource: { labels: { service_name: "checkout-api" } },
  });
  out.push({ insertId: "bad-2", textPayload: SECRET_LINES[1]!.line, resource: { labels: { service_name: "billing-worker" } } });
  return out;
}

let github: GitHubPeer | undefined;
let remove: (() => Promise<void>) | undefined;
afterEach(async () => {
  await github?.close();
  await remove?.();
  github = undefined;
  remove = undefined;
});

async function run(arm?: (g: GitHubPeer) => void) {
  github = await startGitHub({ validate: false });
  arm?.(github);
  const t = await tempDir("lg-logs-");
  remove = t.remove;
  const r = await runOnce({
    out: t.dir,
    env: {
      LOG_GARDENER_SERVICES: SERVICES.join(","),
      LOG_GARDENER_LOG_LEVEL: "debug",
      LOG_GARDENER_MAX_NEW_ISSUES: "500",
      CLOUD_RUN_EXECUTION: EXECUTION,
      CLOUD_RUN_TASK_INDEX: "0",
      CLOUD_RUN_TASK_COUNT: "1",
    },
    overrides: { source: new MemorySource(input()), tracker: await github.tracker() },
  });
  return { r, lines: jsonLines(r.stderr), plain: r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("{")) };
}

function leaks(text: string): string[] {
  return SECRET_LINES.flatMap((s) => s.secrets.filter((v) => text.includes(v)).map((v) => `${s.kind}: ${v.slice(0, 30)}`));
}

describe("the job's own logs", () => {
  test("Cloud Logging's structured format, the execution and task on every line, one run summary, no secret", async () => {
    const { r, lines, plain } = await run();
    expect(r.code).toBe(0);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      expect(SEVERITIES).toContain(line.severity);
      expect(typeof line.message).toBe("string");
      expect(line).toHaveProperty("execution", EXECUTION);
      expect(line).toHaveProperty("task", 0);
      expect(line).not.toHaveProperty("msg");
    }
    const summaries = lines.filter((l) => l.message === "run summary");
    expect(summaries).toHaveLength(1);
    const s = summaries[0]!;
    expect(s.severity).toBe("INFO");
    expect(s).toMatchObject({ read: SECRET_LINES.length + 2, skipped: 2, truncated: false, failures: 0 });
    expect(s.clustered).toBe(SECRET_LINES.length);
    expect(s.clusters).toEqual(expect.any(Number));
    expect(s.durationMs).toEqual(expect.any(Number));
    expect(s.actions).toEqual(expect.objectContaining({ open: expect.any(Number) }));
    // The closing table (a header, a row per service) and the notes after it are plain lines, not log records.
    expect(
      plain.filter(
        (l) =>
          !/^(service +clusters +new +(planned )?actions +worklog$|\S+ +\d+ +\d+ +\S.* +\S+$|skipped|log-gardener:|\s+-|\d+ record\(s\) had no service)/.test(
            l,
          ),
      ),
    ).toEqual([]);
    expect(plain).toContainEqual(expect.stringMatching(/^service +clusters/));

    const found = leaks(r.stderr);
    recordFigures("job logs", { secretsChecked: SECRET_LINES.reduce((n, l) => n + l.secrets.length, 0), secretsLeaked: found.length });
    expect(found).toEqual([]);
  });

  test("failure lines (GitHub refusing every write) name the failure and carry no secret", async () => {
    const { r, lines } = await run((g) => g.standIn.faults.tooLongBody(10));
    expect(r.code).toBe(1);
    // Each failed action is logged by the tracker (on the job's logger in production, on its own here).
    const trackerErrors = jsonLines(github!.logs.join("")).filter((l) => l.severity === "ERROR");
    expect(trackerErrors.length).toBeGreaterThan(0);
    expect(trackerErrors.some((e) => /GitHub \S+ failed/.test(String(e.message)))).toBe(true);
    for (const l of lines) expect(l).toHaveProperty("execution", EXECUTION);
    const summary = lines.filter((l) => l.message === "run summary");
    expect(summary).toHaveLength(1);
    expect(Number(summary[0]!.failures)).toBeGreaterThan(0);
    const found = [...leaks(r.stderr), ...leaks(github!.logs.join(""))];
    recordFigures("job logs", { secretsChecked: SECRET_LINES.reduce((n, l) => n + l.secrets.length, 0), secretsLeaked: found.length });
    expect(found).toEqual([]);
  });
});

describe("the logger redacts whatever it is handed", () => {
  // Errors from the outside world can quote what was sent (a request body, a filter, a line).
  test("errors (message, stack, own fields, cause) and deeply nested objects", () => {
    const lines: string[] = [];
    const log = createLogger({
      level: "info",
      executionId: EXECUTION,
      taskIndex: 0,
      redact: buildRedactor(),
      destination: { write: (s: string) => void lines.push(s) },
    });
    const cause = new Error("upstream said: password=hunter2hunter2");
    const err = Object.assign(new Error("POST failed: api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dcXYZ", { cause }), {
      body: "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    });
    log.error({ err }, "publishing failed");
    let deep: unknown = "Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345";
    for (let i = 0; i < 12; i++) deep = { nested: deep };
    log.warn({ deep }, "deep");
    log.info("message with sk_live_4eC39HqLyjWDarjtT1zdp7dcXYZ in it");
    const text = lines.join("");
    expect(text).toContain("publishing failed");
    for (const secret of [
      "sk_live_4eC39HqLyjWDarjtT1zdp7dcXYZ",
      "hunter2hunter2",
      "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
      "abcdefghijklmnopqrstuvwxyz012345",
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
