import { maskRoute } from "../../../src/core/ingest/route";

// One case per masking rule.
const CASES: readonly [string, string, string][] = [
  ["numeric id, query dropped", "/users/123/orders?page=2", "/users/{id}/orders"],
  ["full URL: scheme and host dropped", "https://api.example.com:8443/v1/users/42", "/v1/users/{id}"],
  ["fragment dropped", "/docs/getting-started#install", "/docs/getting-started"],
  ["UUID", "/orders/0f8fad5b-d9cb-469f-a165-70867728950e/items", "/orders/{uuid}/items"],
  ["upper-case UUID", "/orders/0F8FAD5B-D9CB-469F-A165-70867728950E", "/orders/{uuid}"],
  ["hex of 8+ with a digit", "/connections/main-542bede9/542bede9", "/connections/main-542bede9/{hex}"],
  ["a prefixed hex id", "/connections/main_542bede9", "/connections/{id}"],
  ["git SHA", "/commits/9fceb02d0ae598e95dc970b74767f19372d61af8", "/commits/{hex}"],
  ["hex word without digits stays", "/labels/deadbeef", "/labels/deadbeef"],
  ["email", "/users/ada.lovelace@example.com/profile", "/users/{email}/profile"],
  ["percent-encoded email", "/users/ada%40example.com", "/users/{email}"],
  ["long opaque token", "/reset/dGhpcyBpcyBhIHNlY3JldCB0b2tlbg2", "/reset/{token}"],
  ["short base64-ish id", "/v/AbC9xYz12Qw", "/v/{token}"],
  ["slug stays", "/blog/best-laptops-2025-review-guide", "/blog/best-laptops-2025-review-guide"],
  ["prefixed number", "/invoices/INV-2026-165986/pdf", "/invoices/{id}/pdf"],
  ["prefixed id", "/v1/carts/crt_waf0wg8d/promo", "/v1/carts/{id}/promo"],
  ["short prefixed id", "/users/usr_8f3k2", "/users/{id}"],
  ["prefixed id of mixed-case letters", "/customers/cus_NffrFeUfNVHib", "/customers/{id}"],
  ["snake_case words stay", "/api/order_items/line_totals", "/api/order_items/line_totals"],
  ["slug ending in a product number", "/p/blue-shoes-1234567", "/p/{id}"],
  ["four digits in a word stay", "/reports/q4-2025", "/reports/q4-2025"],
  ["prefixed number with extension", "/files/inv-2026-165986.pdf", "/files/{id}.pdf"],
  ["version segment stays", "/api/v2/oauth2/callback", "/api/v2/oauth2/callback"],
  ["id with extension", "/invoices/20250915.pdf", "/invoices/{id}.pdf"],
  ["root", "https://example.com", "/"],
  ["empty", "", "/"],
  ["relative path", "health", "/health"],
  ["trailing slash kept", "/users/7/", "/users/{id}/"],
];

describe("maskRoute", () => {
  test.each(CASES)("%s: %s", (_name, input, expected) => {
    expect(maskRoute(input)).toBe(expected);
  });

  test("caps very long routes", () => {
    expect(maskRoute(`/${"segment/".repeat(100)}`).length).toBeLessThanOrEqual(201);
  });
});

describe("maskRoute on hostile input", () => {
  test.each([
    ["a dotted email look-alike", `/u/a@${"a.".repeat(30000)}1`],
    ["a megabyte of slashes", "/".repeat(1_000_000)],
  ])("%s stays fast", (_name, url) => {
    const start = performance.now();
    maskRoute(url);
    expect(performance.now() - start).toBeLessThan(500);
  });
});
