/**
 * Word-valued variables (docs/template-miner.md, "Word-valued variables"): which columns of
 * plain words become a variable, which near misses stay apart, and how the decision holds
 * across hours (save and load) and across a state written before these rules.
 */
import { partitionShapes, type Shape } from "../../../../src/core/cluster/miner/regroup";
import { TemplateMiner } from "../../../../src/core/cluster/miner/template-miner";
import { MINER_STATE_VERSION, type MinerState } from "../../../../src/core/cluster/miner/miner-state";

const parts = (texts: readonly string[]): number => partitionShapes(texts.map((t): Shape => ({ tokens: t.split(" "), weight: 3 }))).length;

describe("word-valued variables in regrouping", () => {
  it("makes a column of a few plain words a variable when the rest of the message shares enough words", () => {
    expect(parts(["root", "ftp", "webmaster"].map((u) => `Login failed for user ${u} from <*>: invalid credentials`))).toBe(1);
    expect(
      parts(["orders", "refunds", "coupons", "payouts"].map((t) => `Deadlock detected while updating "${t}"; transaction rolled back`)),
    ).toBe(1);
  });

  it("keeps short event messages that differ in their verb apart", () => {
    expect(parts(["paused", "resumed", "cancelled", "expired"].map((v) => `Subscription renewal ${v}`))).toBe(4);
    expect(parts(["Started", "Paused", "Resumed", "Stopped"].map((v) => `[instance: <*>] VM ${v} (Lifecycle Event)`))).toBe(4);
  });

  it("keeps two values apart however long the rest: a pair is what two texts of one call site look like", () => {
    expect(parts(["ordersDS", "reportingDS"].map((d) => `Connection pool exhausted for datasource ${d}, waited <*> ms`))).toBe(2);
    expect(parts(["KeyError", "ValueError"].map((e) => `Unhandled ${e} raised in refunds.py while processing a refund`))).toBe(2);
  });

  it("makes two words in the same quotes a variable when the rest says enough, and nothing less", () => {
    const flag = (v: string) => `Feature flag <*> returned unknown variant ${v} for account <*>; serving control`;
    expect(parts(["'holdout'", "'treatment_b'"].map(flag))).toBe(1);
    expect(parts(["'holdout'", '"treatment_b"'].map(flag))).toBe(2);
    expect(parts(["holdout", "treatment_b"].map(flag))).toBe(2);
    expect(parts(["'holdout'", "'treatment_b'"].map((v) => `unknown variant ${v}`))).toBe(2);
  });

  it("keeps one call site's texts apart when they differ in more than one word", () => {
    const texts = [
      "Order sync skipped: customer record locked by another worker",
      "Order sync skipped: warehouse record missing from another region",
    ];
    expect(parts(texts)).toBe(2);
  });

  it("makes key=word a variable when every value has the same key, even in a short message", () => {
    expect(parts(["ledger", "geocoder", "mailer"].map((h) => `ejecting upstream=${h}`))).toBe(1);
    expect(parts(["a=ledger", "b=geocoder", "c=mailer"].map((h) => `ejecting ${h}`))).toBe(3);
  });

  it("makes a column of masked and redacted values one variable, and keeps a constant redaction as it is", () => {
    const texts = ["<*>:", "[REDACTED:credit-card]:"].map(
      (sku) => `Ignoring stock event <*> for SKU ${sku} order <*> is in state RESERVED`,
    );
    expect(parts(texts)).toBe(1);
    expect(parts(["[REDACTED:email]", "[REDACTED:email]"].map((e) => `Account <*> (${e}) exceeded its quota`))).toBe(1);
    expect(parts(["<*>", "customer"].map((w) => `Ignoring stock event <*> for SKU ${w} order <*> is in state RESERVED`))).toBe(2);
  });

  it("makes a column of qualified names a variable", () => {
    expect(parts(["system.time.showampm", "system.charge.show", "system.ownerinfo.show"].map((n) => `visible is ${n}`))).toBe(1);
    expect(parts(["showampm", "charge", "ownerinfo"].map((n) => `visible is ${n}`))).toBe(3);
  });
});

