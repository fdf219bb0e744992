import { readFileSync } from "node:fs";
import fc from "fast-check";
import { join } from "node:path";
import { buildRedactor, checkRedactPattern, DEFAULT_REDACTION_KINDS, gateOf, redactDeep } from "../../../src/core/redact/redact";
import { ADVERSARIAL_INPUTS } from "../../fixtures/redaction/adversarial";
import { cleanLines, secretLines } from "../../fixtures/redaction/corpus";

const SECRET_LINES = secretLines();
const CLEAN_LINES = cleanLines();
const redact = buildRedactor();

/** Measured on the committed corpus; raise only with a reason in the commit message. */
const MAX_CLEAN_LINES_CHANGED = 0;

describe("redaction corpus", () => {
  test("every secret is gone and every clean line survives", () => {
    const leaks: string[] = [];
    const wrongKind: string[] = [];
    let secretCount = 0;
    for (const { line, secrets, kind } of SECRET_LINES) {
      const out = redact(line);
      for (const secret of secrets) {
        secretCount++;
        if (out.includes(secret)) leaks.push(`${kind}: ${secret} in ${out}`);
      }
      if (!out.includes(`[REDACTED:${kind}]`)) wrongKind.push(`${kind}: ${out}`);
    }
    const changed = CLEAN_LINES.filter((line) => redact(line) !== line);
    const recall = (100 * (secretCount - leaks.length)) / secretCount;
    const fp = (100 * changed.length) / CLEAN_LINES.length;
    console.log(
      `redaction: ${secretCount} secrets in ${SECRET_LINES.length} lines, ${leaks.length} leaked (recall ${recall.toFixed(1)}%); ` +
        `${CLEAN_LINES.length} clean lines, ${changed.length} changed (FP ${fp.toFixed(1)}%)`,
    );
    expect(leaks).toEqual([]);
    expect(wrongKind).toEqual([]);
    expect(changed.length).toBeLessThanOrEqual(MAX_CLEAN_LINES_CHANGED);
    expect(SECRET_LINES.length).toBeGreaterThanOrEqual(200);
    expect(CLEAN_LINES.length).toBeGreaterThanOrEqual(200);
  });

  test("every default kind has corpus lines", () => {
    const inCorpus = new Set(SECRET_LINES.map((s) => s.kind));
    const expected = DEFAULT_REDACTION_KINDS.map((k) => k.kind).filter((k) => k !== "ip" && k !== "custom");
    expect(expected.filter((k) => !inCorpus.has(k))).toEqual([]);
  });
});

// The jest timeout is the guard against a hang; the output must still be exactly right.
test.each(ADVERSARIAL_INPUTS)("adversarial input is redacted exactly: %s", (_name, text, expected) => {
  expect(buildRedactor({ redactIps: true })(text)).toBe(expected);
});

