// The real @google-cloud/storage client against the loopback GCS peer (test/peers/gcs-server.ts).
import { createGcsObjectStore, GcsObjectStore, parseGcsUrl } from "../../src/adapters/gcs-object-store";
import { LocalObjectStore } from "../../src/adapters/local-object-store";
import { openObjectStore } from "../../src/adapters/object-store-from-url";
import { ConfigError, PreconditionFailedError, UpstreamError } from "../../src/errors";
import { startGcsServer, type GcsServer } from "../peers/gcs-server";
import { describeObjectStoreContract } from "./object-store-contract";

// The client's upload retry waits at least 1 s (async-retry's minTimeout), so that is as fast
// as retries get; the cases below inject as few faults as make the point.
const FAST_RETRY = { maxRetries: 2, maxDelayMs: 1000, totalTimeoutMs: 10_000, delayMultiplier: 1 };

let server: GcsServer;
beforeAll(async () => {
  server = await startGcsServer({ buckets: ["worklogs-bucket", "other-bucket"] });
});
afterAll(async () => {
  await server.close();
});

let bucketSeq = 0;
function openStore(prefix = "team/prod", extra: Parameters<typeof createGcsObjectStore>[1] = {}): GcsObjectStore {
  // A fresh prefix per store keeps the cases apart in the one shared peer.
  return createGcsObjectStore(`gs://worklogs-bucket/${prefix}/${++bucketSeq}`, {
    apiEndpoint: server.url,
    projectId: "test-project",
    retry: FAST_RETRY,
    ...extra,
  });
}

describeObjectStoreContract("GcsObjectStore", async () => openStore());

