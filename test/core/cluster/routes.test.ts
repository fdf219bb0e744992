import { ServiceClusterer, type MessageTemplater } from "../../../src/core/cluster/cluster";
import { buildFingerprint } from "../../../src/core/cluster/fingerprint";
import { MAX_MEMBERS, MAX_PATTERNS, MAX_ROUTES, RouteGeneraliser } from "../../../src/core/cluster/routes";
import { maskRoute } from "../../../src/core/ingest/route";
import { hash52 } from "../../../src/core/hash";
import type { NormalizedEntry } from "../../../src/core/types";

const WINDOW = { start: Date.parse("2026-11-26T01:00:00Z"), end: Date.parse("2026-11-26T02:00:00Z") };

/** Learns from the routes as given, and returns what each maps to. */
function mapped(routes: readonly string[], start?: RouteGeneraliser): Map<string, string> {
  const g = start ?? new RouteGeneraliser();
  for (const r of routes) g.observe(r);
  g.learn();
  return new Map(routes.map((r) => [r, g.generalise(r)?.route ?? r]));
}
const distinct = (m: Map<string, string>): Set<string> => new Set(m.values());

describe("RouteGeneraliser", () => {
  test("three word values at one position, with a constant word after it, are one pattern; two are not", () => {
    const shops = ["riverside-books", "bluebird", "lantern-press"].map((s) => `/api/v1/shops/${s}/exports/catalog`);
    expect(distinct(mapped(shops))).toEqual(new Set(["/api/v1/shops/{*}/exports/catalog"]));
    expect(distinct(mapped(shops.slice(0, 2)))).toEqual(new Set(shops.slice(0, 2)));
  });

  test("a trailing slash is not a segment: /embed/{*}/checkout/ is learned, /embed/x/ is not", () => {
    const partners = ["moonrise", "saltwater", "foxglove", "starling"];
    expect(distinct(mapped(partners.map((p) => `/embed/${p}/checkout/`)))).toEqual(new Set(["/embed/{*}/checkout/"]));
    // the parameter is the last segment: three endpoints as far as the evidence goes
    const last = partners.map((p) => `/api/embed/${p}/`);
    expect(distinct(mapped(last))).toEqual(new Set(last));
  });

  test("the last segment never becomes a parameter: /users/{id}/orders and /users/{id}/invoices stay two", () => {
    const endpoints = ["orders", "invoices", "refunds", "payments"].map((e) => `/api/users/{id}/${e}`);
    expect(distinct(mapped(endpoints))).toEqual(new Set(endpoints));
  });

  test("a word before a mask is a collection: /api/users/{id} and /api/orders/{id} stay apart", () => {
    const collections = ["users", "orders", "items", "carts"].flatMap((c) => [`/api/${c}/{id}`, `/api/${c}/{uuid}/lines`]);
    expect(distinct(mapped(collections))).toEqual(new Set(collections));
  });

  test("a position needs two other constant words: /x/holds, /y/holds, /z/holds stay apart", () => {
    const short = ["alpha", "beta", "gamma"].map((v) => `/${v}/holds`);
    expect(distinct(mapped(short))).toEqual(new Set(short));
    // masks do not count as words: /{id}/x/holds has one word besides x
    const masked = ["alpha", "beta", "gamma"].map((v) => `/{id}/${v}/holds`);
    expect(distinct(mapped(masked))).toEqual(new Set(masked));
  });

  test("values must be plain: a masked segment in the same place is not a value of the parameter", () => {
    const routes = ["north", "south", "{id}"].map((v) => `/v1/regions/${v}/depots`);
    expect(distinct(mapped(routes))).toEqual(new Set(routes));
    // once learned from words, the parameter takes masked values too: one endpoint, one pattern
    const carts = ["crt_gyaqhbsj", "crt_pqowieur", "crt_mnbvcxzl", "{id}"].map((v) => `/v1/carts/${v}/promo`);
    expect(distinct(mapped(carts))).toEqual(new Set(["/v1/carts/{*}/promo"]));
  });

  test("two parameters in one route are both learned", () => {
    const routes: string[] = [];
    for (const t of ["acme", "globex", "initech"]) for (const u of ["maria", "james", "aisha"]) routes.push(`/t/${t}/users/${u}/edit`);
    expect(distinct(mapped(routes))).toEqual(new Set(["/t/{*}/users/{*}/edit"]));
  });

  test("a later hour's new value maps to the learned pattern, through the saved state, which lists the absorbed routes", () => {
    const first = new RouteGeneraliser();
    for (const s of ["a-shop", "b-shop", "c-shop"]) first.observe(`/shops/${s}/exports/catalog`);
    first.learn();
    const state = JSON.parse(JSON.stringify(first.toState())) as unknown;
    const { routes: later, warning } = RouteGeneraliser.fromState(state);
    expect(warning).toBeUndefined();
    later.observe("/shops/never-seen/exports/catalog");
    later.learn();
    const p = later.generalise("/shops/never-seen/exports/catalog");
    expect(p?.route).toBe("/shops/{*}/exports/catalog");
    expect(p?.members.slice(0, 3)).toEqual(["a-shop", "b-shop", "c-shop"].map((s) => `/shops/${s}/exports/catalog`));
    // a route no pattern covers stays as it is
    expect(later.generalise("/shops/a-shop/exports/orders")).toBeUndefined();
  });

  test("a broken state says where, and starts empty; no state is an empty one", () => {
    const broken = RouteGeneraliser.fromState({ seen: "nope", patterns: [] });
    expect(broken.warning).toMatch(/^invalid route state at routes\.seen: /);
    expect(broken.routes.toState()).toEqual({ seen: [], patterns: [] });
    expect(RouteGeneraliser.fromState(undefined).warning).toBeUndefined();
  });

  test("adversarial routes stay bounded: 10,000 values at one position, and 10,000 distinct shapes", () => {
    const g = new RouteGeneraliser();
    for (let i = 0; i < 10_000; i++) g.observe(`/v1/things/value${"x".repeat(i % 7)}${String.fromCharCode(97 + (i % 26))}${i}/items`);
    for (let i = 0; i < 10_000; i++) g.observe(`/a${i % 300}/b/c${i}/d/e${i}/f`);
    g.learn();
    const state = g.toState();
    expect(state.seen.length).toBeLessThanOrEqual(MAX_ROUTES);
    expect(state.patterns.length).toBeLessThanOrEqual(MAX_PATTERNS);
    for (const p of state.patterns) expect(p.members.length).toBeLessThanOrEqual(MAX_MEMBERS);
    expect(g.generalise("/v1/things/valueq/items")?.route).toBe("/v1/things/{*}/items");
  });
});

