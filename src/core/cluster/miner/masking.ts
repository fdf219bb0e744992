/**
 * Generic masking: one set of rules for every system, applied before grouping. Each token is
 * rewritten with `<*>` where it carries a value, and the masked values are returned as params.
 *
 * Masked as a whole token: URLs, paths (/a/b, ./a, ~/a, C:\a), emails, host:port and IP:port,
 * and timestamps written as words ("Sat Jul  9 12:16:49 2005").
 * Masked inside a token (words are runs of letters, digits, `_` and `-`):
 *   - words holding a digit: numbers, hex, ids, UUIDs, IPs, durations and sizes (12ms, 64MB),
 *     dates and times;
 *   - long hex words without digits, and the literals true/false/null;
 *   - the value of key=value (up to , ; & ) ] } or a quote) when it holds a digit, is a literal,
 *     a host name or a qualified name (com.example.app), and quoted text, `tag="a b"` when it
 *     stays in one token:
 *     `vis=0x8`, `id=abc-12.3` → `vis=<*>`, `id=<*>`. Bare words (`user=root`) are left to
 *     regrouping, which tells values from event names by how they vary.
 * Variables joined by a single `.`, `:` or `/` become one (`10.0.0.1` → `<*>`, `12:01:02` →
 * `<*>`), as in the corrected Loghub ground truth.
 * User masks (regular expressions from config) run first, on the raw line.
 */
import { MAX_TOKENS, headLine, splitTokens } from "./tokenize";

export const WILDCARD = "<*>";

/** Stands in the line for a match of a user mask until the token scan picks it up. */
const USER_MARK = "\u001a";
const USER_MARK_CODE = 0x1a;

const WORD = 1;
const DIGIT = 2;
const HEX = 4;
/** Ends a key=value value. */
const VALUE_END = 8;
/** Stripped from either end of a token before whole-token checks. */
const WRAP = 16;

const CLASS = new Uint8Array(128);
(function fillClasses(): void {
  for (let c = 48; c <= 57; c++) CLASS[c] = WORD | DIGIT | HEX;
  for (let c = 65; c <= 90; c++) CLASS[c] = WORD;
  for (let c = 97; c <= 122; c++) CLASS[c] = WORD;
  for (const ch of "abcdefABCDEF") CLASS[ch.charCodeAt(0)]! |= HEX;
  CLASS[95] = WORD; // _
  CLASS[45] = WORD; // -
  for (const ch of ",;&)]}\"'") CLASS[ch.charCodeAt(0)]! |= VALUE_END;
  for (const ch of "()[]{}<>\"',;:.!?") CLASS[ch.charCodeAt(0)]! |= WRAP;
})();

function classOf(c: number): number {
  return c < 128 ? CLASS[c]! : WORD;
}

const LITERALS = new Set(["true", "false", "null", "TRUE", "FALSE", "NULL", "True", "False", "Null", "None", "nil"]);
/** The longest of LITERALS: a longer word is not sliced out to be looked up. */
const LITERAL_MAX_LENGTH = Math.max(...[...LITERALS].map((l) => l.length));
const MONTHS = new Set(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]);
const WEEKDAYS = new Set(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);

export interface MaskedMessage {
  /** Tokens with values replaced by `<*>`. */
  readonly tokens: string[];
  /** The masked values, in order. */
  readonly params: string[];
  /** The original text of each token. */
  readonly texts: string[];
  /** paramStarts[i] is the index in params of token i's first value; one more entry at the end. */
  readonly paramStarts: number[];
}

export interface UserMask {
  readonly name: string;
  readonly pattern: string;
}

/** Compiles user masks once; an invalid pattern throws a SyntaxError naming the mask. */
export function compileMasks(masks: readonly UserMask[] | undefined): RegExp[] {
  return (masks ?? []).map((m) => {
    try {
      return new RegExp(m.pattern, "g");
    } catch (error) {
      throw new SyntaxError(`mask ${m.name}: ${(error as Error).message}`, { cause: error });
    }
  });
}

