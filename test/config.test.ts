import { loadConfig, parseDuration } from "../src/config";
import { ConfigError } from "../src/errors";

function problems(flags: Record<string, string>, env: Record<string, string> = {}): string[] {
  try {
    loadConfig(flags, env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe("loadConfig", () => {
  test("defaults give a runnable local configuration", () => {
    const c = loadConfig({}, {});
    expect(c.minSeverity).toBe("WARNING");
    expect(c.windowMs).toBe(3_600_000);
    expect(c.out).toBe("./worklogs");
    expect(c.maxEntries).toBe(200_000);
    expect(c.services).toEqual([]);
    expect(c.taskIndex).toBe(0);
    expect(c.taskCount).toBe(1);
  });

  test("flags win over environment variables", () => {
    const c = loadConfig({ minSeverity: "error", services: "a, b,," }, { LOG_GARDENER_MIN_SEVERITY: "INFO", LOG_GARDENER_SERVICES: "z" });
    expect(c.minSeverity).toBe("ERROR");
    expect(c.services).toEqual(["a", "b"]);
  });

  test("every problem is reported at once, naming the variable, the flag and what it wanted", () => {
    const found = problems(
      { window: "an hour" },
      { LOG_GARDENER_MIN_SEVERITY: "LOUD", LOG_GARDENER_MAX_ENTRIES: "-5", LOG_GARDENER_WINDOW_END: "tomorrow" },
    );
    expect(found).toHaveLength(4);
    expect(found.join("\n")).toContain('LOG_GARDENER_WINDOW (--window): expected a duration like 1h, 30m or 90s (got "an hour")');
    expect(found.join("\n")).toContain("LOG_GARDENER_MIN_SEVERITY (--min-severity): expected one of DEFAULT");
    expect(found.join("\n")).toContain("LOG_GARDENER_MAX_ENTRIES (--max-entries)");
    expect(found.join("\n")).toContain("LOG_GARDENER_WINDOW_END (--window-end): expected an ISO 8601 time");
  });

  test("the related-issue search limit: 20 by default, a whole number >= 0", () => {
    expect(loadConfig({}, {}).relatedSearchLimit).toBe(20);
    expect(loadConfig({}, { LOG_GARDENER_RELATED_SEARCH_LIMIT: "0" }).relatedSearchLimit).toBe(0);
    expect(problems({}, { LOG_GARDENER_RELATED_SEARCH_LIMIT: "-1" }).join("\n")).toContain("LOG_GARDENER_RELATED_SEARCH_LIMIT");
  });

  test("the variant hold: 3h by default, 0 turns it off, anything else is an error naming the variable", () => {
    expect(loadConfig({}, {}).triage.variantHoldHours).toBe(3);
    expect(loadConfig({}, { LOG_GARDENER_VARIANT_HOLD: "0" }).triage.variantHoldHours).toBe(0);
    expect(loadConfig({ variantHold: "90m" }, {}).triage.variantHoldHours).toBe(1.5);
    expect(problems({}, { LOG_GARDENER_VARIANT_HOLD: "soon" }).join("\n")).toContain(
      'LOG_GARDENER_VARIANT_HOLD (--variant-hold): expected a duration like 3h or 90m, or 0 for no hold (got "soon")',
    );
  });

  test("the task index must fall inside the task count", () => {
    expect(problems({}, { CLOUD_RUN_TASK_INDEX: "3", CLOUD_RUN_TASK_COUNT: "3" })).toEqual([
      "CLOUD_RUN_TASK_INDEX: expected a value below CLOUD_RUN_TASK_COUNT (3) (got 3)",
    ]);
  });

  test("a bad redaction pattern is a configuration error, not a crash later", () => {
    expect(problems({ redactPatterns: "ok-\\d+\n(unclosed" })[0]).toMatch(
      /LOG_GARDENER_REDACT_PATTERNS \(--redact-pattern\): pattern 2 is not usable/,
    );
  });

  test("the project falls back to GOOGLE_CLOUD_PROJECT", () => {
    expect(loadConfig({}, { GOOGLE_CLOUD_PROJECT: "my-project-1" }).project).toBe("my-project-1");
  });

  test("secret settings are never echoed, even when they are what is wrong", () => {
    const value = "-----BEGIN PRIVATE KEY-----MIIEvQ-not-a-real-key";
    // A key without the app id and repo it belongs with: a problem about the key itself.
    const found = problems({}, { LOG_GARDENER_GITHUB_PRIVATE_KEY: value });
    expect(found.length).toBeGreaterThan(0);
    expect(found.join("\n")).toMatch(/LOG_GARDENER_GITHUB/);
    expect(found.join("\n")).not.toContain("MIIEvQ");
  });

  test.each([
    ["1h", 3_600_000],
    ["30m", 1_800_000],
    ["90s", 90_000],
    ["2d", 172_800_000],
    ["h", undefined],
    ["1 h", undefined],
  ])("parseDuration(%s)", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
