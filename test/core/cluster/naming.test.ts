import { isPlaceholderName, problemName, readableTemplate, sampleText, withExampleValues } from "../../../src/core/cluster/naming";
import { parseStackTrace } from "../../../src/core/ingest/stacktrace";

describe("problemName", () => {
  it("an exception: Type: message head, even after a lead", () => {
    expect(
      problemName({
        kind: "stacktrace",
        exceptionType: "ValueError",
        template: "Failed to score batch: ValueError: feature vector has 96 columns",
      }),
    ).toBe("ValueError: feature vector has 96 columns");
    expect(problemName({ kind: "application", exceptionType: "ConfigError", template: "DATABASE_URL is not set" })).toBe(
      "ConfigError: DATABASE_URL is not set",
    );
  });

  it("a generic exception type keeps the message with its lead", () => {
    expect(
      problemName({ kind: "stacktrace", exceptionType: "error", template: "failed to load thumbnail: storage: object doesn't exist" }),
    ).toBe("failed to load thumbnail: storage: object doesn't exist");
    expect(problemName({ kind: "stacktrace", exceptionType: "Error", template: "push failed: Error: connect ETIMEDOUT" })).toBe(
      "push failed: Error: connect ETIMEDOUT",
    );
  });

  it("variables read … and never <*>", () => {
    const name = problemName({ kind: "application", template: "upstream call failed: dial tcp <*>: no such host" });
    expect(name).toBe("upstream call failed: dial tcp …: no such host");
  });

  it("a message-less payload is named from its source and text", () => {
    expect(problemName({ kind: "application", template: "lease_lost", shape: "event:s,owner:s,partition:n", source: "queue.leases" })).toBe(
      "queue.leases: lease_lost",
    );
  });

  it("a template that names nothing falls back to a value, then a sample, never to punctuation or keys", () => {
    const top = [{ name: "var1", top: [{ value: "checkout-7f9d", count: 2 }], distinct: 2 }];
    expect(problemName({ kind: "application", template: "<*>", variables: top })).toBe("checkout-7f9d");
    expect(
      problemName({ kind: "application", template: "{error, location}", samples: [{ jsonPayload: { location: "startup", error: {} } }] }),
    ).toBe("startup");
    expect(problemName({ kind: "application", template: "{}", samples: [{ jsonPayload: { retries: 3 } }] })).toBe("retries=3");
    const none = problemName({
      kind: "application",
      template: "(no message)",
      source: "worker",
      samples: [{ jsonPayload: { error: {} } }],
    });
    expect(none).toBe("worker: log entry without a message");
    expect(isPlaceholderName(none)).toBe(false);
  });

  it("requests keep their route and status", () => {
    expect(problemName({ kind: "request", template: "GET /x → 500", http: { method: "GET", route: "/x", status: 500 } })).toBe(
      "GET /x → 500",
    );
  });
});

describe("isPlaceholderName", () => {
  it.each(["", "…", "{}", "{a, b=c}", " -:- ", "(no payload)", "(no message)"])("%j is a placeholder", (n) =>
    expect(isPlaceholderName(n)).toBe(true),
  );
  it.each(["lease_lost", "retries=3", "Error 42", "{x} failed"])("%j is a name", (n) => expect(isPlaceholderName(n)).toBe(false));
});

describe("readableTemplate and sampleText", () => {
  it("collapses runs of variables", () => {
    expect(readableTemplate("a <*> <*>  {id} b")).toBe("a … b");
  });
  it("reads a sample's payload", () => {
    expect(sampleText({ textPayload: "disk full\nmore" })).toBe("disk full");
    expect(sampleText({ jsonPayload: { n: 1 } })).toBe("n=1");
    expect(sampleText(undefined)).toBeUndefined();
  });
});

describe(".NET traces", () => {
  it("frames with and without a file, the exception line as the type", () => {
    const t = parseStackTrace(
      "System.TimeoutException: The operation has timed out.\n   at Acme.Billing.Gateway.ChargeAsync(Invoice invoice, CancellationToken ct) in /src/Billing/Gateway.cs:line 88\n   at System.Linq.Enumerable.First[TSource](IEnumerable`1 source)\n   at Acme.Billing.Worker.ExecuteAsync(CancellationToken stoppingToken) in /src/Billing/Worker.cs:line 27",
    );
    expect(t).toEqual({
      type: "System.TimeoutException",
      message: "The operation has timed out.",
      frames: [
        "Acme.Billing.Gateway.ChargeAsync (Gateway.cs)",
        "System.Linq.Enumerable.First[TSource]",
        "Acme.Billing.Worker.ExecuteAsync (Worker.cs)",
      ],
    });
  });
});

describe("withExampleValues", () => {
  it("fills each <*> from an example that reads as the template", () => {
    expect(withExampleValues("retrying in <*> (attempt <*>)", "retrying in 400ms (attempt 1/5)")).toBe("retrying in 400ms (attempt 1/5)");
    expect(withExampleValues("queue_depth=<*> oldest_age_s=<*>", "queue_depth=1842 oldest_age_s=913")).toBe(
      "queue_depth=1842 oldest_age_s=913",
    );
  });
  it("leaves the template when the example does not read as it, or has too many holes", () => {
    expect(withExampleValues("retrying in <*> (attempt <*>)", "something else entirely")).toBe("retrying in <*> (attempt <*>)");
    const many = Array.from({ length: 12 }, () => "<*>").join(" x ");
    expect(withExampleValues(many, Array.from({ length: 12 }, (_, i) => String(i)).join(" x "))).toBe(many);
    expect(problemName({ kind: "application", template: "retrying in <*>", example: "nope" })).toBe("retrying in …");
  });
  it("a name never shows <*>, whatever the example", () => {
    for (const example of ["<*>", "a <*> b", "", "(.*)", "\\"])
      expect(problemName({ kind: "application", template: "a <*> b", example })).not.toContain("<*>");
  });
});