/** Masks the head line of a message. */
export function maskMessage(message: string, userMasks: readonly RegExp[] = []): MaskedMessage {
  let line = headLine(message);
  const userValues: string[] = [];
  if (userMasks.length > 0) line = applyUserMasks(line, userMasks, userValues);
  const raw = splitTokens(line);
  const tokens: string[] = [];
  const params: string[] = [];
  const texts: string[] = [];
  const paramStarts: number[] = [];
  const user = { values: userValues, next: 0 };
  for (let i = 0; i < raw.length && tokens.length < MAX_TOKENS; i++) {
    paramStarts.push(params.length);
    const span = timestampSpan(raw, i);
    if (span > 0) {
      const text = raw.slice(i, i + span).join(" ");
      params.push(text);
      texts.push(text);
      tokens.push(WILDCARD);
      i += span - 1;
      continue;
    }
    if (isClockTime(raw[i]!) && MERIDIEM.test(raw[i + 1] ?? "")) {
      // "10:04:12 AM" (a 12-hour clock, as toLocaleString writes it) is one value; what follows AM stays.
      const tail = trailingPunctuation(raw[i + 1]!);
      const text = `${raw[i]} ${raw[i + 1]!.slice(0, raw[i + 1]!.length - tail.length)}`;
      params.push(text);
      texts.push(`${raw[i]} ${raw[i + 1]}`);
      tokens.push(WILDCARD + tail);
      i++;
      continue;
    }
    const masked = maskToken(raw[i]!, params, user);
    const quantity = masked === WILDCARD || masked === "<" + WILDCARD ? quantitySpan(raw, i) : 0;
    if (quantity > 0) {
      // "5 bytes (0.1 KB)," → one value; the punctuation after it stays
      const last = raw[i + quantity - 1]!;
      // what follows the quantity stays: "5 bytes," → "<*>,", "(free 1 GB)" → "(free <*>)"
      const tail = quantity === 4 ? last.slice(last.indexOf(")") + 1) : trailingPunctuation(last);
      const text = raw.slice(i, i + quantity).join(" ");
      params.length = paramStarts[paramStarts.length - 1]!;
      params.push(text.slice(0, text.length - tail.length));
      texts.push(text);
      tokens.push(WILDCARD + tail);
      i += quantity - 1;
      continue;
    }
    texts.push(raw[i]!);
    tokens.push(masked);
  }
  paramStarts.push(params.length);
  return { tokens, params, texts, paramStarts };
}

function applyUserMasks(line: string, masks: readonly RegExp[], values: string[]): string {
  // Replace every match, left to right over all masks, by one mark each; keep the values in
  // the order the marks appear in the line.
  const found: { start: number; end: number }[] = [];
  for (const re of masks) {
    re.lastIndex = 0;
    for (let m = re.exec(line); m !== null; m = re.exec(line)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      found.push({ start: m.index, end: m.index + m[0].length });
    }
  }
  if (found.length === 0) return line;
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = "";
  let at = 0;
  for (const f of found) {
    if (f.start < at) continue; // overlaps an earlier match
    out += line.slice(at, f.start) + USER_MARK;
    values.push(line.slice(f.start, f.end));
    at = f.end;
  }
  return out + line.slice(at);
}

const CLOCK = /^\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
const MERIDIEM = /^(?:AM|PM|am|pm|a\.m\.|p\.m\.)[,;)\]}]*$/;
function isClockTime(tok: string): boolean {
  return CLOCK.test(tok);
}

/** Length of a "[Sat] Jul 9 12:16:49 [2005]" run starting at i, or 0. */
function timestampSpan(raw: readonly string[], i: number): number {
  const first = raw[i]!;
  if (first.length !== 3) return 0; // Jul, Sat
  const c = first.charCodeAt(0);
  if (c < 65 || c > 90) return 0;
  let j = i;
  if (WEEKDAYS.has(raw[j]!) && MONTHS.has(raw[j + 1] ?? "")) j++;
  if (!MONTHS.has(raw[j]!)) return 0;
  const day = raw[j + 1];
  if (day === undefined || !/^\d{1,2},?$/.test(day)) return 0;
  j += 2;
  while (j < raw.length && /^[\d:.,]+$/.test(raw[j]!) && raw[j]!.length >= 4) j++;
  return j - i;
}

const UNITS = new Set(
  (
    "b byte bytes kb mb gb tb pb kib mib gib tib " +
    "ns us µs ms s sec secs second seconds min mins minute minutes h hr hrs hour hours day days"
  ).split(" "),
);

function trailingPunctuation(tok: string): string {
  let b = tok.length;
  while (b > 0 && ",;.)]}".includes(tok[b - 1]!)) b--;
  return tok.slice(b);
}

function isUnit(tok: string): boolean {
  if (tok.length > 8) return false;
  const word = tok.slice(0, tok.length - trailingPunctuation(tok).length);
  return UNITS.has(word.toLowerCase());
}

/**
 * Length of a quantity starting at raw[i], a number: "5 bytes", "<1 sec", and a restatement in
 * brackets right after it, "5000 bytes (4.8 KB)". 0 if raw[i + 1] is no unit.
 */
