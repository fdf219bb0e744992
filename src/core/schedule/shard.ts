/**
 * Sharding services across the parallel tasks of one Cloud Run Job execution
 * (CLOUD_RUN_TASK_INDEX of CLOUD_RUN_TASK_COUNT). Every task computes the same split from the
 * same service list, so each service is read by exactly one task, whatever order it was
 * configured in: the names are de-duplicated, sorted, then dealt round-robin.
 */
import { InvariantError } from "../../errors";

export function shareOfServices(services: readonly string[], taskIndex: number, taskCount: number): string[] {
  if (!Number.isInteger(taskCount) || taskCount < 1) throw new InvariantError(`task count must be a whole number >= 1 (got ${taskCount})`);
  if (!Number.isInteger(taskIndex) || taskIndex < 0 || taskIndex >= taskCount) {
    throw new InvariantError(`task index must be in [0, ${taskCount}) (got ${taskIndex})`);
  }
  const sorted = [...new Set(services)].sort();
  return sorted.filter((_, i) => i % taskCount === taskIndex);
}