// One case per kind: [kind, input, expected output].
const KIND_CASES: readonly [string, string, string][] = [
  [
    "private-key",
    "key: -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY----- loaded",
    "key: [REDACTED:private-key] loaded",
  ],
  [
    "private-key, cut off",
    'json: {"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0',
    'json: {"private_key": "[REDACTED:private-key]',
  ],
  [
    "url-password",
    "connect postgres://app:s3cr3t-pw@db.internal:5432/orders failed",
    "connect postgres://app:[REDACTED:url-password]@db.internal:5432/orders failed",
  ],
  ["url-password, redis without user", "redis://:Pa55word@redis:6379/0", "redis://:[REDACTED:url-password]@redis:6379/0"],
  [
    "jwt",
    "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U rejected",
    "token [REDACTED:jwt] rejected",
  ],
  ["github-token", "auth with ghp_16C7e42F292c6912E7710c838347Ae178B4a failed", "auth with [REDACTED:github-token] failed"],
  [
    "github-token, fine-grained",
    "github_pat_11ABCDEFG0123456789abc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW",
    "[REDACTED:github-token]",
  ],
  ["google-api-key", "key=AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW&q=x", "key=[REDACTED:google-api-key]&q=x"],
  [
    "google-oauth-token",
    "Authorization header ya29.a0AfB_byC1234567890abcdefghijklmnop",
    "Authorization header [REDACTED:google-oauth-token]",
  ],
  ["aws-access-key-id", "key id AKIAIOSFODNN7EXAMPLE not found", "key id [REDACTED:aws-access-key-id] not found"],
  [
    "aws-secret-access-key",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "aws_secret_access_key = [REDACTED:aws-secret-access-key]",
  ],
  ["slack-token", "SLACK xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "SLACK [REDACTED:slack-token]"],
  [
    "slack-webhook",
    "POST https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX 404",
    "POST [REDACTED:slack-webhook] 404",
  ],
  ["stripe-key", "Invalid API Key provided: sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Invalid API Key provided: [REDACTED:stripe-key]"],
  ["bearer-token", "sent Bearer abc123def456ghi789", "sent Bearer [REDACTED:bearer-token]"],
  ["password pair", "user=ada password=hunter2 ok", "user=ada password=[REDACTED:password] ok"],
  ["password JSON", '{"password": "correct horse battery staple"}', '{"password": "[REDACTED:password]"}'],
  ["password colon", "passwd: letmein", "passwd: [REDACTED:password]"],
  ["secret pair", "client_secret=Zx9aB8cD7eF6gH5iJ4kL3", "client_secret=[REDACTED:secret]"],
  ["authorization header", "Authorization: Bearer abc.def.ghi123", "Authorization: Bearer [REDACTED:authorization]"],
  ["cookie header", "Cookie: sid=abc123; theme=dark", "Cookie: [REDACTED:authorization]"],
  ["email", "invite sent to ada.lovelace+test@example.co.uk.", "invite sent to [REDACTED:email]."],
  ["credit-card plain", "card 4111111111111111 declined", "card [REDACTED:credit-card] declined"],
  ["credit-card grouped", "card 5555-5555-5555-4444 declined", "card [REDACTED:credit-card] declined"],
  ["credit-card amex", "amex 3782 822463 10005", "amex [REDACTED:credit-card]"],
];

const KEPT: readonly [string, string][] = [
  ["Luhn-invalid number", "card 4111111111111112 declined"],
  ["epoch milliseconds", "at 1757898000123 and 1757898000123456789"],
  ["git SHA after secret", "rotated secret a94a8fe5ccb19ba61c4c0873d391e987982fbbd3 version"],
  ["token as a word", "token: expired, please log in"],
  ["max_tokens", "max_tokens=4096 prompt_tokens=1200"],
  ["authorization prose", "authorization: denied for user 42"],
  ["package versions", "@google-cloud/logging@12.1.0 and zod@4.6.7"],
  ["IP addresses by default", "from 10.1.2.3 and 2001:db8::1"],
  ["placeholders", "password=*** token=<redacted> secret=${SECRET}"],
  ["user without password in a URL", "https://ada@github.com/acme/repo"],
];

describe("buildRedactor, per kind", () => {
  test.each(KIND_CASES)("%s", (_kind, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  test.each(KEPT)("keeps %s", (_name, input) => {
    expect(redact(input)).toBe(input);
  });

  test("IPs only with redactIps", () => {
    const withIps = buildRedactor({ redactIps: true });
    expect(withIps("from 10.1.2.3 and 2001:db8::1 at 12:30:45")).toBe("from [REDACTED:ip] and [REDACTED:ip] at 12:30:45");
    expect(withIps("version 1.2.3 of 999.1.1.1")).toBe("version 1.2.3 of 999.1.1.1");
  });

  test("redacting twice changes nothing more", () => {
    for (const { line } of SECRET_LINES.slice(0, 50)) expect(redact(redact(line))).toBe(redact(line));
  });
});

describe("extra patterns", () => {
  test("the whole match, or only the named group 'secret'", () => {
    const custom = buildRedactor({ extraPatterns: ["ACME-[0-9]{6}", "tenant=(?<secret>[a-z]+)"] });
    expect(custom("license ACME-123456 for tenant=globex")).toBe("license [REDACTED:custom] for tenant=[REDACTED:custom]");
  });

  test("invalid patterns are reported, and refused by buildRedactor", () => {
    expect(checkRedactPattern("(unclosed")).toMatch(/Invalid regular expression/);
    expect(checkRedactPattern("a*")).toBe("pattern matches the empty string");
    expect(checkRedactPattern("ACME-\\d+")).toBeUndefined();
    expect(() => buildRedactor({ extraPatterns: ["(unclosed"] })).toThrow(/redaction pattern/);
  });
});

describe("redactDeep", () => {
  test("walks objects and arrays, redacts sensitive keys whatever the value", () => {
    const input = {
      message: "mail ada@example.com",
      nested: [{ apiKey: "plain-looking" }, { password: { hash: "x" } }, "ghp_16C7e42F292c6912E7710c838347Ae178B4a"],
      headers: { Authorization: "Basic dXNlcjpwYXNz", cookie: "a=b", "x-request-id": "r-1" },
      db_password: 1234,
      client_secret: null,
      private_key: "",
      max_tokens: 4096,
      token_count: 3,
    };
    expect(redactDeep(input, redact)).toEqual({
      message: "mail [REDACTED:email]",
      nested: [{ apiKey: "[REDACTED:secret]" }, { password: "[REDACTED:password]" }, "[REDACTED:github-token]"],
      headers: { Authorization: "[REDACTED:authorization]", cookie: "[REDACTED:cookie]", "x-request-id": "r-1" },
      db_password: "[REDACTED:password]",
      client_secret: null,
      private_key: "",
      max_tokens: 4096,
      token_count: 3,
    });
  });

  test("leaves the input untouched", () => {
    const input = { password: "p" };
    redactDeep(input, redact);
    expect(input).toEqual({ password: "p" });
  });
});

describe("properties", () => {
  const alnum = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
  const text = (min: number, max: number) => fc.array(alnum, { minLength: min, maxLength: max }).map((cs) => cs.join(""));
  const withDigitAndCases = (t: string) => `${t}7aZ`;
  const luhn = (body: string): string => {
    let sum = 0;
    for (let i = 0; i < body.length; i++) {
      let d = Number(body[body.length - 1 - i]);
      if (i % 2 === 0) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return body + String((10 - (sum % 10)) % 10);
  };
  const standalone = fc.oneof(
    text(33, 33).map((t) => `ghp_${withDigitAndCases(t)}`),
    text(32, 32).map((t) => `AIza${withDigitAndCases(t)}`),
    text(40, 80).map((t) => `ya29.${t}`),
    fc.array(fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), { minLength: 16, maxLength: 16 }).map((cs) => `AKIA${cs.join("")}`),
    text(24, 24).map((t) => `xoxb-123456789012-1234567890123-${t}`),
    text(24, 40).map((t) => `sk_live_${t}`),
    fc.tuple(text(10, 30), text(10, 40), text(20, 43)).map(([a, b, c]) => `eyJ${a}.eyJ${b}.${c}`),
    fc.tuple(text(1, 12), text(2, 10)).map(([user, host]) => `${user}@${host}.example.com`),
    fc.array(fc.constantFrom(..."0123456789"), { minLength: 14, maxLength: 14 }).map((ds) => luhn(`4${ds.join("")}`)),
  );
  const separator = fc.constantFrom(" ", "=", ": ", '"', "'", "(", ")", ",", "\n", "\t", "[", "]", "{", "}", "<", ">", "|", "; ");
  const words = fc
    .array(fc.constantFrom("request", "failed", "user", "GET", "/api/v1", "200", "retry", "ok"), { maxLength: 5 })
    .map((w) => w.join(" "));

  test("a secret in any surroundings is gone", () => {
    fc.assert(
      fc.property(words, separator, standalone, separator, words, (before, open, secret, close, after) => {
        const out = redact(`${before}${open}${secret}${close}${after}`);
        expect(out).not.toContain(secret);
        expect(out).toContain("[REDACTED:");
      }),
      { numRuns: 2000, seed: 8 },
    );
  });

  test("any string: no throw, idempotent", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => {
        const once = redact(s);
        expect(redact(once)).toBe(once);
      }),
      { numRuns: 2000, seed: 9 },
    );
  });
});

