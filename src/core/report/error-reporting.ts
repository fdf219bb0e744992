/**
 * Links to Error Reporting groups. Cloud Logging adds `errorGroups[].id` to the entries Error
 * Reporting grouped; the group's page is
 * https://console.cloud.google.com/errors/detail/ID?project=PROJECT. Pure: builds text.
 */
import type { ErrorGroupRef } from "../types";

export function errorReportingUrl(group: ErrorGroupRef): string {
  const project = group.project ? `?project=${encodeURIComponent(group.project)}` : "";
  return `https://console.cloud.google.com/errors/detail/${encodeURIComponent(group.id)}${project}`;
}