function quantitySpan(raw: readonly string[], i: number): number {
  const unit = raw[i + 1];
  if (unit === undefined || !isUnit(unit)) return 0;
  if (trailingPunctuation(unit) !== "") return 2; // "5 bytes," ends there
  const open = raw[i + 2];
  if (open !== undefined && open.length > 1 && open[0] === "(" && /^\(<?[\d.,]+$/.test(open)) {
    const close = raw[i + 3];
    if (close !== undefined && /^[A-Za-zµ]+\)[,;.]?$/.test(close) && UNITS.has(close.slice(0, close.indexOf(")")).toLowerCase())) {
      return 4;
    }
  }
  return 2;
}

function isWholeValue(tok: string, start: number, end: number): boolean {
  const len = end - start;
  if (len < 2) return false;
  // Every whole value has one of / \ : @ . in it.
  let marked = false;
  for (let i = start; i < end && !marked; i++) {
    const c = tok.charCodeAt(i);
    marked = c === 47 || c === 92 || c === 58 || c === 64 || c === 46 || c === 126;
  }
  if (!marked) return false;
  const c0 = tok.charCodeAt(start);
  // paths: /a/b, ./a, ../a, ~/a
  if (c0 === 47 /* / */) return tok.charCodeAt(start + 1) !== 47 || len > 2;
  if (c0 === 126 /* ~ */ && tok.charCodeAt(start + 1) === 47) return true;
  if (c0 === 46 /* . */ && (tok.startsWith("./", start) || tok.startsWith("../", start))) return true;
  // C:\dir
  if (len > 3 && tok.charCodeAt(start + 1) === 58 && tok.charCodeAt(start + 2) === 92) return true;
  const core = start === 0 && end === tok.length ? tok : tok.slice(start, end);
  if (core.includes("://")) return true;
  const at = core.indexOf("@");
  if (at > 0 && core.indexOf(".", at) > at + 1 && core.charCodeAt(at + 1) !== 46) {
    for (let i = 0; i < core.length; i++) {
      const c = core.charCodeAt(i);
      if (!(classOf(c) & WORD) && c !== 46 && c !== 64 && c !== 43) return false;
    }
    return true;
  }
  // host:port, 10.0.0.1:80
  const colon = core.lastIndexOf(":");
  if (colon > 0 && colon < core.length - 1) {
    for (let i = colon + 1; i < core.length; i++) if (!(classOf(core.charCodeAt(i)) & DIGIT)) return false;
    const host = core.slice(0, colon);
    return HOST_CHARS.test(host) && (/\d/.test(host) || isHostName(host) || host === "localhost");
  }
  // a.b.c/d.e: a path without a leading slash, or an Android component name
  const slash = core.indexOf("/");
  if (slash > 0 && slash < core.length - 1 && core.indexOf(".") >= 0 && core.indexOf("/", slash + 1) !== slash + 1) {
    return /^[\w.$-]+(\/[\w.$-]+)+\/?$/.test(core);
  }
  return isHostName(core);
}

const HOST_CHARS = /^[A-Za-z0-9.-]+$/;
const TLDS = new Set(
  (
    "com net org edu gov mil int info biz io co ai dev app cloud local internal lan localdomain " +
    "ar at au be bg br ca ch cl cn cz de dk ee es eu fi fr gr hk hr hu id ie il in ir is it jp kr " +
    "lt lu lv mx my nl no nz pe ph pk pl pt ro rs ru se sg si sk th tr tw ua uk us vn za"
  ).split(" "),
);

/** a.example.com: labels of letters, digits and `-` ending in a common top-level domain. */
function isHostName(core: string): boolean {
  const dot = core.lastIndexOf(".");
  if (dot <= 0 || !TLDS.has(core.slice(dot + 1).toLowerCase()) || !HOST_CHARS.test(core)) return false;
  return core.charCodeAt(0) !== 46 && core.charCodeAt(dot - 1) !== 46;
}

/** com.android.phone, com.example/.MainActivity: a qualified name as a value. */
const DOTTED_NAME = /^[A-Za-z_][\w$-]*(?:[./]+[\w$-]+){2,}$/;

/**
 * A key=value value masked as a whole: one that holds a digit, or a literal. A bare word
 * (state=RUNNING, user=root) is left to regrouping, which tells values from event names by
 * how they vary.
 */
function isDataValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (classOf(value.charCodeAt(i)) & DIGIT) return true;
  return LITERALS.has(value) || isHostName(value) || DOTTED_NAME.test(value);
}