describe("word-valued variables across hours", () => {
  const line = (user: string): string => `Login failed for user ${user} from 10.0.0.7: invalid credentials`;

  it("keeps a problem's id when later hours bring values it has not seen", () => {
    const hour1 = new TemplateMiner();
    const ids = ["root", "ftp", "webmaster", "root"].map((u) => hour1.add(line(u)).clusterId);
    hour1.settle();
    const id = hour1.resolve(ids[0]!)!;
    expect(new Set(ids.map((i) => hour1.resolve(i)))).toEqual(new Set([id]));
    let state = JSON.stringify(hour1.toState());
    for (const fresh of [["guest", "oracle"], ["jenkins"], ["postgres", "nagios", "git"]]) {
      const { miner } = TemplateMiner.fromState(JSON.parse(state));
      for (const u of fresh) expect(miner.resolve(miner.add(line(u)).clusterId)).toBe(id);
      state = JSON.stringify(miner.toState());
    }
  });

  it("merges, in a later hour, two clusters an hour with only two values left apart; the older keeps its id", () => {
    const hour1 = new TemplateMiner();
    const a = hour1.add(line("root")).clusterId;
    const b = hour1.add(line("ftp")).clusterId;
    hour1.settle();
    expect(hour1.resolve(b)).not.toBe(hour1.resolve(a));
    const { miner: hour2 } = TemplateMiner.fromState(JSON.parse(JSON.stringify(hour1.toState())));
    const c = hour2.add(line("webmaster")).clusterId;
    hour2.settle();
    expect(hour2.resolve(b)).toBe(a);
    expect(hour2.resolve(c)).toBe(a);
    expect(hour2.aliasesOf(a)).toEqual(expect.arrayContaining([b]));
    expect(hour2.aliasesOf(a)[0]).toBe(b); // b was made before c
    // and the aliases survive the next save and load
    const { miner: hour3 } = TemplateMiner.fromState(JSON.parse(JSON.stringify(hour2.toState())));
    expect(hour3.aliasesOf(a)).toEqual(hour2.aliasesOf(a));
    expect(hour3.resolve(b)).toBe(a);
  });

  it("merges on loading a state that an earlier version saved with one problem split by its words", () => {
    const users = ["root", "ftp", "webmaster", "guest"];
    const tokens = (u: string): string[] => `Login failed for user ${u} from <*>: invalid credentials`.split(" ");
    const state: MinerState = {
      version: MINER_STATE_VERSION,
      kind: "log-gardener/template-miner",
      nextSeq: users.length + 1,
      clusters: users.map((u, i) => ({
        id: `t-old${i}`,
        template: tokens(u),
        count: 10,
        seq: i + 1,
        signatures: [{ tokens: tokens(u), count: 10 }],
      })),
      aliases: [["t-older", "t-old2"]],
    };
    const { miner, warning } = TemplateMiner.fromState(JSON.parse(JSON.stringify(state)));
    expect(warning).toBeUndefined();
    for (let i = 0; i < users.length; i++) expect(miner.resolve(`t-old${i}`)).toBe("t-old0");
    expect(miner.resolve("t-older")).toBe("t-old0");
    // oldest first: the alias saved before any cluster, then the clusters in their order
    expect(miner.aliasesOf("t-old0")).toEqual(["t-older", "t-old1", "t-old2", "t-old3"]);
    expect(miner.templateOf("t-old0")).toBe("Login failed for user <*> from <*>: invalid credentials");
    expect(miner.add(line("oracle")).clusterId).toBe("t-old0");
    expect(miner.size()).toBe(1);
  });
});

describe("saved state size", () => {
  it("keeps the most frequent templates when there are more than the cap, and their aliases", () => {
    const miner = new TemplateMiner({ maxSavedTemplates: 2 });
    const line = (user: string): string => `Login failed for user ${user} from 10.0.0.7: invalid credentials`;
    const a = miner.add(line("root")).clusterId;
    const b = miner.add(line("ftp")).clusterId;
    for (const u of ["webmaster", "root", "guest"]) miner.add(line(u));
    for (let i = 0; i < 3; i++) miner.add("disk quota exceeded on volume data");
    const rare = ["alpha beta gamma", "delta epsilon zeta", "eta theta iota"].map((t) => miner.add(t).clusterId);
    const state = miner.toState();
    expect(state.clusters.map((c) => c.id)).toEqual([a, miner.resolve(miner.add("disk quota exceeded on volume data").clusterId)]);
    expect(state.aliases).toContainEqual([b, a]);
    const { miner: loaded, warning } = TemplateMiner.fromState(JSON.parse(JSON.stringify(state)));
    expect(warning).toBeUndefined();
    expect(loaded.resolve(b)).toBe(a);
    // a dropped template that comes back gets its id again
    expect(loaded.add("alpha beta gamma").clusterId).toBe(rare[0]);
  });
});
