/**
 * End to end against the loopback GCS peer: `log-gardener run --out gs://…` twice at once on
 * the bundled sample (as when Cloud Run retries a task while the first attempt still runs),
 * then `log-gardener worklogs` reading the bucket back.
 */
import { startGcsServer, type GcsServer } from "../peers/gcs-server";
import { runCli, type Captured } from "./cli";

// The sample's services. Its one record that is not a log entry (a string) has no service: it is
// counted in the run summary, and no `unknown` worklog is written for it.
const SERVICES = ["checkout-api", "netra-backend-staging", "notification-worker"];

let server: GcsServer;
beforeAll(async () => {
  server = await startGcsServer({ buckets: ["team-worklogs"] });
});
afterAll(async () => {
  await server.close();
});

function cli(argv: string[], env: Record<string, string>): Promise<Captured> {
  return runCli(argv, { LOG_GARDENER_GCS_ENDPOINT: server.url, ...env });
}

describe("two overlapping runs into one bucket", () => {
  it("publish each service's window once: the other run skips it with a clear line and exits 0", async () => {
    const out = "gs://team-worklogs/prod";
    const [a, b] = await Promise.all([
      cli(["run", "--out", out], { CLOUD_RUN_EXECUTION: "log-gardener-aaaaa" }),
      cli(["run", "--out", out], { CLOUD_RUN_EXECUTION: "log-gardener-bbbbb" }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);

    for (const service of SERVICES) {
      // The closing table's row: the service, its counts, and the worklog's browser URL.
      const row = new RegExp(
        `^${service} +\\d+ +\\d+ +.+ +https://storage\\.cloud\\.google\\.com/team-worklogs/prod/${service}/2025/09/15/0100Z\\.md$`,
        "m",
      );
      const published = [a, b].filter((r) => row.test(r.stderr));
      const skipped = [a, b].filter((r) =>
        new RegExp(
          `skipped ${service}: another run \\(log-gardener-(aaaaa|bbbbb)/task-0/attempt-0\\) holds the lock for ${service} 2025-09-15T0100Z until `,
        ).test(r.stderr),
      );
      expect({ service, published: published.length, skipped: skipped.length }).toEqual({ service, published: 1, skipped: 1 });
      const worklog = server.objects.get(`team-worklogs/prod/${service}/2025/09/15/0100Z.md`);
      expect(worklog?.contentType).toBe("text/markdown; charset=utf-8");
      expect(worklog?.metadata).toMatchObject({ service, executionId: expect.stringMatching(/^log-gardener-(aaaaa|bbbbb)$/) });
      expect(server.objects.get(`team-worklogs/prod/${service}/2025/09/15/0100Z.json`)?.contentType).toBe("application/json");
      const index = server.objects.get(`team-worklogs/prod/${service}/2025/09/15/index.md`)?.body.toString();
      expect(index).toContain("| 01:00Z |");
      // The index links the hour by the browser URL a person can click, not gs://.
      expect(index).toContain(`(<https://storage.cloud.google.com/team-worklogs/prod/${service}/2025/09/15/0100Z.md>)`);
    }
    // Locks are released; nothing was written twice over (one generation per worklog object).
    expect([...server.objects.keys()].filter((k) => k.includes("/_locks/"))).toEqual([]);
    const uploads = server.requests.filter(
      (r) => r.method === "POST" && /0100Z\.md&ifGenerationMatch=0$/.test(decodeURIComponent(r.url)) && r.status === 200,
    );
    expect(uploads).toHaveLength(SERVICES.length);
  });

  it("reads the bucket back with `log-gardener worklogs`", async () => {
    const list = await cli(["worklogs", "list", "--since", "500d", "--out", "gs://team-worklogs/prod"], {});
    expect(list.code).toBe(0);
    expect(
      list.stdout
        .trimEnd()
        .split("\n")
        .slice(1)
        .map((l) => l.split(/\s{2,}/)[1]),
    ).toEqual(SERVICES);
    const show = await cli(["worklogs", "show", "netra-backend-staging/2025-09-15T01"], { LOG_GARDENER_OUT: "gs://team-worklogs/prod" });
    expect(show.code).toBe(0);
    expect(show.stdout).toBe(server.objects.get("team-worklogs/prod/netra-backend-staging/2025/09/15/0100Z.md")?.body.toString());
  });
});
