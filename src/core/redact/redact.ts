/**
 * Redaction: secrets and personal data out of every message, sample, worklog and issue.
 *
 * `buildRedactor` compiles the rules once and returns a plain `(text) => text`. It runs on every
 * entry, so each rule has triggers (substrings, or a tiny regex) and its real regex only runs
 * when the text holds one; a clean line costs one regex test, the gate: every rule's triggers
 * at once.
 *
 * A match becomes `[REDACTED:<kind>]`: the reader still sees what was there, never the value.
 * Where the surrounding text is useful it stays (`postgres://app:[REDACTED:url-password]@db`,
 * `password=[REDACTED:password]`, `Bearer [REDACTED:bearer-token]`).
 *
 * Rules run in order, most specific first, and never touch an earlier `[REDACTED:…]` marker,
 * so `token=ghp_…` reads `token=[REDACTED:github-token]`, not a generic secret.
 */
import { isIPv6 } from "node:net";
import { InvariantError } from "../../errors";

export type Redactor = (text: string) => string;

export interface RedactorOptions {
  /**
   * Extra regular expressions (JavaScript syntax, applied with the `g` flag). The whole match is
   * replaced by `[REDACTED:custom]`; if the pattern has a named group `secret`, only that group.
   * Validate user input with `checkRedactPattern` first.
   */
  readonly extraPatterns?: readonly string[];
  /** Also redact IPv4 and IPv6 addresses. Off by default: they are useful and rarely secret. */
  readonly redactIps?: boolean;
  /**
   * The one-regex test that lets a text with no rule's trigger through untouched (on by
   * default). Off, every rule's precheck runs on every text; the output is the same either way.
   */
  readonly gate?: boolean;
}

/**
 * What a text must contain for a rule's regex to have a chance: any of `words` as written, any
 * of `anyCase` in any case, or a match of `pattern` (no flags). The rule's precheck and the
 * redactor's gate are both built from these, so the two cannot disagree.
 */
interface Triggers {
  readonly words?: readonly string[];
  readonly anyCase?: readonly string[];
  readonly pattern?: RegExp;
}

interface Rule {
  readonly kind: string;
  /** Undefined: the rule may match anything (a custom pattern), so its regex always runs. */
  readonly triggers: Triggers | undefined;
  /** Cheap test on the whole text; the regex only runs when this is true. */
  readonly precheck: (text: string) => boolean;
  readonly pattern: RegExp;
  /** Returns the replacement, or undefined to keep the match as it is. */
  readonly replace: (match: string, groups: Record<string, string | undefined>) => string | undefined;
}

const marker = (kind: string): string => `[REDACTED:${kind}]`;
const whole = (kind: string) => (): string => marker(kind);
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
/** "key" -> "[Kk][Ee][Yy]": case-insensitive inside a regex without the i flag. */
const anyCaseSource = (word: string): string =>
  [...word].map((c) => (c.toLowerCase() === c.toUpperCase() ? escapeRegExp(c) : `[${c.toUpperCase()}${c.toLowerCase()}]`)).join("");

/** The regex source matching wherever any trigger is. */
function triggerSource(t: Triggers): string {
  return [...(t.words ?? []).map(escapeRegExp), ...(t.anyCase ?? []).map(anyCaseSource), ...(t.pattern ? [t.pattern.source] : [])].join(
    "|",
  );
}

// A plain loop over `includes` and the regexes: no closure per call (`needles.some(...)` made
// one, and prechecks run for every rule on every text the gate lets through). Built apart from
// the gate's source (an `i` flag here, letter classes there), so a test can hold the two equal.
function precheckOf(t: Triggers): (text: string) => boolean {
  const words = t.words ?? [];
  const anyCase = t.anyCase?.length ? new RegExp(t.anyCase.map(escapeRegExp).join("|"), "i") : undefined;
  const pattern = t.pattern;
  return (text: string): boolean => {
    for (let i = 0; i < words.length; i++) if (text.includes(words[i]!)) return true;
    return (anyCase !== undefined && anyCase.test(text)) || (pattern !== undefined && pattern.test(text));
  };
}

