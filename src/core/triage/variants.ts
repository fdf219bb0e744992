/**
 * Variants: a cluster whose template is another's but for one or two plain words, where the
 * rest says enough (the template miner's WORD_CONTEXT constant words). The miner keeps such
 * clusters apart while a word position has shown only two values, because that is also what two
 * texts of one call site look like (docs/template-miner.md, "Word-valued variables"); more
 * values usually arrive within the hour and merge them. Triage holds a new variant's issue for
 * one run (docs/triage.md, "Variants"), so that a problem first seen with two names does not
 * open two issues. Pure.
 */
import { WILDCARD } from "../cluster/miner/masking";
import { isConstantWord, WORD_CONTEXT } from "../cluster/miner/regroup";
import type { Priority, PrioritizedCluster } from "../types";

/** Word positions in which a variant may differ from its head. */
export const MAX_VARIANT_WORDS = 2;

/** Something a variant can be held behind: a cluster of the run, or an open issue's marker. */
export interface VariantHead {
  readonly fingerprint: string;
  readonly service: string;
  readonly template: string;
  /** Absent for an issue whose priority label is gone. */
  readonly priority?: Priority;
  /** The issue it tracks, when the head is one. */
  readonly issueNumber?: number;
}

/** A constant word of a template, as the miner counts them, and no route placeholder (`{id}`). */
function isWord(token: string): boolean {
  return isConstantWord(token) && !/\{[^{}\s]*\}/.test(token);
}

/** A token that may differ between variants: a word, or one with a word beside a variable (`<*>:inventory.price_history.`). */
function hasWord(token: string): boolean {
  return isWord(token.split(WILDCARD).join(""));
}

interface Item {
  readonly head: VariantHead;
  readonly tokens: readonly string[];
  /** Service, kind, source, exception type and route of a cluster; undefined for an issue (unknown: matches any). */
  readonly scope?: string;
  /** A cluster of the run that no issue tracks yet: only those can be variants. */
  readonly candidate: boolean;
}

/** Whether b is a variant of a: same scope, one or two words apart, enough other words in common. */
function variantPair(a: Item, b: Item): boolean {
  if (a.scope !== undefined && b.scope !== undefined && a.scope !== b.scope) return false;
  let different = 0;
  let shared = 0;
  for (let p = 0; p < a.tokens.length; p++) {
    const x = a.tokens[p]!;
    const y = b.tokens[p]!;
    if (x === y) {
      if (isWord(x)) shared++;
      continue;
    }
    if (++different > MAX_VARIANT_WORDS || !hasWord(x) || !hasWord(y)) return false;
  }
  return different > 0 && shared >= WORD_CONTEXT;
}

/**
 * For each cluster that is a variant of something, that something (its head). Heads are
 * looked for first among `tracked` clusters (already matched to an issue), then among `known`
 * (open issues' markers that no cluster of the run tracks), then among the other clusters in
 * the order given (pass them most urgent first). A head is never itself a variant, and a
 * variant has one head. Templates are compared token by token within one service and length:
 * the work is quadratic in the clusters of one length, with an early exit at the third
 * difference.
 */
export function findVariants(
  clusters: readonly PrioritizedCluster[],
  tracked: (c: PrioritizedCluster) => boolean = () => false,
  known: readonly VariantHead[] = [],
): Map<string, VariantHead> {
  const ofCluster = (c: PrioritizedCluster, candidate: boolean): Item => ({
    head: { fingerprint: c.fingerprint, service: c.service, template: c.template, priority: c.priority },
    tokens: c.template.split(" "),
    scope: JSON.stringify([c.kind, c.source ?? null, c.exceptionType ?? null, c.http ?? null]),
    candidate,
  });
  const open = clusters.filter((c) => !c.overflow);
  const ordered: Item[] = [
    ...open.filter(tracked).map((c) => ofCluster(c, false)),
    ...known.map((head): Item => ({ head, tokens: head.template.split(" "), candidate: false })),
    ...open.filter((c) => !tracked(c)).map((c) => ofCluster(c, true)),
  ];
  const buckets = new Map<string, Item[]>();
  for (const item of ordered) {
    let words = 0;
    for (const t of item.tokens) if (isWord(t)) words++;
    if (words < WORD_CONTEXT + 1) continue;
    const key = `${item.head.service}\u0000${item.tokens.length}`;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(item);
    else buckets.set(key, [item]);
  }
  const variants = new Map<string, VariantHead>();
  for (const bucket of buckets.values()) {
    for (let i = 0; i < bucket.length; i++) {
      const head = bucket[i]!;
      if (variants.has(head.head.fingerprint)) continue;
      for (let j = i + 1; j < bucket.length; j++) {
        const other = bucket[j]!;
        if (!other.candidate || variants.has(other.head.fingerprint)) continue;
        if (variantPair(head, other)) variants.set(other.head.fingerprint, head.head);
      }
    }
  }
  return variants;
}
