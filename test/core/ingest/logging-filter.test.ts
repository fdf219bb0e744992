import { buildLoggingFilter, loggerLevelClause, MAX_FILTER_LENGTH, quoteFilterString } from "../../../src/core/ingest/logging-filter";
import { ConfigError } from "../../../src/errors";

const window = { start: Date.parse("2025-09-15T01:00:00Z"), end: Date.parse("2025-09-15T02:00:00Z") };
const TIME = `timestamp>="2025-09-15T01:00:00.000Z" AND timestamp<"2025-09-15T02:00:00.000Z"`;

describe("buildLoggingFilter", () => {
  test.each([
    [
      "one service, WARNING and up",
      { service: "api", minSeverity: "WARNING" as const },
      `resource.type="cloud_run_revision" AND resource.labels.service_name="api" AND ${TIME} AND severity>=WARNING`,
    ],
    ["every service", { minSeverity: "ERROR" as const }, `resource.type="cloud_run_revision" AND ${TIME} AND severity>=ERROR`],
    [
      "DEFAULT reads every severity",
      { service: "api", minSeverity: "DEFAULT" as const },
      `resource.type="cloud_run_revision" AND resource.labels.service_name="api" AND ${TIME}`,
    ],
    [
      "stderr stack traces too",
      { service: "api", minSeverity: "WARNING" as const, includeStderr: true },
      `resource.type="cloud_run_revision" AND resource.labels.service_name="api" AND ${TIME} AND (severity>=WARNING OR (severity=DEFAULT AND log_id("run.googleapis.com/stderr")))`,
    ],
    [
      "the job's own logs left out",
      { service: "api", minSeverity: "WARNING" as const, excludeLogIds: ["log-gardener", "other/log"] },
      `resource.type="cloud_run_revision" AND resource.labels.service_name="api" AND ${TIME} AND severity>=WARNING AND NOT log_id("log-gardener") AND NOT log_id("other/log")`,
    ],
    [
      "a user clause, parenthesized so its OR cannot leak",
      { service: "api", minSeverity: "WARNING" as const, extraFilter: '  jsonPayload.a="x" OR jsonPayload.b="y" ' },
      `resource.type="cloud_run_revision" AND resource.labels.service_name="api" AND ${TIME} AND severity>=WARNING AND (jsonPayload.a="x" OR jsonPayload.b="y")`,
    ],
    [
      "a blank user clause adds nothing",
      { service: "api", minSeverity: "WARNING" as const, extraFilter: "   " },
      `resource.type="cloud_run_revision" AND resource.labels.service_name="api" AND ${TIME} AND severity>=WARNING`,
    ],
    [
      "quotes in names are escaped",
      { service: 'a"b\\c', minSeverity: "WARNING" as const },
      `resource.type="cloud_run_revision" AND resource.labels.service_name="a\\"b\\\\c" AND ${TIME} AND severity>=WARNING`,
    ],
  ])("%s", (_, options, expected) => {
    expect(buildLoggingFilter({ window, ...options })).toBe(expected);
  });

  test("the window is always there, so the client never adds its own 24 hours", () => {
    expect(buildLoggingFilter({ window, minSeverity: "DEFAULT" })).toContain("timestamp>=");
  });

  test("a filter over 20,000 characters is a configuration error", () => {
    const extraFilter = `jsonPayload.x="${"y".repeat(MAX_FILTER_LENGTH)}"`;
    expect(() => buildLoggingFilter({ window, minSeverity: "WARNING", extraFilter })).toThrow(ConfigError);
    expect(() => buildLoggingFilter({ window, minSeverity: "WARNING", extraFilter })).toThrow(/LOG_GARDENER_FILTER/);
  });

  test("an empty window is refused", () => {
    expect(() => buildLoggingFilter({ window: { start: window.end, end: window.end }, minSeverity: "WARNING" })).toThrow(ConfigError);
  });

  test("a sample fraction below 1 adds sample(insertId, f) last, in plain decimals", () => {
    expect(buildLoggingFilter({ window, service: "api", minSeverity: "WARNING", sampleFraction: 0.0123 })).toBe(
      `resource.type="cloud_run_revision" AND resource.labels.service_name="api" AND ${TIME} AND severity>=WARNING AND sample(insertId, 0.0123)`,
    );
    expect(buildLoggingFilter({ window, minSeverity: "WARNING", sampleFraction: 0.00000012 })).toMatch(
      / AND sample\(insertId, 0\.00000012\)$/,
    );
  });

  test("a fraction of 1 reads everything: no sample clause", () => {
    expect(buildLoggingFilter({ window, minSeverity: "WARNING", sampleFraction: 1 })).not.toContain("sample(");
  });

  test("a fraction of 0 or less is refused, never sent", () => {
    expect(() => buildLoggingFilter({ window, minSeverity: "WARNING", sampleFraction: 0 })).toThrow(ConfigError);
    expect(() => buildLoggingFilter({ window, minSeverity: "WARNING", sampleFraction: Number.NaN })).toThrow(ConfigError);
  });

  test("quoteFilterString", () => {
    expect(quoteFilterString('say "hi"')).toBe('"say \\"hi\\""');
  });
});

describe("loggerLevelClause", () => {
  it("names the logger levels at or above the minimum, and none below it", () => {
    const warning = loggerLevelClause("WARNING")!;
    expect(warning).toContain("jsonPayload.level=40 OR jsonPayload.level=50 OR jsonPayload.level=60");
    expect(warning).toContain('jsonPayload.levelname:"warn"');
    expect(warning).toContain('jsonPayload."@l":"error"');
    const error = loggerLevelClause("ERROR")!;
    expect(error).not.toContain("=40");
    expect(error).not.toContain('"warn"');
    expect(error).toContain('jsonPayload.level:"fatal"');
    expect(loggerLevelClause("EMERGENCY")).toBe('(jsonPayload.level:"emerg" OR jsonPayload.levelname:"emerg" OR jsonPayload."@l":"emerg")');
  });

  it("joins the severity clause as one more alternative, beside Cloud Run's stderr", () => {
    const window = { start: Date.parse("2025-09-15T01:00:00Z"), end: Date.parse("2025-09-15T02:00:00Z") };
    const f = buildLoggingFilter({ window, minSeverity: "ERROR", loggerLevels: true, includeStderr: true });
    expect(f).toBe(
      `resource.type="cloud_run_revision" AND ${TIME} AND (severity>=ERROR OR (severity=DEFAULT AND ${loggerLevelClause("ERROR")}) OR (severity=DEFAULT AND log_id("run.googleapis.com/stderr")))`,
    );
    expect(buildLoggingFilter({ window, minSeverity: "DEFAULT", loggerLevels: true })).not.toContain("severity");
  });
});