/** A rule whose regex only runs where one of its triggers is. */
function triggered(triggers: Triggers, rule: Omit<Rule, "triggers" | "precheck">): Rule {
  return { ...rule, triggers, precheck: precheckOf(triggers) };
}

/** Key names whose values are secret whatever they look like (also used by redactDeep). */
const PASSWORD_KEY = "(?:password|passwd|passphrase|pwd)";
const SECRET_KEY =
  "(?:secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|private[_-]?key|client[_-]?secret|credentials?|signature|sig)";
const SENSITIVE_KEY = new RegExp(
  `(?:^|[^a-z])(?:${PASSWORD_KEY}|${SECRET_KEY}|authorization|cookie|set-cookie|session[_-]?id)$|` +
    `(?:${PASSWORD_KEY}|secret|token|apikey|api[_-]key|privatekey|private[_-]key|clientsecret|client[_-]secret|accesskey|access[_-]key|authorization|cookie|credentials?)$`,
  "i",
);

/**
 * The kinds of text `buildRedactor` replaces, in the order it applies them, for docs and tests.
 * `ip` only with `redactIps`; `custom` only with `extraPatterns`.
 */
export const DEFAULT_REDACTION_KINDS = [
  { kind: "private-key", what: "PEM private key blocks (-----BEGIN … PRIVATE KEY----- … END), also cut-off ones" },
  { kind: "jwt", what: "JSON Web Tokens (eyJ….eyJ….…)" },
  { kind: "github-token", what: "GitHub tokens: ghp_, gho_, ghu_, ghs_, ghr_, github_pat_" },
  { kind: "google-api-key", what: "Google API keys (AIza…)" },
  { kind: "google-oauth-token", what: "Google OAuth access tokens (ya29.…) and refresh tokens (1//0…)" },
  { kind: "aws-access-key-id", what: "AWS access key ids (AKIA…, ASIA…, …)" },
  { kind: "aws-secret-access-key", what: "AWS secret access keys: 40 base64 characters after aws_secret_access_key / secret" },
  { kind: "slack-webhook", what: "Slack webhook URLs (hooks.slack.com/services/…)" },
  { kind: "slack-token", what: "Slack tokens (xoxa-, xoxb-, xoxp-, xoxr-, xoxs-, xapp-)" },
  { kind: "stripe-key", what: "Stripe keys (sk_live_, rk_live_, sk_test_, rk_test_)" },
  { kind: "url-password", what: "the password in scheme://user:password@host URLs (user and host stay)" },
  { kind: "authorization", what: "values of Authorization / Cookie / Set-Cookie headers" },
  { kind: "bearer-token", what: "the credential after Bearer / Basic / Token (the scheme word stays)" },
  { kind: "password", what: 'values of password=, passwd:, pwd=, "password": "…" and similar pairs' },
  { kind: "secret", what: "credential-looking values of token=, secret=, api_key=, client_secret=, … pairs" },
  { kind: "email", what: "email addresses" },
  { kind: "credit-card", what: "card numbers: 13–19 digits (plain, or grouped by spaces/dashes) that pass the Luhn check" },
  { kind: "ip", what: "IPv4 and IPv6 addresses (only with redactIps)" },
  { kind: "custom", what: "matches of the extra patterns (LOG_GARDENER_REDACT_PATTERNS, --redact-pattern)" },
] as const;

// ---------------------------------------------------------------------------------------------
// The rules

const PLACEHOLDER = /^(?:\[REDACTED[^\]]*\]|\*+|x{3,}|null|none|undefined|nil|<[^>]*>|\$\{[^}]*\}|%s|-|"")$/i;

/** A value for a token/secret key that looks like a credential, not like a word ("expired"). */
function looksLikeCredential(value: string): boolean {
  if (value.length < 8) return false;
  if (/\d/.test(value)) return true;
  return value.length >= 16 && !/\s/.test(value);
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes of the card networks we expect (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro). */
function plausibleCard(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  return /^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6|50|5[6-9])/.test(digits) && luhnValid(digits);
}

