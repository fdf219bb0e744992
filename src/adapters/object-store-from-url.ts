/**
 * Picks the object store for `--out` / LOG_GARDENER_OUT: `gs://BUCKET/PREFIX` is a Cloud Storage
 * bucket, anything else a local folder.
 */
import type { ObjectStore } from "../ports";
import { createGcsObjectStore, type GcsRetryOptions } from "./gcs-object-store";
import { LocalObjectStore } from "./local-object-store";

export interface OpenObjectStoreOptions {
  /** LOG_GARDENER_GCS_ENDPOINT: a loopback peer or an emulator instead of Cloud Storage. */
  readonly gcsApiEndpoint?: string;
  readonly projectId?: string;
  readonly retry?: GcsRetryOptions;
}

export function isGcsUrl(out: string): boolean {
  return /^gs:\/\//i.test(out.trim());
}

export function openObjectStore(out: string, options: OpenObjectStoreOptions = {}): ObjectStore {
  if (isGcsUrl(out)) {
    return createGcsObjectStore(out.trim(), {
      ...(options.gcsApiEndpoint ? { apiEndpoint: options.gcsApiEndpoint } : {}),
      ...(options.projectId ? { projectId: options.projectId } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
    });
  }
  return new LocalObjectStore({ root: out });
}
