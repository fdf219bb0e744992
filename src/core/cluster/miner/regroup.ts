/**
 * Which message shapes of one length belong to the same template. After the Brain parser
 * (Yu et al., 2023): tokens that belong to one template occur in the same messages, so they
 * share one frequency. For each shape, the frequency most of its tokens share picks out its
 * "root" (the longest common pattern); shapes with the same root start as one group. A column
 * where the group disagrees is then settled by direction: tokens more frequent than the root
 * are shared with other templates and split the group; rarer ones are variables when the
 * column holds many values, and split the group when it holds only a few (see classify). Two
 * variable columns in lockstep split it too: they name the states of one event.
 *
 * Pure and deterministic: the same shapes in the same order give the same partition.
 */
import { WILDCARD } from "./masking";

export interface Shape {
  readonly tokens: readonly string[];
  /** Lines seen with this shape (at least 1). */
  readonly weight: number;
}

/**
 * A column rarer than the root is a variable when it holds at least MANY_VALUES values; or at
 * least FEW_VALUES of which half are masked or also occur elsewhere (in another template or
 * position): user names and hosts travel between messages, the words that tell events apart
 * do not; or a whole masked value and otherwise only empty tokens: `(<*>)` and `()`.
 */
export const FEW_VALUES = 3;
export const MANY_VALUES = 8;
/**
 * Constant words the rest of the group must share before a column of FEW_VALUES or more plain
 * words (that occur nowhere else) counts as a slot: in "Connection pool exhausted for datasource
 * <*>, waited <*> ms" one word is a small part of what the messages say, in "VM <*> (Lifecycle
 * Event)" or "Subscription renewal <*>" it is what they say. A column of `key=word` with one key
 * needs no more: the key says the word is a value.
 */
export const WORD_CONTEXT = 5;

/** Returns the parts as lists of indexes into shapes, in order of their first shape. */
export function partitionShapes(shapes: readonly Shape[], occursElsewhere: (token: string) => boolean = () => false): number[][] {
  if (shapes.length === 0) return [];
  const length = shapes[0]!.tokens.length;
  const freq: Map<string, number>[] = [];
  for (let p = 0; p < length; p++) freq.push(new Map());
  for (const s of shapes) {
    for (let p = 0; p < length; p++) {
      const column = freq[p]!;
      const tok = s.tokens[p]!;
      column.set(tok, (column.get(tok) ?? 0) + s.weight);
    }
  }

  // Initial groups: shapes with the same root (frequency and the tokens that have it).
  const initial = new Map<string, { root: number; members: number[] }>();
  const tally = new Map<number, number>();
  for (let i = 0; i < shapes.length; i++) {
    const s = shapes[i]!;
    tally.clear();
    for (let p = 0; p < length; p++) {
      const f = freq[p]!.get(s.tokens[p]!)!;
      tally.set(f, (tally.get(f) ?? 0) + 1);
    }
    let root = 0;
    let best = -1;
    for (const [f, n] of tally) {
      if (n > best || (n === best && f > root)) {
        root = f;
        best = n;
      }
    }
    let key = `${root}`;
    for (let p = 0; p < length; p++) {
      if (freq[p]!.get(s.tokens[p]!) === root) key += `\u0000${p}\u0001${s.tokens[p]}`;
    }
    const group = initial.get(key);
    if (group) group.members.push(i);
    else initial.set(key, { root, members: [i] });
  }

  const parts: number[][] = [];
  for (const { root, members } of initial.values()) split(shapes, freq, root, members, parts, occursElsewhere);
  parts.sort((a, b) => a[0]! - b[0]!);
  return parts;
}

function split(
  shapes: readonly Shape[],
  freq: readonly Map<string, number>[],
  root: number,
  members: number[],
  parts: number[][],
  occursElsewhere: (token: string) => boolean,
): void {
  if (members.length === 1) {
    parts.push(members);
    return;
  }
  const length = shapes[members[0]!]!.tokens.length;
  // The splitting column with the fewest values goes first.
  let splitAt = -1;
  let splitValues: Map<string, number[]> | undefined;
  const weak: number[] = []; // variables only by the "occurs elsewhere" rule
  const wordy: number[] = []; // variables by count, none of their values masked
  const consider = (p: number, values: Map<string, number[]>): void => {
    if (splitValues === undefined || values.size < splitValues.size) {
      splitAt = p;
      splitValues = values;
    }
  };
  const columns: { values: Map<string, number[]>; frequent: boolean }[] = [];
  let context = 0; // constant words every member shares
  for (let p = 0; p < length; p++) {
    const values = new Map<string, number[]>();
    let frequent = false;
    for (const i of members) {
      const tok = shapes[i]!.tokens[p]!;
      const list = values.get(tok);
      if (list) list.push(i);
      else values.set(tok, [i]);
      if (!tok.includes(WILDCARD) && freq[p]!.get(tok)! > root) frequent = true;
    }
    columns.push({ values, frequent });
    if (values.size === 1) {
      const tok = shapes[members[0]!]!.tokens[p]!;
      if (isConstantWord(tok)) context++;
    }
  }
  for (let p = 0; p < length; p++) {
    const { values, frequent } = columns[p]!;
    if (values.size === 1) continue;
    const kind = frequent ? "constant" : classify(values, occursElsewhere, context);
    if (kind === "constant") consider(p, values);
    else if (kind === "weak") weak.push(p);
    else if (kind === "many-words") wordy.push(p);
  }
  // Two such columns where one value always comes with the same other value ("from NEW to
  // INITED", "from INITED to SETUP") name states of one event, not independent values. With
  // many values, only for a small vocabulary shared by both columns and never repeated in one
  // message: states, not a user and their host, nor a word written twice.
  const lockable = [...weak, ...wordy].sort((a, b) => a - b);
  if (lockable.length >= 2) {
    for (const p of lockable) {
      for (const q of lockable) {
        if (q <= p) continue;
        const pairs = new Set<string>();
        const left = new Set<string>();
        const right = new Set<string>();
        let repeated = false;
        for (const i of members) {
          const a = shapes[i]!.tokens[p]!;
          const b = shapes[i]!.tokens[q]!;
          left.add(a);
          right.add(b);
          pairs.add(`${a}\u0000${b}`);
          if (a === b) repeated = true;
        }
        const bothWeak = weak.includes(p) && weak.includes(q);
        const vocabulary = new Set([...left, ...right]).size;
        const states = !repeated && vocabulary <= 2 * MANY_VALUES && vocabulary < left.size + right.size;
        if (pairs.size === Math.max(left.size, right.size) && (bothWeak || states)) {
          consider(p, valuesAt(shapes, members, p));
          consider(q, valuesAt(shapes, members, q));
        }
      }
    }
  }
  if (splitAt < 0 || splitValues === undefined) {
    parts.push(members);
    return;
  }
  for (const sub of splitValues.values()) split(shapes, freq, root, sub, parts, occursElsewhere);
}