// Value of a key=value / "key": "value" pair: double-quoted, single-quoted, JSON-escaped
// quoted (\"…\" inside a JSON string), or bare up to a delimiter.
const PAIR_VALUE = String.raw`(?<value>"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|\\"(?:[^"\\\n]|\\(?!"))*\\"|[^\s,;&"'}\])\\]+)`;
const PAIR_SEP = String.raw`(?<sep>\\?["']?\s*[:=]\s*)`;

function unquote(value: string): { open: string; inner: string; close: string } {
  for (const q of ['\\"', '"', "'"]) {
    if (value.length >= 2 * q.length && value.startsWith(q) && value.endsWith(q)) {
      return { open: q, inner: value.slice(q.length, value.length - q.length), close: q };
    }
  }
  return { open: "", inner: value, close: "" };
}

function pairRule(kind: "password" | "secret", key: string, accept: (inner: string) => boolean): Rule {
  return triggered(
    { anyCase: kind === "password" ? ["pass", "pwd"] : ["secret", "token", "key", "credential", "sig"] },
    {
      kind,
      // Only the last word of the key is matched ("db_password" matches at "password"): a prefix
      // like [\w.-]*? would make the regex quadratic on long dotted runs.
      pattern: new RegExp(`(?<key>${key})\\b${PAIR_SEP}${PAIR_VALUE}`, "gi"),
      replace: (_m, g) => {
        const { open, inner, close } = unquote(g.value ?? "");
        if (inner === "" || PLACEHOLDER.test(inner) || inner.includes("[REDACTED") || !accept(inner)) return undefined;
        return `${g.key ?? ""}${g.sep ?? ""}${open}${marker(kind)}${close}`;
      },
    },
  );
}

