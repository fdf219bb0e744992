/**
 * The miner's saved state: what it learned in earlier runs, so that the same problem keeps its
 * cluster id (and so its issue fingerprint) from one hourly run to the next.
 *
 * This is a contract with every state file already written. Changing the schema or the meaning
 * of a field breaks fingerprint continuity: bump MINER_STATE_VERSION, and old files are then
 * dropped with a warning and templates are learned again under new ids.
 * The masking rules are part of it too: a signature saved by one rule set is compared with
 * messages masked by the next, so a masking change also calls for a version bump.
 */
import { z } from "zod";
import { schemaProblem } from "../../schema-problem";

export const MINER_STATE_VERSION = 1;

const signatureSchema = z.object({
  /** Masked tokens of one distinct message shape. */
  tokens: z.array(z.string()).max(400),
  count: z.number().int().nonnegative(),
});

const clusterSchema = z.object({
  id: z.string().min(1).max(64),
  /** Tokens of the template; "<*>" is a variable. */
  template: z.array(z.string()).max(400),
  /** Tokens as shown, keeping brackets around merged variables: "(<*>)". */
  display: z.array(z.string()).max(400).optional(),
  count: z.number().int().nonnegative(),
  /** Order of creation; the oldest cluster keeps its id when clusters merge. */
  seq: z.number().int().nonnegative(),
  signatures: z.array(signatureSchema),
});

export const minerStateSchema = z.object({
  version: z.literal(MINER_STATE_VERSION),
  kind: z.literal("log-gardener/template-miner"),
  nextSeq: z.number().int().nonnegative(),
  clusters: z.array(clusterSchema),
  /** Ids of clusters merged into another one: [old id, id it now belongs to]. */
  aliases: z.array(z.tuple([z.string(), z.string()])),
});

export type MinerState = z.infer<typeof minerStateSchema>;
export type ClusterState = z.infer<typeof clusterSchema>;

/** Parses a state; on failure says why in one line. */
export function parseMinerState(json: unknown): { state: MinerState } | { problem: string } {
  if (typeof json === "object" && json !== null && "version" in json && json.version !== MINER_STATE_VERSION) {
    return { problem: `unknown state version ${JSON.stringify(json.version)} (expected ${MINER_STATE_VERSION})` };
  }
  const parsed = minerStateSchema.safeParse(json);
  if (!parsed.success) {
    return { problem: schemaProblem(parsed.error, "state") };
  }
  return { state: parsed.data };
}