/** Rewrites one token, pushing the values it masks onto params. */
export function maskToken(tok: string, params: string[], user: { values: string[]; next: number }): string {
  const n = tok.length;
  // Whole-token values, ignoring brackets, quotes and trailing punctuation around them.
  let a = 0;
  let b = n;
  while (a < b && tok.charCodeAt(a) < 128 && CLASS[tok.charCodeAt(a)]! & WRAP && tok.charCodeAt(a) !== 46) a++;
  while (b > a && tok.charCodeAt(b - 1) < 128 && CLASS[tok.charCodeAt(b - 1)]! & WRAP) b--;
  if (b > a && tok.indexOf(USER_MARK) < 0 && isWholeValue(tok, a, b)) {
    params.push(tok.slice(a, b));
    return a === 0 && b === n ? WILDCARD : tok.slice(0, a) + WILDCARD + tok.slice(b);
  }

  const state: ScanState = { tok, params, out: "", copied: 0, lastVarEnd: -2, lastVarStart: 0 };
  let i = 0;
  while (i < n) {
    const c = tok.charCodeAt(i);
    if (c === USER_MARK_CODE) {
      emitVar(state, i, i + 1, user.values[user.next++] ?? "");
      i++;
      continue;
    }
    const cls = classOf(c);
    if (cls & WORD) {
      const start = i;
      let digits = false;
      let hex = true;
      while (i < n) {
        const d = tok.charCodeAt(i);
        const k = classOf(d);
        if (!(k & WORD)) break;
        if (k & DIGIT) digits = true;
        else if (!(k & HEX)) hex = false;
        i++;
      }
      if (digits || (hex && i - start >= 8) || (i - start <= LITERAL_MAX_LENGTH && LITERALS.has(tok.slice(start, i))))
        emitVar(state, start, i);
      continue;
    }
    if (c === 61 /* = */ && i > 0 && classOf(tok.charCodeAt(i - 1)) & WORD && i + 1 < n) {
      // key=value: mask a data value, unless it opens a call: Rect(0, 0)
      const first = tok.charCodeAt(i + 1);
      if (first === 34 || first === 39) {
        // key="quoted text", all in this token: the text is the value
        const close = tok.indexOf(tok[i + 1]!, i + 2);
        if (close > i + 2 && !tok.slice(i + 2, close).includes(USER_MARK)) {
          state.out += tok.slice(state.copied, i + 2) + WILDCARD;
          params.push(tok.slice(i + 2, close));
          state.copied = close;
          state.lastVarEnd = -2;
          i = close;
          continue;
        }
      }
      if (first !== 61 && first !== 62 && !(classOf(first) & VALUE_END) && first !== 40 && first !== 91 && first !== 123 && first !== 60) {
        let j = i + 1;
        while (j < n && !(classOf(tok.charCodeAt(j)) & VALUE_END) && tok.charCodeAt(j) !== 40) j++;
        const value = tok.slice(i + 1, j);
        if ((j >= n || tok.charCodeAt(j) !== 40) && !value.includes(USER_MARK) && isDataValue(value)) {
          state.out += tok.slice(state.copied, i + 1) + WILDCARD;
          params.push(value);
          state.copied = j;
          state.lastVarEnd = -2;
          i = j;
          continue;
        }
      }
    }
    i++;
  }
  const { out, copied } = state;
  if (copied === 0) return tok;
  return out + tok.slice(copied);
}

/** maskToken's running state, one object per token, handed to the helpers that emit variables. */
interface ScanState {
  tok: string;
  params: string[];
  /** The masked text so far; tok[copied..) is constant text not yet in it. */
  out: string;
  copied: number;
  /** tok index just after the previous variable, and where it started. */
  lastVarEnd: number;
  lastVarStart: number;
}

/** Masks tok[start..end) (or puts `value` for it), joined to the previous variable across one '.', ':' or '/' (or none). */
function emitVar(state: ScanState, start: number, end: number, value?: string): void {
  const { tok, params } = state;
  const gap = start - state.lastVarEnd;
  const sep = tok.charCodeAt(state.lastVarEnd);
  if (value === undefined && (gap === 0 || (gap === 1 && (sep === 46 || sep === 58 || sep === 47)))) {
    params[params.length - 1] = tok.slice(state.lastVarStart, end);
  } else {
    state.out += tok.slice(state.copied, start) + WILDCARD;
    params.push(value ?? tok.slice(start, end));
    state.lastVarStart = start;
  }
  state.copied = end;
  state.lastVarEnd = end;
}