const BASE_RULES: readonly Rule[] = [
  triggered(
    { words: ["PRIVATE KEY"] },
    {
      kind: "private-key",
      pattern:
        /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,16384}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\]*)/g,
      replace: whole("private-key"),
    },
  ),
  triggered(
    { words: ["eyJ"] },
    {
      kind: "jwt",
      pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
      replace: whole("jwt"),
    },
  ),
  triggered(
    { words: ["gh", "github_pat_"] },
    {
      kind: "github-token",
      pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255})\b/g,
      replace: whole("github-token"),
    },
  ),
  triggered(
    { words: ["AIza"] },
    {
      kind: "google-api-key",
      pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g,
      replace: whole("google-api-key"),
    },
  ),
  triggered(
    { words: ["ya29.", "1//0"] },
    {
      kind: "google-oauth-token",
      pattern: /\bya29\.[0-9A-Za-z_-]{20,}|(?<![\w/])1\/\/0[0-9A-Za-z_-]{30,}/g,
      replace: whole("google-oauth-token"),
    },
  ),
  triggered(
    { pattern: /A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA)/ },
    {
      kind: "aws-access-key-id",
      pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/g,
      replace: whole("aws-access-key-id"),
    },
  ),
  triggered(
    { anyCase: ["secret"] },
    {
      kind: "aws-secret-access-key",
      // AWS secrets mix cases; requiring an upper-case letter keeps git SHAs after "secret" alone.
      pattern:
        /(?<![A-Za-z0-9])(?<key>secret(?:[_-]?access)?(?:[_-]?key)?|SecretAccessKey)(?<sep>\\?["']?(?:\s*[:=]\s*|\s+)\\?["']?)(?<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
      replace: (_m, g) =>
        /[A-Z]/.test(g.value ?? "") && /[a-z0-9]/.test(g.value ?? "")
          ? `${g.key ?? ""}${g.sep ?? ""}${marker("aws-secret-access-key")}`
          : undefined,
    },
  ),
  triggered(
    { words: ["hooks.slack.com"] },
    {
      kind: "slack-webhook",
      pattern: /https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/g,
      replace: whole("slack-webhook"),
    },
  ),
  triggered(
    { words: ["xox", "xapp-"] },
    {
      kind: "slack-token",
      pattern: /(?<![0-9A-Za-z-])(?:xox[abprs]|xapp)-[0-9A-Za-z-]{10,}/g,
      replace: whole("slack-token"),
    },
  ),
  triggered(
    { words: ["k_live_", "k_test_"] },
    {
      kind: "stripe-key",
      pattern: /\b[sr]k_(?:live|test)_[0-9A-Za-z]{16,}/g,
      replace: whole("stripe-key"),
    },
  ),
  triggered(
    { words: ["@"] },
    {
      kind: "url-password",
      pattern: /(?<![a-z0-9+.-])(?<scheme>[a-z][a-z0-9+.-]*:\/\/)(?<user>[^\s:/@?#"'<>]*):(?<pw>[^\s/?#"'<>]+)@(?=[^\s@/?#"'<>]+)/gi,
      replace: (_m, g) => (g.pw?.includes("[REDACTED") ? undefined : `${g.scheme ?? ""}${g.user ?? ""}:${marker("url-password")}@`),
    },
  ),
  triggered(
    { anyCase: ["authorization", "cookie"] },
    {
      kind: "authorization",
      // Header style: everything up to the end of the line or the closing quote.
      pattern:
        /(?<key>\b(?:proxy-)?authorization|\bset-cookie|\bcookie)(?<sep>\\?["']?\s*[:=]\s*)(?<value>\\"(?:[^"\\\n]|\\(?!"))*\\"|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\n"']+)/gi,
      replace: (_m, g) => {
        const { open, inner, close } = unquote((g.value ?? "").trimEnd());
        if (inner.trim() === "" || PLACEHOLDER.test(inner.trim()) || inner.includes("[REDACTED")) return undefined;
        const scheme = /^(?:Bearer|Basic|Token|Digest|Negotiate|AWS4-HMAC-SHA256)\s+/i.exec(inner)?.[0] ?? "";
        // "authorization: denied for user 42" is prose; a header value has a scheme or looks like a credential.
        const isCookie = /cookie/i.test(g.key ?? "");
        if (isCookie ? !inner.includes("=") : !scheme && !(looksLikeCredential(inner) && !/\s/.test(inner.trim()))) return undefined;
        const trailing = (g.value ?? "").slice((g.value ?? "").trimEnd().length);
        return `${g.key ?? ""}${g.sep ?? ""}${open}${scheme}${marker("authorization")}${close}${trailing}`;
      },
    },
  ),
  triggered(
    { anyCase: ["bearer", "basic", "token "] },
    {
      kind: "bearer-token",
      pattern: /\b(?<scheme>Bearer|Basic|Token)(?<space>\s+)(?<value>[A-Za-z0-9\-._~+/]{8,}=*)/gi,
      replace: (_m, g) => {
        const value = g.value ?? "";
        const credential = /\d/.test(value) || (value.length >= 20 && /[a-z]/.test(value) && /[A-Z]/.test(value));
        return credential ? `${g.scheme ?? ""}${g.space ?? ""}${marker("bearer-token")}` : undefined;
      },
    },
  ),
  pairRule("password", PASSWORD_KEY, () => true),
  pairRule("secret", SECRET_KEY, looksLikeCredential),
  triggered(
    { words: ["@"] },
    {
      kind: "email",
      // Not the user in scheme://user@host: that is a login name, and the URL stays readable.
      pattern:
        /(?<![A-Za-z0-9._%+-]|:\/\/)[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b/g,
      replace: whole("email"),
    },
  ),
  triggered(
    { pattern: /\d{4}[ -]?\d{4,6}[ -]?\d{4}/ },
    {
      kind: "credit-card",
      pattern: /(?<![0-9A-Za-z_.])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?|\d{4}([ -])\d{6}\2\d{4,5})(?![0-9A-Za-z_])/g,
      replace: (m) => (plausibleCard(m.replace(/[ -]/g, "")) ? marker("credit-card") : undefined),
    },
  ),
];

const IP_RULES: readonly Rule[] = [
  triggered(
    { pattern: /\d\.\d/ },
    {
      kind: "ip",
      pattern: /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])/g,
      replace: whole("ip"),
    },
  ),
  triggered(
    { words: [":"] },
    {
      kind: "ip",
      pattern: /(?<![0-9A-Za-z:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?::(?:\d{1,3}\.){3}\d{1,3})?(?![0-9A-Za-z:])/g,
      replace: (m) => (isIPv6(m) ? marker("ip") : undefined),
    },
  ),
];

// ---------------------------------------------------------------------------------------------

/** Returns a problem description if `source` is not a usable extra pattern, else undefined. */
export function checkRedactPattern(source: string): string | undefined {
  if (source.trim() === "") return "empty pattern";
  try {
    const re = new RegExp(source, "g");
    if (re.test("")) return "pattern matches the empty string";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return undefined;
}

function customRule(source: string): Rule {
  const problem = checkRedactPattern(source);
  if (problem) throw new InvariantError(`redaction pattern ${JSON.stringify(source)}: ${problem}`);
  return {
    kind: "custom",
    triggers: undefined,
    precheck: () => true,
    pattern: new RegExp(source, "g"),
    replace: (match, g) => {
      const secret = g.secret;
      if (secret === undefined) return marker("custom");
      return match.replace(secret, marker("custom"));
    },
  };
}

function applyRule(text: string, rule: Rule): string {
  if (!rule.precheck(text)) return text;
  rule.pattern.lastIndex = 0;
  return text.replace(rule.pattern, (...args: unknown[]) => {
    const match = args[0] as string;
    const last = args[args.length - 1];
    const groups = (typeof last === "object" && last !== null ? last : {}) as Record<string, string | undefined>;
    return rule.replace(match, groups) ?? match;
  });
}

/**
 * One regex that matches wherever any rule's trigger is: a text it does not match passes every
 * rule's precheck as false, so no rule can change it. Undefined when a rule has no triggers.
 */
export function gateOf(rules: readonly Pick<Rule, "triggers">[]): RegExp | undefined {
  const sources: string[] = [];
  for (const rule of rules) {
    if (rule.triggers === undefined) return undefined;
    sources.push(triggerSource(rule.triggers));
  }
  return new RegExp(sources.join("|"));
}

export function buildRedactor(options: RedactorOptions = {}): Redactor {
  const rules: Rule[] = [...BASE_RULES];
  if (options.redactIps) rules.push(...IP_RULES);
  for (const source of options.extraPatterns ?? []) rules.push(customRule(source));
  // Most texts hold no trigger at all: one regex test says so, instead of every rule's precheck.
  const gate = options.gate === false ? undefined : gateOf(rules);
  return (text: string): string => {
    if (typeof text !== "string" || text.length < 6) return text;
    if (gate !== undefined && !gate.test(text)) return text;
    let out = text;
    for (const rule of rules) out = applyRule(out, rule);
    return out;
  };
}

// ---------------------------------------------------------------------------------------------

/** The kind a sensitive key name redacts to, or undefined for an ordinary key. */
export function sensitiveKeyKind(key: string): string | undefined {
  if (!SENSITIVE_KEY.test(key)) return undefined;
  const k = key.toLowerCase();
  if (/pass|pwd/.test(k)) return "password";
  if (/authorization/.test(k)) return "authorization";
  if (/cookie|session/.test(k)) return "cookie";
  if (/private[_-]?key/.test(k)) return "private-key";
  return "secret";
}

const MAX_DEPTH = 64;

/**
 * A redacted deep copy: every string goes through `redact`, and the value of a key named like a
 * secret (password, secret, token, api_key, authorization, cookie, private_key, client_secret,
 * …) is replaced whatever its shape. Empty values, null and booleans under such keys stay, they
 * say nothing. Deeper than 64 levels the rest becomes "[depth limit]".
 */
export function redactDeep(value: unknown, redact: Redactor): unknown {
  return walk(value, redact, 0);
}

function walk(value: unknown, redact: Redactor, depth: number): unknown {
  if (typeof value === "string") return redact(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[depth limit]";
  if (Array.isArray(value)) return value.map((v) => walk(v, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const kind = sensitiveKeyKind(key);
    if (kind && v !== null && v !== undefined && v !== "" && typeof v !== "boolean") {
      setOwnKey(out, key, typeof v === "string" && v.startsWith("[REDACTED") ? v : marker(kind));
    } else {
      // The key itself may be the secret (a map keyed by e-mail address or token).
      setOwnKey(out, redact(key), walk(v, redact, depth + 1));
    }
  }
  return out;
}

/** Plain assignment would turn a "__proto__" key from untrusted JSON into a prototype change. */
function setOwnKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
