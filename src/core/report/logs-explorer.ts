/**
 * Links to the Logs Explorer showing one cluster's entries in one window. Pure: builds text.
 */
import type { Cluster, TimeWindow } from "../types";

function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The longest run of constant words in a template, used as a search phrase. */
export function distinctivePhrase(template: string): string {
  let best = "";
  for (const run of template.split(/<\*>|\{[a-z]+\}/)) {
    const words = run.trim().split(/\s+/).filter((w) => /[A-Za-z]{2,}/.test(w));
    const phrase = words.join(" ").replace(/[^\w .:/-]/g, " ").trim();
    if (phrase.length > best.length) best = phrase;
  }
  return best.slice(0, 100);
}

export function clusterLogQuery(cluster: Cluster): string {
  const clauses = [`resource.type="cloud_run_revision"`, `resource.labels.service_name=${quote(cluster.service)}`];
  if (cluster.http) {
    clauses.push(`httpRequest.requestMethod=${quote(cluster.http.method)}`, `httpRequest.status=${cluster.http.status}`);
  } else {
    const phrase = distinctivePhrase(cluster.exceptionType ?? cluster.template);
    if (phrase) clauses.push(quote(phrase));
  }
  return clauses.join("\n");
}

/** Lone surrogates (logs carry them) as U+FFFD: encodeURIComponent throws on them. */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

export function logsExplorerUrl(project: string | undefined, cluster: Cluster, window: TimeWindow): string {
  const query = encodeURIComponent(wellFormed(clusterLogQuery(cluster))).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const range = `startTime=${new Date(window.start).toISOString()};endTime=${new Date(window.end).toISOString()}`;
  const projectPart = project ? `?project=${encodeURIComponent(project)}` : "";
  return `https://console.cloud.google.com/logs/query;query=${query};${range}${projectPart}`;
}
