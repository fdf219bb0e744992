/**
 * The same trace text comes back entry after entry (one bug, one trace). A run keeps, in one
 * StackTraceMemo it owns, the last `size` distinct texts with what they parsed to, and each
 * trace's redacted type and frames: the same results as locateStackTrace and redactedException
 * (a property test holds them equal), without parsing and redacting the same lines again for
 * every entry. Nothing is shared between runs; shared results are frozen.
 */
import type { Redactor } from "../redact/redact";
import type { NormalizedEntry } from "../types";
import { redactedException } from "./message";
import { type LocatedStackTrace, locateStackTrace } from "./stacktrace";

type Exception = NonNullable<NormalizedEntry["exception"]>;

export class StackTraceMemo {
  readonly #traces = new Map<string, LocatedStackTrace | null>();
  readonly #exceptions = new WeakMap<LocatedStackTrace, { readonly redact: Redactor; readonly exception: Exception }>();

  constructor(
    private readonly size = 256,
    /** Longer texts are parsed every time: they are rarely repeated. */
    private readonly maxChars = 4096,
  ) {}

  locate(text: string): LocatedStackTrace | undefined {
    if (typeof text !== "string" || !text.includes("\n")) return undefined;
    if (text.length > this.maxChars) return locateStackTrace(text);
    const known = this.#traces.get(text);
    if (known !== undefined) return known ?? undefined;
    const found = locateStackTrace(text);
    if (found) Object.freeze(Object.freeze(found).frames);
    if (this.#traces.size >= this.size) this.#traces.delete(this.#traces.keys().next().value!);
    this.#traces.set(text, found ?? null);
    return found;
  }

  exception(t: LocatedStackTrace, redact: Redactor): Exception {
    const known = this.#exceptions.get(t);
    if (known !== undefined && known.redact === redact) return known.exception;
    const exception = redactedException(t, redact);
    // Only the memo's own results are shared; a trace parsed afresh (too long) is not.
    if (Object.isFrozen(t)) {
      Object.freeze(Object.freeze(exception).frames);
      this.#exceptions.set(t, { redact, exception });
    }
    return exception;
  }
}
