/** The prefetching stream of entries over the pages of one or more services' reads. */
import type { Entry } from "@google-cloud/logging";
import type { ReadyEntryIterator } from "../../ports";
import { toRawEntry } from "./entry-mapping";

/**
 * Entries taken between event-loop turns while the next page is in flight. The pipeline takes
 * a page's entries without ever yielding to the event loop: without turns, the request for the
 * next page would leave only once the whole page was processed, and the job would then sit
 * idle for the whole transfer (a sixth of a profiled 500,000-entry job pass in bench:source).
 * A turn costs a few microseconds, and each lets the transfer go one flow-control window
 * further: in bench:source's 300,000-entry job pass the job sat idle 0.55 s with a turn every
 * 64 entries, 0.30-0.44 s every 16, 0.37-0.41 s every 8.
 */
export const RECEIVE_TURN_EVERY = 16;

/**
 * Turns start once this share of the current page has been taken. A page received early is
 * decoded early and then waits, alive, through the young generation's collections: with a turn
 * every 64 entries from the first one, bench:source's 1M-entry job pass peaked at 297-309 MB
 * RSS (10% more minor GCs); from 60% of the page, at 277-290 MB, for about 1 s of idle time
 * in 20 s left.
 */
export const RECEIVE_FROM_SHARE = 0.6;

export interface Page {
  /** Emptied slot by slot as the entries are taken, so a taken entry is garbage at once. */
  readonly entries: (Entry | undefined)[];
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

/**
 * The entries of several services' reads, one after the other, as one async iterator. Written
 * by hand rather than as an async generator: an entry already in the page costs one resolved
 * promise, not a trip through generator machinery per entry per level, which at a million
 * entries is a good part of the read's CPU; the pipeline takes it with `takeReady()`, without
 * even that promise. While a page is consumed the next one is already being fetched, unless
 * the cap ends the read on this page, and until it has arrived every `turnEvery`-th entry of
 * the page's last part waits for a turn of the event loop so its bytes are received meanwhile.
 */
export class EntryStream implements ReadyEntryIterator {
  private current: ServiceRead | undefined;
  private page: Page | undefined;
  private index = 0;
  private pending: Promise<Page> | undefined;
  /** The pending page is still on its way. */
  private receiving = false;
  private sinceTurn = 0;
  private done = false;

  constructor(
    private readonly reads: ServiceRead[],
    private readonly turnEvery: number,
  ) {}

  next(): Promise<IteratorResult<unknown>> {
    const ready = this.takeReady();
    if (ready) return Promise.resolve(ready);
    if (this.inPage()) {
      // A turn is due while the next page is on its way.
      this.sinceTurn = 0;
      return new Promise((resolve, reject) =>
        setImmediate(() => {
          // A throw here would escape as an uncaught exception: it rejects the read instead.
          try {
            resolve(this.next());
          } catch (error) {
            reject(error);
          }
        }),
      );
    }
    return this.advance();
  }

  /** The page's next entry, unless the page is done, the cap is reached or a turn is due. */
  takeReady(): IteratorResult<unknown> | undefined {
    if (!this.inPage()) return undefined;
    const page = this.page!;
    const read = this.current!;
    if (this.receiving && this.turnEvery > 0 && this.index >= page.entries.length * RECEIVE_FROM_SHARE) {
      if (this.sinceTurn + 1 >= this.turnEvery) return undefined;
      this.sinceTurn++;
    }
    return { done: false, value: this.take(page, read) };
  }

  /** An entry of the current page is left to take, within the cap. */
  private inPage(): boolean {
    const page = this.page;
    const read = this.current;
    return page !== undefined && read !== undefined && this.index < page.entries.length && read.read < read.cap;
  }

  return(): Promise<IteratorResult<unknown>> {
    this.done = true;
    this.page = undefined;
    this.setPending(undefined);
    return Promise.resolve({ done: true, value: undefined });
  }

  private take(page: Page, read: ServiceRead): unknown {
    const i = this.index++;
    const entry = page.entries[i]!;
    page.entries[i] = undefined;
    const raw = toRawEntry(entry, page.timestamps?.[i]);
    read.read++;
    if (typeof raw.timestamp === "string") read.upTo = raw.timestamp;
    if (read.perService) {
      const service = (raw.resource as { labels?: Record<string, string> } | undefined)?.labels?.service_name ?? "unknown";
      read.perService.set(service, (read.perService.get(service) ?? 0) + 1);
    }
    return raw;
  }

  /** The slow path: the next page, the end of a service's read, the next service. */
  private async advance(): Promise<IteratorResult<unknown>> {
    for (;;) {
      if (this.done) return { done: true, value: undefined };
      const read = this.current;
      const page = this.page;
      if (read && page) {
        const left = this.index < page.entries.length || this.pending !== undefined || page.nextPageToken !== undefined;
        if (read.read >= read.cap && left) {
          // The cap: entries remain in this page, or pages remain that were not asked for.
          read.finish(true);
          this.endRead();
          continue;
        }
        if (this.index < page.entries.length) return { done: false, value: this.take(page, read) };
        if (this.pending) {
          await this.loadPage(read, this.pending);
          continue;
        }
        read.finish(false);
        this.endRead();
        continue;
      }
      const nextRead = this.reads.shift();
      if (!nextRead) {
        this.done = true;
        return { done: true, value: undefined };
      }
      this.current = nextRead;
      await this.loadPage(nextRead, nextRead.fetch(undefined));
    }
  }

  private async loadPage(read: ServiceRead, request: Promise<Page>): Promise<void> {
    this.setPending(undefined);
    const page = await request;
    if (this.done) return;
    read.pages++;
    this.page = page;
    this.index = 0;
    // Fetch the next page while this one is consumed, unless the cap ends the read here.
    if (page.nextPageToken && read.read + page.entries.length < read.cap) this.setPending(read.fetch(page.nextPageToken));
  }

  private setPending(request: Promise<Page> | undefined): void {
    this.pending = request;
    this.receiving = request !== undefined;
    this.sinceTurn = 0;
    const arrived = () => {
      if (this.pending === request) this.receiving = false;
    };
    request?.then(arrived, arrived);
  }

  private endRead(): void {
    this.current = undefined;
    this.page = undefined;
    this.setPending(undefined);
    this.index = 0;
  }
}