const LETTER = /\p{L}/u;

/** A constant word, as WORD_CONTEXT counts them: a token with a letter and no `<*>`. */
export function isConstantWord(tok: string): boolean {
  return !tok.includes(WILDCARD) && LETTER.test(tok);
}
/** com.tencent.mm, system.time.showampm: a name of three or more dotted parts. */
const QUALIFIED = /^[A-Za-z_][\w$-]*(?:\.[\w$-]+){2,}$/;

/**
 * `<*>`, `(<*>)`, `[<*>],`: a token that masking found to be a value, whole; or one that
 * redaction replaced (`[REDACTED:credit-card]:`), a value by definition: a long number that
 * passed the card check in one message is masked in the next.
 */
const PURE_VALUE = /^[([{"']*(?:<\*>|\[REDACTED:[\w-]+\])[)\]}"',;:.]*$/;

function valuesAt(shapes: readonly Shape[], members: readonly number[], p: number): Map<string, number[]> {
  const values = new Map<string, number[]>();
  for (const i of members) {
    const tok = shapes[i]!.tokens[p]!;
    const list = values.get(tok);
    if (list) list.push(i);
    else values.set(tok, [i]);
  }
  return values;
}

function classify(
  values: Map<string, number[]>,
  occursElsewhere: (token: string) => boolean,
  context: number,
): "constant" | "variable" | "weak" | "many-words" {
  if (values.size >= MANY_VALUES) {
    for (const tok of values.keys()) if (tok.includes(WILDCARD)) return "variable";
    return "many-words";
  }
  // A slot that holds a value, whole, or nothing: `(<*>)` and `()`.
  let pure = 0;
  let empty = 0;
  for (const tok of values.keys()) {
    if (PURE_VALUE.test(tok)) pure++;
    else if (!/[\p{L}\p{N}]/u.test(tok)) empty++;
  }
  if (pure > 0 && pure + empty === values.size) return "variable";
  // Two words quoted alike ('holdout', 'treatment_b') where the rest says enough: the writer
  // quoted what it filled in (%r, %q, '${x}'); the texts of one call site are not quoted.
  if (values.size === 2 && context >= WORD_CONTEXT && sameQuotes(values)) return "weak";
  if (values.size < FEW_VALUES) return "constant";
  let qualified = 0;
  for (const tok of values.keys()) if (QUALIFIED.test(tok)) qualified++;
  if (qualified === values.size) return "weak";
  let shared = 0;
  let masked = 0;
  for (const tok of values.keys()) {
    if (tok.includes(WILDCARD)) masked++;
    else if (occursElsewhere(tok)) shared++;
  }
  if ((shared + masked) * 2 >= values.size) return masked > 0 ? "variable" : "weak";
  // Plain words that occur nowhere else: a slot when the rest of the message says enough.
  return context >= WORD_CONTEXT || sharedKey(values) ? "weak" : "constant";
}

/** `'CHF'`, `"orders"`, `` `events` ``, with trailing punctuation: one word in quotes. */
const QUOTED = /^(['"`])[\p{L}\p{N}_.-]*\p{L}[\p{L}\p{N}_.-]*\1[,;:.)\]}]*$/u;

/** Whether every value is one word in the same quotes. */
function sameQuotes(values: Map<string, number[]>): boolean {
  let quote: string | undefined;
  for (const tok of values.keys()) {
    if (!QUOTED.test(tok)) return false;
    if (quote === undefined) quote = tok[0];
    else if (tok[0] !== quote) return false;
  }
  return true;
}

/** Whether every value is `key=word` with the same key. */
function sharedKey(values: Map<string, number[]>): boolean {
  let key: string | undefined;
  for (const tok of values.keys()) {
    const eq = tok.indexOf("=");
    if (eq <= 0 || eq === tok.length - 1) return false;
    const k = tok.slice(0, eq + 1);
    if (key === undefined) key = k;
    else if (k !== key) return false;
  }
  return true;
}
