/**
 * The whole run has a deadline below the Cloud Run task timeout (LOG_GARDENER_DEADLINE). When
 * reading reaches it (less the time kept for publishing), the job stops reading, publishes what
 * it has, and every worklog says the window was cut short.
 */
import { parseSidecar } from "../../src/core/report/sidecar";
import { recordFigures } from "./figures";
import { jsonLines, logEntry, ManualClock, MemorySource, readTree, runOnce, tempDir, WINDOW_START } from "./harness";

const SERVICES = ["checkout-api", "billing-worker"];

function entries(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) =>
    logEntry({
      service: SERVICES[i % 2],
      insertId: `d${i}`,
      at: WINDOW_START + i * 30_000,
      jsonPayload: { message: `payment provider timed out after ${1000 + i}ms` },
    }),
  );
}

let remove: (() => Promise<void>) | undefined;
afterEach(async () => {
  await remove?.();
  remove = undefined;
});

test("a source slower than the deadline: reading stops in time, the worklogs are written and say the window was cut short", async () => {
  const t = await tempDir("lg-deadline-");
  remove = t.remove;
  const clock = new ManualClock();
  const started = clock.ms;
  // One entry a minute; a 20-minute budget keeps 5 minutes for publishing, so reading stops at 15.
  const source = new MemorySource(entries(100), { beforeEach: () => clock.advance(60_000) });
  const r = await runOnce({
    out: t.dir,
    env: { LOG_GARDENER_SERVICES: SERVICES.join(","), LOG_GARDENER_DEADLINE: "20m" },
    now: clock.now,
    overrides: { source },
  });

  expect(r.code).toBe(0);
  expect(source.yielded).toBeLessThan(100);
  expect(clock.ms - started).toBeLessThanOrEqual(20 * 60_000);

  const files = await readTree(t.dir);
  const sidecars = [...files].filter(([k]) => /\/\d{4}Z\.json$/.test(k)).map(([, v]) => parseSidecar(JSON.parse(v)));
  expect(sidecars).toHaveLength(SERVICES.length);
  let counted = 0;
  for (const s of sidecars) {
    if (!s.ok) throw new Error(s.problems.join("; "));
    expect(s.sidecar.truncated).toBe(true);
    expect(s.sidecar.truncations.map((x) => x.reason).join(" ")).toMatch(/deadline/);
    counted += s.sidecar.stats.clustered;
  }
  const markdown = [...files].filter(([k]) => /\/\d{4}Z\.md$/.test(k)).map(([, v]) => v);
  expect(markdown).toHaveLength(SERVICES.length);
  for (const md of markdown) expect(md).toMatch(/deadline/i);

  const logs = jsonLines(r.stderr);
  expect(logs.some((l) => l.severity === "WARNING" && /deadline/.test(String(l.message)))).toBe(true);
  const summary = logs.filter((l) => l.message === "run summary");
  expect(summary).toHaveLength(1);
  expect(summary[0]).toMatchObject({ truncated: true });
  // Every entry handed out before the stop is in the worklogs.
  expect(counted).toBe(summary[0]!.read);
  expect(source.yielded - counted).toBeLessThanOrEqual(1); // the one in hand when time ran out
  recordFigures("deadline", { faultsInjected: 1, lostEntries: Math.max(0, source.yielded - 1 - counted) });
});

// A source that stalls (a page request hanging, retries backing off) must not keep the run past
// its deadline: reading is abandoned at the deadline whether or not an entry arrives.
test("a source that stalls: the run still publishes at its deadline", async () => {
  const t = await tempDir("lg-deadline-stall-");
  remove = t.remove;
  const list = entries(10);
  const source = new MemorySource(list, {
    beforeEach: (i) => (i === 5 ? new Promise<void>(() => undefined) : undefined), // hangs forever at the sixth entry
  });
  const run = runOnce({
    out: t.dir,
    env: { LOG_GARDENER_SERVICES: SERVICES.join(","), LOG_GARDENER_DEADLINE: "4s" },
    now: Date.now,
    overrides: { source },
  });
  const outcome = await Promise.race([
    run,
    new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), 8_000).unref()),
  ]);
  expect(outcome).not.toBe("still running");
  const files = await readTree(t.dir);
  expect([...files.keys()].filter((k) => /\/\d{4}Z\.md$/.test(k))).toHaveLength(SERVICES.length);
}, 15_000);
