// What every ObjectStore promises, run against each adapter (local folder, GCS over the
// loopback peer). A store that passes these can back the pipeline and `log-gardener worklogs`.
import { PreconditionFailedError } from "../../src/errors";
import type { ObjectStore } from "../../src/ports";

export function describeObjectStoreContract(name: string, open: () => Promise<ObjectStore>): void {
  describe(`${name} keeps the ObjectStore contract`, () => {
    let store: ObjectStore;
    beforeEach(async () => {
      store = await open();
    });

    it("reads back what it wrote, with its generation and metadata", async () => {
      const generation = await store.put("svc/2025/09/15/0100Z.md", "# Worklog\n\nÜnïcode ✓\n", {
        contentType: "text/markdown; charset=utf-8",
        metadata: { service: "svc", clusters: "3" },
        ifGeneration: "0",
      });
      const got = await store.get("svc/2025/09/15/0100Z.md");
      expect(got).toMatchObject({ body: "# Worklog\n\nÜnïcode ✓\n", generation, metadata: { service: "svc", clusters: "3" } });
      expect(got?.generation).not.toBe("0");
    });

    it("keeps an empty body and JSON bodies byte for byte", async () => {
      await store.put("svc/empty.md", "", { contentType: "text/markdown", ifGeneration: "0" });
      expect((await store.get("svc/empty.md"))?.body).toBe("");
      const json = '{\n  "b": 1,\n  "a": [ 2 ]\n}\n';
      await store.put("svc/2025/09/15/0100Z.json", json, { contentType: "application/json", ifGeneration: "0" });
      expect((await store.get("svc/2025/09/15/0100Z.json"))?.body).toBe(json);
    });

    it("writes a body given in chunks as their concatenation, byte for byte", async () => {
      const chunks = ['{\n  "clusters": [\n', '    {"template": "POST /x → 500"}', ",\n", '    {"name": "Ünïcode …"}', "", "\n  ]\n}\n"];
      const generation = await store.put("svc/2025/09/15/0400Z.json", chunks, { contentType: "application/json", ifGeneration: "0" });
      expect(await store.get("svc/2025/09/15/0400Z.json")).toMatchObject({ body: chunks.join(""), generation });
      expect((await store.head("svc/2025/09/15/0400Z.json"))?.generation).toBe(generation);
    });

    it("returns undefined for a key that does not exist", async () => {
      await expect(store.get("svc/2025/09/15/0200Z.md")).resolves.toBeUndefined();
      await expect(store.head("svc/2025/09/15/0200Z.md")).resolves.toBeUndefined();
    });

    it("heads an object with the generation and metadata get returns, through each replacement", async () => {
      const key = "svc/2025/09/15/0300Z.json";
      const g1 = await store.put(key, '{"clusters":[]}\n', {
        contentType: "application/json",
        metadata: { clusters: "0" },
        ifGeneration: "0",
      });
      const head1 = await store.head(key);
      expect(head1).toMatchObject({ generation: g1, metadata: { clusters: "0" } });
      expect(head1).not.toHaveProperty("body");
      const g2 = await store.put(key, '{"clusters":[1]}\n', {
        contentType: "application/json",
        metadata: { clusters: "1" },
        ifGeneration: g1,
      });
      const [head2, got2] = await Promise.all([store.head(key), store.get(key)]);
      expect(head2).toMatchObject({ generation: g2, metadata: { clusters: "1" } });
      expect(head2?.generation).toBe(got2?.generation);
      // The head's generation is the one a compare-and-swap takes.
      await store.put(key, "{}\n", { contentType: "application/json", ifGeneration: head2!.generation });
      expect((await store.get(key))?.body).toBe("{}\n");
    });

    it("refuses a create-only write over an existing object and keeps the first body", async () => {
      await store.put("_locks/svc/a.lock", "first", { contentType: "application/json", ifGeneration: "0" });
      await expect(store.put("_locks/svc/a.lock", "second", { contentType: "application/json", ifGeneration: "0" })).rejects.toBeInstanceOf(
        PreconditionFailedError,
      );
      expect((await store.get("_locks/svc/a.lock"))?.body).toBe("first");
    });

    it("replaces only the generation it read (compare-and-swap)", async () => {
      const g1 = await store.put("_state/svc/miner.json", "v1", { contentType: "application/json", ifGeneration: "0" });
      const g2 = await store.put("_state/svc/miner.json", "v2", { contentType: "application/json", ifGeneration: g1 });
      expect(g2).not.toBe(g1);
      await expect(
        store.put("_state/svc/miner.json", "stale", { contentType: "application/json", ifGeneration: g1 }),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await store.get("_state/svc/miner.json")).toMatchObject({ body: "v2", generation: g2 });
    });

    it("lets exactly one of two concurrent creates win", async () => {
      const results = await Promise.allSettled(
        ["a", "b", "c"].map((who) => store.put("_locks/svc/race.lock", who, { contentType: "application/json", ifGeneration: "0" })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(PreconditionFailedError);
    });

    it("writes unconditionally when no generation is given", async () => {
      await store.put("notes/x.md", "one", { contentType: "text/markdown" });
      await store.put("notes/x.md", "two", { contentType: "text/markdown" });
      expect((await store.get("notes/x.md"))?.body).toBe("two");
    });

    it("lists real keys under a prefix, sorted, including partial-name prefixes", async () => {
      for (const key of [
        "svc/2025/09/15/0200Z.md",
        "svc/2025/09/15/0100Z.json",
        "svc/2025/09/15/0100Z.md",
        "svc/2025/09/16/0000Z.md",
        "svc-two/2025/09/15/0100Z.md",
        "other/2025/09/15/0100Z.md",
      ]) {
        await store.put(key, key, { contentType: "text/plain" });
      }
      expect(await store.list("svc/2025/09/15/")).toEqual([
        "svc/2025/09/15/0100Z.json",
        "svc/2025/09/15/0100Z.md",
        "svc/2025/09/15/0200Z.md",
      ]);
      expect(await store.list("svc")).toEqual([
        "svc-two/2025/09/15/0100Z.md",
        "svc/2025/09/15/0100Z.json",
        "svc/2025/09/15/0100Z.md",
        "svc/2025/09/15/0200Z.md",
        "svc/2025/09/16/0000Z.md",
      ]);
      expect(await store.list("svc/2025/09/15/01")).toEqual(["svc/2025/09/15/0100Z.json", "svc/2025/09/15/0100Z.md"]);
      expect(await store.list("nothing/")).toEqual([]);
      expect((await store.list("")).length).toBe(6);
    });

    it("deletes, honouring a generation precondition", async () => {
      const g1 = await store.put("_locks/svc/d.lock", "x", { contentType: "application/json", ifGeneration: "0" });
      const g2 = await store.put("_locks/svc/d.lock", "y", { contentType: "application/json", ifGeneration: g1 });
      await expect(store.delete("_locks/svc/d.lock", { ifGeneration: g1 })).rejects.toBeInstanceOf(PreconditionFailedError);
      expect((await store.get("_locks/svc/d.lock"))?.body).toBe("y");
      await store.delete("_locks/svc/d.lock", { ifGeneration: g2 });
      expect(await store.get("_locks/svc/d.lock")).toBeUndefined();
      expect(await store.list("_locks/")).toEqual([]);
      // Creating it again after a delete works, and a plain delete of nothing is not an error.
      await store.put("_locks/svc/d.lock", "z", { contentType: "application/json", ifGeneration: "0" });
      await store.delete("_locks/svc/d.lock");
      await store.delete("_locks/svc/d.lock");
    });
  });
}