describe("ServiceClusterer with route patterns", () => {
  const none: MessageTemplater = {
    add: () => {
      throw new Error("no application entries here");
    },
    templateOf: () => undefined,
  };
  const request = (url: string, status: number, minute: number, method = "POST"): NormalizedEntry => {
    const ts = WINDOW.start + minute * 60_000;
    const key = `${url}-${minute}`;
    return {
      key,
      keyHash: hash52(key),
      timestamp: ts,
      timestampText: new Date(ts).toISOString(),
      severity: status >= 500 ? "ERROR" : "WARNING",
      service: "box-office",
      kind: "request",
      message: `${method} ${url} ${status}`,
      sample: { message: `${method} ${url} ${status}` },
      http: { method, url, route: maskRoute(url), status },
    };
  };
  const clusterer = (routes?: RouteGeneraliser) =>
    new ServiceClusterer(
      "box-office",
      none,
      { window: WINDOW, bucketMinutes: 5, maxSamples: 3, maxTraceIds: 5, maxTopValues: 5, maxDistinctValues: 200, maxClusters: 100 },
      routes,
    );
  const partners = ["moonrise", "saltwater", "foxglove", "starling"];

  test("one endpoint's failures with word values are one cluster per status, under the pattern's fingerprint", () => {
    const c = clusterer(new RouteGeneraliser());
    partners.forEach((p, i) => {
      c.add(request(`https://box.example/embed/${p}/checkout/`, 403, i));
      c.add(request(`https://box.example/embed/${p}/checkout/`, 403, i + 10));
    });
    c.add(request("https://box.example/embed/moonrise/checkout/", 500, 30));
    c.add(request("https://box.example/embed/moonrise/tickets/", 403, 31));
    const out = c.clusters();
    const forbidden = out.find((x) => x.http?.status === 403 && x.http.route === "/embed/{*}/checkout/");
    expect(forbidden).toMatchObject({ count: 8, template: "POST /embed/{*}/checkout/ → 403" });
    expect(forbidden!.fingerprint).toBe(buildFingerprint(["box-office", "request", "POST", "/embed/{*}/checkout/", "403"]));
    // the issues opened for the concrete routes before the pattern was learned are its duplicates
    expect(forbidden!.mergedFrom).toEqual(
      partners.map((p) => buildFingerprint(["box-office", "request", "POST", `/embed/${p}/checkout/`, "403"])),
    );
    expect(forbidden!.variables.find((v) => v.name === "url")?.distinct).toBe(4);
    // another status is another cluster; another last segment another endpoint
    expect(out.find((x) => x.http?.status === 500)?.http?.route).toBe("/embed/{*}/checkout/");
    expect(out.find((x) => x.http?.route === "/embed/moonrise/tickets/")?.count).toBe(1);
    expect(out).toHaveLength(3);
    // reading out twice counts once: the merge works on copies
    expect(c.clusters().find((x) => x.fingerprint === forbidden!.fingerprint)?.count).toBe(8);
  });

  test("without a generaliser, routes stay as masked (one cluster per value)", () => {
    const c = clusterer();
    for (const p of partners) c.add(request(`https://box.example/embed/${p}/checkout/`, 403, 1));
    expect(c.clusters()).toHaveLength(4);
  });
});
