// Every relative link in README.md and docs/*.md names a file, folder or heading that exists,
// so moving a page, a heading or a source folder cannot leave a dead link behind.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { anchorsOf, brokenLink, linksOf, slug, withoutCode } from "./doc-links";
import { REPO_ROOT } from "./infra";

// Pages other changes are writing now; README.md and docs/ link to them already. A link to one
// of these (without a #heading) is accepted while the page is missing, and only then: the last
// test fails once a page exists, so its line here gets deleted and its links get checked.
const PENDING: string[] = [];

const pages = [
  "README.md",
  ...readdirSync(path.join(REPO_ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
].sort();

describe("links in README.md and docs/", () => {
  it.each(pages)("%s: every relative link resolves", (page) => {
    const links = linksOf(page, readFileSync(path.join(REPO_ROOT, page), "utf8"));
    const broken = links.flatMap((link) => {
      const problem = brokenLink(REPO_ROOT, link, new Set(PENDING));
      return problem ? [`${page}:${link.line}: ${problem}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it("README.md links every page in docs/", () => {
    const targets = new Set(
      linksOf("README.md", readFileSync(path.join(REPO_ROOT, "README.md"), "utf8")).map((l) => l.target.split("#")[0]),
    );
    expect(pages.filter((p) => p !== "README.md" && !targets.has(p))).toEqual([]);
  });

  if (PENDING.length > 0)
    it.each(PENDING)("%s is still pending (once it exists, delete it from PENDING)", (page) => {
      expect(existsSync(path.join(REPO_ROOT, page))).toBe(false);
    });
});

describe("the link checker", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "doc-links-"));
    mkdirSync(path.join(root, "docs"));
    mkdirSync(path.join(root, "src"));
    writeFileSync(
      path.join(root, "docs", "a.md"),
      "# Page A\n\n## The `run` lock\n\n## Notes\n\n## Notes\n\n```md\n## Not a heading\n```\n",
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const check = (target: string, from = "README.md", pending: string[] = []) =>
    brokenLink(root, { from, line: 1, target }, new Set(pending));

  it("accepts files, folders, headings and URLs that exist", () => {
    expect(check("docs/a.md")).toBeUndefined();
    expect(check("src")).toBeUndefined();
    expect(check("docs/a.md#the-run-lock")).toBeUndefined();
    expect(check("docs/a.md#notes-1")).toBeUndefined();
    expect(check("a.md#page-a", "docs/b.md")).toBeUndefined();
    expect(check("#notes", "docs/a.md")).toBeUndefined();
    expect(check("https://example.com/missing")).toBeUndefined();
  });

  it("names a missing file, a missing heading and a heading inside code", () => {
    expect(check("docs/b.md")).toMatch(/no such file.*docs\/b\.md/);
    expect(check("docs/a.md#gone")).toMatch(/has no heading #gone/);
    expect(check("docs/a.md#not-a-heading")).toMatch(/has no heading/);
    expect(check("docs/a.md#notes-2")).toMatch(/has no heading/);
    expect(check("src#x")).toMatch(/not a markdown page/);
    expect(check("../outside.md")).toMatch(/outside the repository/);
    expect(check("/docs/a.md")).toMatch(/relative to the repository root/);
  });

  it("accepts a pending page only while it is missing and only without a heading", () => {
    expect(check("docs/b.md", "README.md", ["docs/b.md"])).toBeUndefined();
    expect(check("b.md", "docs/a.md", ["docs/b.md"])).toBeUndefined();
    expect(check("docs/b.md#x", "README.md", ["docs/b.md"])).toMatch(/no such file/);
    expect(check("docs/a.md#gone", "README.md", ["docs/a.md"])).toMatch(/has no heading/);
  });

  it("finds inline links and reference definitions, not links inside code", () => {
    const text = 'See [a](docs/a.md) and [b](<docs/b c.md> "title").\n`[x](in-span.md)`\n```\n[y](in-block.md)\n```\n[ref]: docs/ref.md\n';
    expect(linksOf("README.md", text).map((l) => [l.line, l.target])).toEqual([
      [1, "docs/a.md"],
      [1, "docs/b c.md"],
      [6, "docs/ref.md"],
    ]);
    expect(withoutCode("````\n```\n[z](x.md)\n````\nafter")).toBe("\n\n\n\nafter");
  });

  it("makes GitHub's anchors", () => {
    expect(slug("1. Create the GitHub App")).toBe("1-create-the-github-app");
    expect(slug("Reliability and security")).toBe("reliability-and-security");
    expect(slug("Safe under retries, and `overlapping` runs")).toBe("safe-under-retries-and-overlapping-runs");
    expect([...anchorsOf("# A\n## B b\n## B b\n")]).toEqual(["a", "b-b", "b-b-1"]);
  });
});
