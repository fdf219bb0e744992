/**
 * The entries of one or more services' reads, page by page. While a page is consumed the next
 * one is already being fetched, unless the cap ends the read on this page: at most two pages
 * are in memory, whatever the number of entries.
 */
import type { Entry } from "@google-cloud/logging";
import { toRawEntry } from "./entry-mapping";

export interface Page {
  readonly entries: readonly Entry[];
  /** The response's own Timestamps (full precision), same order; the response itself is let go. */
  readonly timestamps: readonly unknown[] | undefined;
  readonly nextPageToken: string | undefined;
}

export interface ServiceRead {
  readonly name: string;
  readonly cap: number;
  read: number;
  pages: number;
  upTo: string;
  /** Entries read per service, when one query reads every service. */
  readonly perService: Map<string, number> | undefined;
  /** Requests retried, by the status that failed them. */
  readonly retried: Map<string, number>;
  fetch(token: string | undefined): Promise<Page>;
  finish(truncated: boolean): void;
}

/** The entries of `reads`, one service's read after the other. */
export async function* entryStream(reads: readonly ServiceRead[]): AsyncGenerator<unknown, void, undefined> {
  for (const read of reads) yield* entriesOfRead(read);
}

async function* entriesOfRead(read: ServiceRead): AsyncGenerator<unknown, void, undefined> {
  let request: Promise<Page> | undefined = read.fetch(undefined);
  while (request) {
    const page: Page = await request;
    read.pages++;
    // Fetch the next page while this one is consumed, unless the cap ends the read here.
    request = page.nextPageToken && read.read + page.entries.length < read.cap ? read.fetch(page.nextPageToken) : undefined;
    for (const [i, entry] of page.entries.entries()) {
      if (read.read >= read.cap) {
        // The cap, with entries left in this page.
        read.finish(true);
        return;
      }
      yield take(read, entry, page.timestamps?.[i]);
    }
    if (read.read >= read.cap && (request !== undefined || page.nextPageToken !== undefined)) {
      // The cap, with pages left that were not read.
      read.finish(true);
      return;
    }
  }
  read.finish(false);
}

function take(read: ServiceRead, entry: Entry, apiTimestamp: unknown): Record<string, unknown> {
  const raw = toRawEntry(entry, apiTimestamp);
  read.read++;
  if (typeof raw.timestamp === "string") read.upTo = raw.timestamp;
  if (read.perService) {
    const service = (raw.resource as { labels?: Record<string, string> } | undefined)?.labels?.service_name ?? "unknown";
    read.perService.set(service, (read.perService.get(service) ?? 0) + 1);
  }
  return raw;
}
