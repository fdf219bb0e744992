/** One line saying why a stored document failed its zod schema: the first issue, where it is. */
import type { z } from "zod";

/**
 * `invalid <what> at <root>.<path>: <message>` (no "at …" when the document itself is wrong).
 * `root` names the field the document was read from, when it is part of a larger one.
 */
export function schemaProblem(error: z.ZodError, what: string, root?: string): string {
  const first = error.issues[0];
  const path = first?.path.map(String).join(".") ?? "";
  const where = path !== "" ? ` at ${root ? `${root}.` : ""}${path}` : "";
  return `invalid ${what}${where}: ${first?.message ?? "unreadable"}`;
}
