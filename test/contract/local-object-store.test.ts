import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalObjectStore } from "../../src/adapters/local-object-store";
import { PreconditionFailedError } from "../../src/errors";
import { describeObjectStoreContract } from "./object-store-contract";

const roots: string[] = [];
async function tempRoot(): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "lg-local-store-"));
  roots.push(root);
  return root;
}
afterAll(async () => {
  await Promise.all(roots.map((r) => fs.rm(r, { recursive: true, force: true })));
});

describeObjectStoreContract("LocalObjectStore", async () => new LocalObjectStore({ root: await tempRoot() }));

describe("LocalObjectStore on disk", () => {
  it("keeps worklogs as plain files at the key's path, with nothing else visible", async () => {
    const root = await tempRoot();
    const store = new LocalObjectStore({ root });
    await store.put("svc/2025/09/15/0100Z.md", "# hello\n", { contentType: "text/markdown; charset=utf-8", ifGeneration: "0" });

    expect(store.locate("svc/2025/09/15/0100Z.md")).toBe(path.join(root, "svc", "2025", "09", "15", "0100Z.md"));
    expect(await fs.readFile(path.join(root, "svc/2025/09/15/0100Z.md"), "utf8")).toBe("# hello\n");
    const names = await fs.readdir(path.join(root, "svc/2025/09/15"));
    // Only the body and its hidden meta file: no temp files or locks left behind.
    expect(names.sort()).toEqual([".0100Z.md.meta.json", "0100Z.md"]);
    expect(await store.list("")).toEqual(["svc/2025/09/15/0100Z.md"]);
  });

  it("reads a file put there by hand and still guards replacing it", async () => {
    const root = await tempRoot();
    await fs.mkdir(path.join(root, "svc/2025/09/15"), { recursive: true });
    await fs.writeFile(path.join(root, "svc/2025/09/15/0300Z.md"), "by hand\n");
    const store = new LocalObjectStore({ root });

    const got = await store.get("svc/2025/09/15/0300Z.md");
    expect(got).toMatchObject({ body: "by hand\n", metadata: {} });
    await expect(store.put("svc/2025/09/15/0300Z.md", "x", { contentType: "text/markdown", ifGeneration: "0" })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await store.put("svc/2025/09/15/0300Z.md", "replaced\n", { contentType: "text/markdown", ifGeneration: got!.generation });
    expect((await store.get("svc/2025/09/15/0300Z.md"))?.body).toBe("replaced\n");
  });

  it("treats a body edited behind its back as a new version", async () => {
    const root = await tempRoot();
    const store = new LocalObjectStore({ root });
    const g1 = await store.put("svc/2025/09/15/0400Z.md", "ours\n", { contentType: "text/markdown", ifGeneration: "0" });
    await fs.writeFile(path.join(root, "svc/2025/09/15/0400Z.md"), "edited by a person\n");
    const got = await store.get("svc/2025/09/15/0400Z.md");
    expect(got?.body).toBe("edited by a person\n");
    expect(got?.generation).not.toBe(g1);
    expect((await store.head("svc/2025/09/15/0400Z.md"))?.generation).toBe(got?.generation);
    await expect(
      store.put("svc/2025/09/15/0400Z.md", "clobber\n", { contentType: "text/markdown", ifGeneration: g1 }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it.each([
    ["a body renamed into place by a writer stopped before its meta (same size)", "ours\n", "them\n", true],
    ["a body edited in place", "ours\n", "edited by hand\n", false],
  ])("heads %s by its contents, not by the stale meta", async (_what, ours, theirs, renamed) => {
    const root = await tempRoot();
    const store = new LocalObjectStore({ root });
    const file = path.join(root, "svc/2025/09/15/0500Z.md");
    const g1 = await store.put("svc/2025/09/15/0500Z.md", ours, { contentType: "text/markdown", ifGeneration: "0" });
    if (renamed) {
      await fs.writeFile(`${file}.new`, theirs);
      await fs.rename(`${file}.new`, file);
    } else await fs.writeFile(file, theirs);
    const head = await store.head("svc/2025/09/15/0500Z.md");
    expect(head?.generation).not.toBe(g1);
    expect(head?.generation).toBe((await store.get("svc/2025/09/15/0500Z.md"))?.generation);
  });

  it("heads objects of a folder whose meta files predate the body identity", async () => {
    const root = await tempRoot();
    const store = new LocalObjectStore({ root });
    const g1 = await store.put("svc/2025/09/15/0600Z.md", "ours\n", {
      contentType: "text/markdown",
      metadata: { a: "1" },
      ifGeneration: "0",
    });
    const metaFile = path.join(root, "svc/2025/09/15/.0600Z.md.meta.json");
    const { file: _identity, ...older } = JSON.parse(await fs.readFile(metaFile, "utf8")) as Record<string, unknown>;
    await fs.writeFile(metaFile, JSON.stringify(older));
    expect(await store.head("svc/2025/09/15/0600Z.md")).toMatchObject({ generation: g1, metadata: { a: "1" } });
  });

  it("breaks a key lock left by a crashed writer", async () => {
    const root = await tempRoot();
    const store = new LocalObjectStore({ root });
    await fs.mkdir(path.join(root, "_state/svc"), { recursive: true });
    const lock = path.join(root, "_state/svc/.miner.json.lock");
    await fs.writeFile(lock, "");
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(lock, old, old);
    await store.put("_state/svc/miner.json", "{}", { contentType: "application/json", ifGeneration: "0" });
    expect((await store.get("_state/svc/miner.json"))?.body).toBe("{}");
  });

  it("refuses keys that escape the folder or collide with its hidden files", async () => {
    const store = new LocalObjectStore({ root: await tempRoot() });
    for (const key of ["../x.md", "svc/../../x.md", "/abs.md", "svc/.0100Z.md.meta.json", "svc//x.md", ""]) {
      await expect(store.put(key, "x", { contentType: "text/plain" })).rejects.toThrow(/not a usable object key/);
    }
  });
});