describe("GcsObjectStore against the GCS peer", () => {
  it("stores objects under the prefix with their content type and custom metadata", async () => {
    const store = openStore("p");
    const generation = await store.put("svc/2025/09/15/0100Z.md", "# Worklog\n", {
      contentType: "text/markdown; charset=utf-8",
      metadata: { window: "2025-09-15T0100Z", service: "svc", clusters: "2", entries: "40", execution: "job-abc" },
      ifGeneration: "0",
    });
    const name = `p/${bucketSeq}/svc/2025/09/15/0100Z.md`;
    const object = server.objects.get(`worklogs-bucket/${name}`);
    expect(object).toMatchObject({
      contentType: "text/markdown; charset=utf-8",
      generation,
      metadata: { window: "2025-09-15T0100Z", service: "svc", clusters: "2", entries: "40", execution: "job-abc" },
    });
    expect(object?.body.toString("utf8")).toBe("# Worklog\n");
    // A link a person can open: the authenticated browser URL, not gs:// (GitHub does not open it).
    expect(store.locate("svc/2025/09/15/0100Z.md")).toBe(`https://storage.cloud.google.com/worklogs-bucket/${name}`);
    expect(store.describe()).toBe(`gs://worklogs-bucket/p/${bucketSeq}`);
  });

  it("sees another writer's change and refuses to overwrite it", async () => {
    const store = openStore();
    const mine = await store.put("_state/svc/miner.json", '{"v":1}', { contentType: "application/json", ifGeneration: "0" });
    // Another execution replaces it behind our back.
    server.seed("worklogs-bucket", `team/prod/${bucketSeq}/_state/svc/miner.json`, '{"v":1,"theirs":true}', {
      contentType: "application/json",
    });
    await expect(
      store.put("_state/svc/miner.json", '{"v":2}', { contentType: "application/json", ifGeneration: mine }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    const now = await store.get("_state/svc/miner.json");
    expect(now?.body).toBe('{"v":1,"theirs":true}');
    await store.put("_state/svc/miner.json", '{"v":2}', { contentType: "application/json", ifGeneration: now!.generation });
    expect((await store.get("_state/svc/miner.json"))?.body).toBe('{"v":2}');
  });

  it("retries preconditioned writes, reads, lists and deletes through injected 503s", async () => {
    const store = openStore("p", { downloadPauseMs: 1 });
    const before = server.requests.length;
    server.injectErrors(1, 503, (method) => method === "POST");
    const g1 = await store.put("svc/2025/09/15/0500Z.md", "after a 503\n", { contentType: "text/markdown", ifGeneration: "0" });
    server.injectErrors(1, 503, (method) => method === "POST");
    const g2 = await store.put("svc/2025/09/15/0500Z.md", "replaced after a 503\n", { contentType: "text/markdown", ifGeneration: g1 });
    server.injectErrors(1, 503, (method, url) => method === "GET" && url.searchParams.get("alt") !== "media");
    server.injectErrors(1, 500, (method, url) => method === "GET" && url.searchParams.get("alt") === "media");
    expect(await store.get("svc/2025/09/15/0500Z.md")).toMatchObject({ body: "replaced after a 503\n", generation: g2 });
    server.injectErrors(1, 429, (method, url) => method === "GET" && url.pathname.endsWith("/o"));
    expect(await store.list("svc/")).toEqual(["svc/2025/09/15/0500Z.md"]);
    server.injectErrors(1, 503, (method) => method === "DELETE");
    await store.delete("svc/2025/09/15/0500Z.md", { ifGeneration: g2 });
    expect(await store.get("svc/2025/09/15/0500Z.md")).toBeUndefined();
    expect(server.requests.slice(before).filter((r) => r.status >= 500 || r.status === 429)).toHaveLength(6);
  });

  it("gives up after the bounded retries with a retryable UpstreamError", async () => {
    const store = openStore("p", { retry: { ...FAST_RETRY, maxRetries: 1 } });
    server.injectErrors(2, 503, (method, url) => method === "POST" && url.searchParams.get("name")?.endsWith("0700Z.md") === true);
    const error = await store
      .put("svc/2025/09/15/0700Z.md", "never\n", { contentType: "text/markdown", ifGeneration: "0" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ service: "gcs", operation: "put", retryable: true });
    expect(server.requests.filter((r) => r.method === "POST" && r.url.includes("0700Z")).map((r) => r.status)).toEqual([503, 503]);
    expect(await store.get("svc/2025/09/15/0700Z.md")).toBeUndefined();
  });

  it("does not retry an unconditional write, which might not be idempotent", async () => {
    const store = openStore();
    server.injectErrors(1, 503, (method) => method === "POST");
    await expect(store.put("notes/x.md", "x", { contentType: "text/markdown" })).rejects.toMatchObject({ retryable: true });
    expect(await store.get("notes/x.md")).toBeUndefined();
  });

  it("uploads large bodies through a resumable session, validated by CRC32C", async () => {
    const store = openStore("big", { resumableThresholdBytes: 1024 });
    const body = "x".repeat(300_000) + "é\n";
    const g1 = await store.put("svc/2025/09/15/0800Z.md", body, {
      contentType: "text/markdown; charset=utf-8",
      metadata: { service: "svc" },
      ifGeneration: "0",
    });
    expect(server.requests.some((r) => r.method === "POST" && r.url.includes("uploadType=resumable") && r.url.includes("0800Z"))).toBe(
      true,
    );
    expect(await store.get("svc/2025/09/15/0800Z.md")).toMatchObject({ body, generation: g1, metadata: { service: "svc" } });
    await expect(
      store.put("svc/2025/09/15/0800Z.md", `${body}other\n`, { contentType: "text/markdown", ifGeneration: "0" }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    // A 503 mid-session: the client asks the session where it stands and finishes the upload.
    server.injectErrors(1, 503, (method, url) => method === "PUT" && url.searchParams.has("upload_id"));
    const g2 = await store.put("svc/2025/09/15/0800Z.md", body + "v2\n", { contentType: "text/markdown", ifGeneration: g1 });
    expect(server.requests.filter((r) => r.method === "PUT").map((r) => r.status)).toContain(503);
    expect(await store.get("svc/2025/09/15/0800Z.md")).toMatchObject({ body: `${body}v2\n`, generation: g2 });
  });

  it("pages through long listings and keeps other prefixes out", async () => {
    const store = openStore("paged", { listPageSize: 2 });
    const keys = Array.from({ length: 7 }, (_, i) => `svc/2025/09/15/${String(i).padStart(2, "0")}00Z.json`);
    for (const key of keys) await store.put(key, "{}", { contentType: "application/json", ifGeneration: "0" });
    server.seed("worklogs-bucket", `paged/${bucketSeq}x/svc/2025/09/15/0000Z.json`, "{}"); // a neighbouring prefix
    const before = server.requests.length;
    expect(await store.list("svc/2025/09/15/")).toEqual(keys);
    expect(server.requests.slice(before).filter((r) => r.method === "GET").length).toBe(4);
  });

  it("reports a missing bucket as a non-retryable UpstreamError", async () => {
    const store = createGcsObjectStore("gs://no-such-bucket/p", { apiEndpoint: server.url, projectId: "test-project", retry: FAST_RETRY });
    await expect(store.list("")).rejects.toMatchObject({ name: "UpstreamError", retryable: false });
  });
});

describe("parseGcsUrl", () => {
  it.each([
    ["gs://bucket", { bucket: "bucket", prefix: "" }],
    ["gs://bucket/", { bucket: "bucket", prefix: "" }],
    ["gs://my-bucket/team/prod/", { bucket: "my-bucket", prefix: "team/prod" }],
  ])("reads %s", (url, expected) => {
    expect(parseGcsUrl(url)).toEqual(expected);
  });
  it.each(["gs://", "gs://B/x", "s3://bucket/x", "gs://bucket/a//b", "gs://bucket/../x"])("refuses %s", (url) => {
    expect(() => parseGcsUrl(url)).toThrow(ConfigError);
  });
});

describe("openObjectStore", () => {
  it("opens a bucket for gs:// and a folder for anything else", async () => {
    const bucket = openObjectStore("gs://worklogs-bucket/opened", { gcsApiEndpoint: server.url, projectId: "test-project" });
    expect(bucket).toBeInstanceOf(GcsObjectStore);
    expect(bucket.describe()).toBe("gs://worklogs-bucket/opened");
    await bucket.put("svc/x.md", "through the peer", { contentType: "text/markdown", ifGeneration: "0" });
    expect(server.objects.get("worklogs-bucket/opened/svc/x.md")?.body.toString()).toBe("through the peer");
    const folder = openObjectStore("./worklogs");
    expect(folder).toBeInstanceOf(LocalObjectStore);
    expect(folder.locate("svc/2025/09/15/0100Z.md")).toBe("worklogs/svc/2025/09/15/0100Z.md");
  });
});