describe("the gate", () => {
  // Pieces of every rule's triggers, in mixed case and cut short, with the characters around
  // them: texts that hit, nearly hit and miss the gate.
  const piece = fc.constantFrom(
    ..."PRIVATE KEY|-----BEGIN RSA PRIVATE KEY-----|eyJ|eyj|gh|ghp_|github_pat_|AIza|aiza|ya29.|1//0|AKIA|ASIA|akia|SeCrEt|secret|hooks.slack.com|xoxb-|xapp-|sk_live_|rk_test_|://|@|AuThOrIzAtIoN|cookie|Set-Cookie|BEARER|Basic|token |TOKEN|pass|PWD|Key|credentials|sig|4111 1111 1111 1111|4111111111111111|1.2.3.4|::1|fe80::1|user:pw@host|=|: |\"|'| |\n|x|9|Z|_|-|.|/".split(
      "|",
    ),
  );
  const text = fc.array(piece, { maxLength: 24 }).map((ps) => ps.join(""));

  test("changes no output: with it and without it, every rule gives the same text", () => {
    for (const options of [{}, { redactIps: true }]) {
      const gated = buildRedactor(options);
      const ungated = buildRedactor({ ...options, gate: false });
      fc.assert(
        fc.property(text, (t) => {
          expect(gated(t)).toBe(ungated(t));
        }),
        { numRuns: 3000, seed: 12 },
      );
      for (const line of [...SECRET_LINES.map((s) => s.line), ...CLEAN_LINES]) expect(gated(line)).toBe(ungated(line));
    }
  });

  test("lets a text with no trigger through untouched and stops at one in any case", () => {
    const gate = gateOf([{ triggers: { words: ["eyJ"], anyCase: ["token"], pattern: /\d{4}-\d{4}/ } }])!;
    expect(gate.test("request failed after 200 ms")).toBe(false);
    expect(gate.test("x eyJ y")).toBe(true);
    expect(gate.test("x EYJ y")).toBe(false);
    expect(gate.test("ToKeN")).toBe(true);
    expect(gate.test("card 1234-5678")).toBe(true);
    // A word with regex syntax in it is matched as written.
    expect(gateOf([{ triggers: { words: ["ya29."] } }])!.test("ya29x")).toBe(false);
  });

  test("is off when a rule has no triggers (an extra pattern may match anything)", () => {
    expect(gateOf([{ triggers: { words: ["@"] } }, { triggers: undefined }])).toBeUndefined();
    expect(buildRedactor({ extraPatterns: ["order-\\d+"] })("lookup of order-42 failed")).toBe("lookup of [REDACTED:custom] failed");
  });
});

test("docs/redaction.md's table names every kind", () => {
  const doc = readFileSync(join(__dirname, "../../../docs/redaction.md"), "utf8");
  expect(doc.startsWith("# Redaction\n")).toBe(true);
  const end = doc.indexOf("\n## ");
  const section = end < 0 ? doc : doc.slice(0, end);
  const table = new Set([...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]));
  expect([...table].sort()).toEqual(DEFAULT_REDACTION_KINDS.map((k) => k.kind).sort());
});
