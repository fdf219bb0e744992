import fc from "fast-check";
import {
  capBody,
  neutralizeReferences,
  openFenceAt,
  redactSecrets,
  renderCode,
  renderFence,
  renderInline,
  renderLabel,
  renderTitle,
} from "../../../src/core/triage/safe-text";

const WJ = "\u2060";

describe("redactSecrets", () => {
  it.each([
    ["bearer token", "Authorization: Bearer abcdefghijklmnop.qrs", "abcdefghijklmnop"],
    ["password=", "login failed password=hunter2 user=bob", "hunter2"],
    ["json api_key", '{"api_key": "AKfoo123456"}', "AKfoo123456"],
    ["github token", "token ghp_0123456789abcdefghijABCDEFGHIJ012345", "ghp_0123456789"],
    ["aws key", "key AKIAIOSFODNN7EXAMPLE used", "AKIAIOSFODNN7EXAMPLE"],
    ["jwt", "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N", "eyJhbGciOiJIUzI1NiJ9"],
    ["url userinfo", "connect postgres://admin:s3cret@db:5432/app", "s3cret"],
    ["private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "MIIEow"],
    ["google api key", "AIzaSyA1234567890abcdefghijklmnopqrstuv", "AIzaSyA1234567890"],
  ])("%s", (_name, input, secret) => {
    const out = redactSecrets(input);
    expect(out).not.toContain(secret);
    expect(out).toMatch(/\[REDACTED:[a-z-]+\]/);
  });

  it("passes text that was already redacted unchanged", () => {
    const once = "Stripe charge failed: api_key=[REDACTED:stripe-key] rejected";
    expect(redactSecrets(once)).toBe(once);
  });

  it("leaves ordinary text alone", () => {
    expect(redactSecrets("Async engine not available, skipping index creation")).toBe(
      "Async engine not available, skipping index creation",
    );
  });
});

describe("neutralizeReferences", () => {
  it.each([
    ["issue ref", "see #123", `see #${WJ}123`],
    ["cross-repo ref", "octo/repo#7 broke", `octo/repo#${WJ}7 broke`],
    ["GH ref", "GH-42", `GH-${WJ}42`],
    ["mention", "ping @octocat now", `ping @${WJ}octocat now`],
    ["team mention", "@org/team", `@${WJ}org/team`],
    ["mention at start", "@admin", `@${WJ}admin`],
    ["email kept", "mail bob@example.com", "mail bob@example.com"],
    ["closing keyword", "fixes #1", `fi${WJ}xes #${WJ}1`],
    ["closing keyword with colon", "Closes: octo/repo#2", `Cl${WJ}oses: octo/repo#${WJ}2`],
    ["closing keyword with url", "resolved https://github.com/o/r/issues/3", `re${WJ}solved https://github.com/o/r/issues/${WJ}3`],
    ["plain word fix kept", "fix the cache", "fix the cache"],
    ["hex colour kept", "color #fff", "color #fff"],
  ])("%s", (_name, input, expected) => {
    expect(neutralizeReferences(input)).toBe(expected);
  });
});

describe("renderInline", () => {
  it("escapes HTML and markdown, breaks links, stays on one line", () => {
    const out = renderInline("<img src=x onerror=alert(1)> ![t](http://e.x/p.png)\n**bold** | cell");
    expect(out).not.toMatch(/<img/);
    expect(out).toContain("&lt;img");
    expect(out).toContain("\\!\\[t\\]");
    expect(out).toContain(`http:${WJ}//`);
    expect(out).toContain("\\|");
    expect(out).not.toContain("\n");
  });

  it("shortens long text", () => {
    expect(Array.from(renderInline("a".repeat(500), 50)).length).toBe(50);
  });
});

describe("renderCode", () => {
  it.each([
    ["plain", "x = 1", "`x = 1`"],
    ["with backticks", "a `b` c", "``a `b` c``"],
    ["starting with backtick", "`x", "`` `x ``"],
    ["multi-line", "a\nb", "`a b`"],
  ])("%s", (_name, input, expected) => {
    expect(renderCode(input)).toBe(expected);
  });
});

describe("renderFence", () => {
  it("uses a fence longer than any backtick run inside", () => {
    const out = renderFence("before\n````\ninside\n````", "json");
    expect(out.startsWith("`````json\n")).toBe(true);
    expect(out.endsWith("\n`````")).toBe(true);
    expect(openFenceAt(out)).toBeUndefined();
  });

  it("redacts and restricts the language", () => {
    const out = renderFence("password=hunter2", "js<script>");
    expect(out).not.toContain("hunter2");
    expect(out.split("\n")[0]).toBe("```jsscript");
  });
});

describe("renderTitle and renderLabel", () => {
  it("titles are one line, neutralized, at most 120 characters", () => {
    const t = renderTitle(`api · ERROR · P2 · @everyone fixes #9 ${"x".repeat(300)}\nsecond line`);
    expect(Array.from(t).length).toBe(120);
    expect(t).toContain(`@${WJ}everyone`);
    expect(t).not.toContain("\n");
  });

  it("labels fit GitHub's 50 characters and have no commas", () => {
    const l = renderLabel(`service:${"a".repeat(60)},b`);
    expect(l.length).toBeLessThanOrEqual(50);
    expect(l).not.toContain(",");
  });
});

describe("capBody", () => {
  it("returns short bodies unchanged", () => {
    expect(capBody("short", 100, " tail")).toBe("short tail");
  });

  it("cuts at a line, closes an open fence, says how much was cut and keeps the tail", () => {
    const body = `<!-- marker -->\nintro\n\`\`\`json\n${"line of sample\n".repeat(10_000)}\`\`\`\n`;
    const out = capBody(body, 60_000, "\n<!-- tail -->\n");
    expect(out.length).toBeLessThanOrEqual(60_000);
    expect(out.startsWith("<!-- marker -->")).toBe(true);
    expect(out.endsWith("\n<!-- tail -->\n")).toBe(true);
    expect(out).toMatch(/Log Gardener cut [\d,]+ characters/);
    expect(openFenceAt(out)).toBeUndefined();
  });
});

describe("properties", () => {
  const risky = fc.stringMatching(/^[ a-z@#<>`/:0-9fixesclo-]{0,60}$/);

  it("inline text never carries a live mention, reference, tag or autolink", () => {
    fc.assert(
      fc.property(risky, (s) => {
        const out = renderInline(s);
        expect(out).not.toMatch(/(^|[^\w\u2060])@[a-z0-9]/i);
        expect(out).not.toMatch(/#\d/);
        expect(out).not.toMatch(/</);
        expect(out).not.toMatch(/[a-z]:\/\//i);
      }),
      { numRuns: 500 },
    );
  });

  it("a fence always closes and holds the text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const out = renderFence(s.replace(/[\r\u2028\u2029]/g, ""));
        expect(openFenceAt(out)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it("capBody never exceeds the cap", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), fc.integer({ min: 500, max: 2000 }), (s, cap) => {
        expect(capBody(s, cap, "\ntail\n").length).toBeLessThanOrEqual(cap);
      }),
      { numRuns: 200 },
    );
  });
});
