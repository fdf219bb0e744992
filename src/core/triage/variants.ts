/**
 * Variants: clusters of one run whose templates are the same but for one plain word, where
 * the rest says enough (the template miner's WORD_CONTEXT constant words). The miner keeps such
 * a pair apart while it has seen only two values, because that is also what two texts of one
 * call site look like (docs/template-miner.md, "Word-valued variables"); a third value usually
 * arrives within the hour and merges them. Triage holds a new variant's issue for one run
 * (docs/triage.md, "Variants"), so that a problem seen with two names in its first hour does
 * not open two issues. Pure.
 */
import { WILDCARD } from "../cluster/miner/masking";
import { WORD_CONTEXT } from "../cluster/miner/regroup";
import type { PrioritizedCluster } from "../types";

const LETTER = /\p{L}/u;

/** A constant word of a template: a letter, no variable. */
function isWord(token: string): boolean {
  return LETTER.test(token) && !token.includes(WILDCARD) && !/\{[^{}\s]*\}/.test(token);
}

/**
 * For each cluster that is a variant of another, that other (its head). Clusters are variants
 * when they share service, kind, source, exception type and HTTP route, their templates have the
 * same number of tokens and differ in exactly one, a word in both, and the other tokens hold at
 * least WORD_CONTEXT words. Within a set of variants the head is the first in `clusters` order
 * among those `tracked` (already matched to an issue), else the first; pass clusters most urgent
 * first. A head is never itself a variant.
 */
export function findVariants(
  clusters: readonly PrioritizedCluster[],
  tracked: (c: PrioritizedCluster) => boolean = () => false,
): Map<string, PrioritizedCluster> {
  const groups = new Map<string, PrioritizedCluster[]>();
  for (const c of clusters) {
    if (c.overflow) continue;
    const tokens = c.template.split(" ");
    let words = 0;
    for (const t of tokens) if (isWord(t)) words++;
    // One position can differ; the others need WORD_CONTEXT words.
    if (words < WORD_CONTEXT + 1) continue;
    const scope = JSON.stringify([c.service, c.kind, c.source ?? null, c.exceptionType ?? null, c.http ?? null, tokens.length]);
    for (let p = 0; p < tokens.length; p++) {
      if (!isWord(tokens[p]!)) continue;
      const key = `${scope}\u0000${p}\u0000${tokens.slice(0, p).join(" ")}\u0000${tokens.slice(p + 1).join(" ")}`;
      const group = groups.get(key);
      if (group) group.push(c);
      else groups.set(key, [c]);
    }
  }
  const heads = new Set<string>();
  const variants = new Map<string, PrioritizedCluster>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const members = group.filter((c) => !variants.has(c.fingerprint));
    const head = members.find(tracked) ?? members.find((c) => heads.has(c.fingerprint)) ?? members[0];
    if (!head) continue;
    heads.add(head.fingerprint);
    for (const c of members) if (c !== head && !heads.has(c.fingerprint)) variants.set(c.fingerprint, head);
  }
  return variants;
}
