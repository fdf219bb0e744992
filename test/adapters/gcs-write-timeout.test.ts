import type { Storage } from "@google-cloud/storage";
import { GcsObjectStore } from "../../src/adapters/gcs-object-store";
import { UpstreamError } from "../../src/errors";

// The client sends multipart uploads with no timeout; a peer that accepts the connection and
// never answers must not hold the run. (A loopback server that never answers would do too, but
// the client's own socket handling then decides how long it waits; this pins the store's bound.)
test("an upload that never completes fails as a retryable upstream error at the write timeout", async () => {
  const hanging = { metadata: {}, save: () => new Promise<void>(() => undefined) };
  const storage = { bucket: () => ({ file: () => hanging }) } as unknown as Storage;
  const store = new GcsObjectStore({ storage, bucket: "b", prefix: "p", writeTimeoutMs: 50 });
  const err = await store.put("svc/2025/09/15/0100Z.md", "x", { contentType: "text/markdown", ifGeneration: "0" }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamError);
  expect((err as UpstreamError).retryable).toBe(true);
  expect((err as Error).message).toMatch(/no answer within 50 ms/);
});
