import { codeSpan, escapeText, fence, link, tableCell, truncate } from "../../../src/core/report/markdown";

const ZWSP = "\u200b";

describe("escapeText", () => {
  test.each([
    { name: "HTML", input: "<img src=x onerror=alert(1)>", expected: "&lt;img src=x onerror=alert(1)&gt;" },
    { name: "entities", input: "a &amp; b", expected: "a &amp;amp; b" },
    { name: "emphasis and links", input: "**bold** [x](y) _i_ ~s~", expected: "\\*\\*bold\\*\\* \\[x\\](y) \\_i\\_ \\~s\\~" },
    { name: "backticks", input: "run `rm -rf`", expected: "run \\`rm -rf\\`" },
    { name: "pipes", input: "a | b", expected: "a \\| b" },
    { name: "mentions", input: "cc @octocat and @org/team", expected: `cc @${ZWSP}octocat and @${ZWSP}org/team` },
    { name: "issue refs", input: "fixes #123 and GH-4", expected: `fixes #${ZWSP}123 and GH-${ZWSP}4` },
    {
      name: "autolinks",
      input: "see https://evil.example and www.evil.example",
      expected: `see https:${ZWSP}//evil.example and www${ZWSP}.evil.example`,
    },
    { name: "newlines", input: "line one\n## not a heading\r\n- not a list", expected: "line one ## not a heading - not a list" },
  ])("$name", ({ input, expected }) => {
    expect(escapeText(input)).toBe(expected);
  });
});

describe("codeSpan", () => {
  test.each([
    { input: "plain", expected: "`plain`" },
    { input: "has ` one", expected: "``has ` one``" },
    { input: "has `` two", expected: "```has `` two```" },
    { input: "`edge`", expected: "`` `edge` ``" },
    { input: "multi\nline", expected: "`multi line`" },
    { input: "", expected: '`""`' },
  ])("$input → $expected", ({ input, expected }) => {
    expect(codeSpan(input)).toBe(expected);
  });
});

describe("fence", () => {
  test("is longer than any backtick run inside", () => {
    expect(fence("a\n```\nb", "json")).toBe("````json\na\n```\nb\n````");
    expect(fence("x ````` y")).toBe("``````\nx ````` y\n``````");
    expect(fence("plain\n")).toBe("```\nplain\n```");
  });
});

describe("tableCell", () => {
  test("escapes every pipe once, in text and in code spans", () => {
    expect(tableCell("`a|b||c`")).toBe("`a\\|b\\|\\|c`");
    expect(tableCell(escapeText("a | b"))).toBe("a \\| b");
  });
});

describe("truncate and link", () => {
  test("truncate keeps surrogate pairs whole", () => {
    expect(truncate("🔑🔑🔑🔑", 3)).toBe("🔑🔑…");
    expect(truncate("short", 10)).toBe("short");
  });
  test("link wraps and encodes the destination", () => {
    expect(link("#1", "https://x.test/a b<c>")).toBe("[#1](<https://x.test/a%20b%3Cc%3E>)");
  });
});
