/**
 * The job's own log lines: structured JSON for Cloud Run and pipes, short readable lines on a
 * terminal, both through the same redacting pino logger.
 */
import { createLogger, resolveLogFormat } from "../../src/adapters/logger";
import { formatLogRecord } from "../../src/adapters/pretty-log";
import { buildRedactor } from "../../src/core/redact/redact";

function capture(options: { format?: "json" | "pretty"; color?: boolean; tty?: boolean }): {
  lines: string[];
  log: ReturnType<typeof createLogger>;
} {
  const lines: string[] = [];
  const log = createLogger({
    level: "info",
    executionId: "exec-1",
    taskIndex: 0,
    redact: buildRedactor(),
    destination: { write: (s: string) => void lines.push(s) },
    ...options,
  });
  return { lines, log };
}

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]`);

describe("resolveLogFormat", () => {
  test.each([
    ["auto", true, false, { format: "pretty", color: true, tty: true }],
    ["auto", false, false, { format: "json", color: false, tty: false }],
    ["auto", true, true, { format: "pretty", color: false, tty: true }],
    ["json", true, false, { format: "json", color: false, tty: true }],
    ["pretty", false, false, { format: "pretty", color: false, tty: false }],
  ] as const)("%s with a terminal: %s, NO_COLOR: %s", (setting, isTTY, noColor, expected) => {
    expect(resolveLogFormat(setting, { isTTY }, noColor)).toEqual(expected);
  });
});

describe("the job's log lines", () => {
  test("json: one Cloud Logging structured record per line, as before", () => {
    const { lines, log } = capture({ format: "json" });
    log.info({ service: "checkout-api", clusters: 4 }, "worklog written");
    const record = JSON.parse(lines.join("")) as Record<string, unknown>;
    expect(record).toMatchObject({
      severity: "INFO",
      message: "worklog written",
      service: "checkout-api",
      clusters: 4,
      execution: "exec-1",
    });
    expect(lines.join("")).not.toMatch(ANSI);
  });

  test("pretty: time, level, message and key=value pairs, no Cloud Logging bookkeeping, no colour unless asked", () => {
    const { lines, log } = capture({ format: "pretty" });
    log
      .child({ window: "2025-09-15T0100Z" })
      .warn({ service: "checkout-api", source: "bundled sample export (samples/export.json)", dryRun: true }, "miner state unusable");
    const text = lines.join("");
    expect(text).toMatch(/^\d\d:\d\d:\d\d WARN {2}miner state unusable {2}/);
    expect(text).toContain("service=checkout-api");
    expect(text).toContain('source="bundled sample export (samples/export.json)"');
    expect(text).toContain("dryRun=true");
    expect(text).toContain("window=2025-09-15T0100Z");
    expect(text).toContain("execution=exec-1"); // shown once: the first line
    expect(text).not.toMatch(/serviceContext|insertId|severity|"level"|task=0/);
    expect(text).not.toMatch(ANSI);
    expect(text.endsWith("\n")).toBe(true);
    expect(text.split("\n")).toHaveLength(2);
  });

  test("pretty: the run's context (window, execution) is shown when it changes; empty lists are left out", () => {
    const { lines, log } = capture({ format: "pretty" });
    const w1 = log.child({ window: "2025-09-15T0000Z" });
    w1.info({ services: [] }, "reading entries");
    w1.info({ read: 3 }, "read complete");
    log.child({ window: "2025-09-15T0100Z" }).info("reading entries");
    expect(lines[0]).toContain("window=2025-09-15T0000Z");
    expect(lines[0]).toContain("execution=exec-1");
    expect(lines[0]).not.toContain("services=");
    expect(lines[1]).not.toMatch(/window=|execution=/);
    expect(lines[1]).toContain("read=3");
    expect(lines[2]).toContain("window=2025-09-15T0100Z");
    expect(lines[2]).not.toContain("execution=");
  });

  test("pretty with colour: the level and message are coloured, the text is the same without the codes", () => {
    const plain = capture({ format: "pretty" });
    const coloured = capture({ format: "pretty", color: true });
    for (const c of [plain, coloured]) c.log.error({ service: "a" }, "publishing failed");
    expect(coloured.lines.join("")).toContain(`${ESC}[31mERROR${ESC}[0m`);
    expect(coloured.lines.join("").replace(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "")).toBe(plain.lines.join(""));
  });

  test("pretty on a terminal erases the progress line first", () => {
    const { lines, log } = capture({ format: "pretty", tty: true });
    log.info("reading entries");
    expect(lines.join("").startsWith("\r\x1b[2K")).toBe(true);
  });

  test("pretty: an error shows its message and the top of its stack, redacted like the JSON", () => {
    const { lines, log } = capture({ format: "pretty" });
    log.error({ err: new Error("POST failed: api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dcXYZ") }, "publishing issues failed");
    const text = lines.join("");
    expect(text).toMatch(/ERROR publishing issues failed .*\n {4}Error: POST failed: api_key=\[REDACTED/);
    expect(text).toMatch(/\n {6}at /);
    expect(text).not.toContain("sk_live_4eC39HqLyjWDarjtT1zdp7dcXYZ");
    expect(text.split("\n").length).toBeLessThanOrEqual(9);
  });

  test("pretty: long values are cut short; a line that is not JSON passes through", () => {
    const out = formatLogRecord(`${JSON.stringify({ level: 30, message: "m", filter: "x".repeat(500) })}\nnot json\n`, {
      color: false,
      maxValueChars: 40,
    });
    const [first, second] = out.split("\n");
    expect(first).toContain(`filter=${"x".repeat(39)}…`);
    expect(first!.length).toBeLessThan(80);
    expect(second).toBe("not json");
  });
});
