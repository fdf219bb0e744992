import { clusterLogQuery, literalRuns, messageRestriction } from "../../../src/core/report/logs-explorer";
import { cluster } from "../fixtures/issue-clusters";

describe("Logs Explorer query", () => {
  test("literal runs stop at variables, redaction markers and line ends; punctuation stays", () => {
    expect(literalRuns("Stripe charge failed for customer <*>: api_key=[REDACTED:stripe-key] rejected (card_declined)")).toEqual([
      "Stripe charge failed for customer",
      ": api_key=",
      "rejected (card_declined)",
    ]);
    expect(literalRuns("GET /api/v1/orders/{id}/items")).toEqual(["GET /api/v1/orders/", "/items"]);
    expect(literalRuns("<*> <*>")).toEqual([]);
  });

  test("a jsonPayload message: the text before the first variable, on jsonPayload.message", () => {
    const c = cluster({
      fingerprint: "lg1-a",
      template: "Failed to charge order <*>: card declined",
      samples: [{ jsonPayload: { message: "Failed to charge order 42: card declined" } }],
    });
    expect(messageRestriction(c)).toEqual({ field: "jsonPayload.message", phrases: ["Failed to charge order", ": card declined"] });
    expect(clusterLogQuery(c)).toBe(
      [
        'resource.type="cloud_run_revision"',
        'resource.labels.service_name="netra-backend-staging"',
        "severity>=WARNING",
        'jsonPayload.message:"Failed to charge order"',
        'jsonPayload.message:": card declined"',
      ].join("\n"),
    );
  });

  test("a text payload is restricted on textPayload; quotes and backslashes are escaped", () => {
    const c = cluster({
      fingerprint: "lg1-b",
      template: 'open "C:\\tmp\\x" failed: <*>',
      samples: [{ textPayload: 'open "C:\\tmp\\x" failed: EACCES' }],
    });
    expect(clusterLogQuery(c)).toContain('textPayload:"open \\"C:\\\\tmp\\\\x\\" failed:"');
  });

  test("a phrase the samples do not carry as written is cut back to the words they do", () => {
    // The miner joins tokens with one space; the entry had two.
    const c = cluster({
      fingerprint: "lg1-c",
      template: "cache miss for key <*>",
      samples: [{ jsonPayload: { msg: "cache miss for  key k1" } }],
    });
    expect(messageRestriction(c)).toEqual({ field: "jsonPayload.msg", phrases: ["cache miss for"] });
  });

  test("no samples, or no field holding the text: no text restriction, never a made-up one", () => {
    expect(messageRestriction(cluster({ fingerprint: "lg1-d", samples: [] }))).toBeUndefined();
    const keys = cluster({
      fingerprint: "lg1-e",
      template: "{event=cache_miss, status}",
      samples: [{ jsonPayload: { event: "cache_miss", status: 3 } }],
    });
    expect(messageRestriction(keys)).toBeUndefined();
    const nothing = cluster({
      fingerprint: "lg1-f",
      template: "something else entirely",
      samples: [{ jsonPayload: { event: "cache_miss" } }],
    });
    expect(clusterLogQuery(nothing).split("\n")).toHaveLength(3);
  });

  test("a request cluster: method, status and the route's literal start on requestUrl", () => {
    const c = cluster({
      fingerprint: "lg1-g",
      kind: "request",
      template: "GET /api/v1/orders/{id}/items → 500",
      severities: { ERROR: 3 },
      severity: "ERROR",
      http: { method: "GET", route: "/api/v1/orders/{id}/items", status: 500 },
      samples: [{ httpRequest: { requestMethod: "GET", requestUrl: "https://shop.example/api/v1/orders/7/items?x=1", status: 500 } }],
    });
    expect(clusterLogQuery(c).split("\n").slice(2)).toEqual([
      "severity>=ERROR",
      '(httpRequest.requestMethod="GET" OR httpRequest.requestMethod="HEAD")', // HEAD joins GET's cluster
      "httpRequest.status=500",
      'httpRequest.requestUrl:"/api/v1/orders/"',
    ]);
  });
});
