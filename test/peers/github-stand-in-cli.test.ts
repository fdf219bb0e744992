// The stand-in's command line: one JSON line on stdout with what the job's flags need, requests
// logged to stderr, and a clean stop on SIGINT or SIGTERM.
import fs from "node:fs";
import { EventEmitter } from "node:events";
import { describe, expect, it } from "@jest/globals";
import { parsePort, runGitHubStandInCli } from "./github-stand-in-cli";

describe("parsePort", () => {
  it.each([
    [[], 0],
    [["--port", "8787"], 8787],
    [["--port=0"], 0],
    [["--verbose", "--port", "65535"], 65535],
  ])("%j → %d", (argv, port) => {
    expect(parsePort(argv)).toBe(port);
  });

  it.each([[["--port"]], [["--port", "abc"]], [["--port=70000"]], [["--port", "-1"]], [["--port="]]])("refuses %j", (argv) => {
    expect(() => parsePort(argv)).toThrow(/--port wants a port number/);
  });
});

describe("github-stand-in command", () => {
  it("prints one JSON line, logs requests to stderr, and stops on SIGTERM", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const signals = new EventEmitter();
    const { stopped } = await runGitHubStandInCli(["--port", "0"], {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      signals,
    });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\{.*\}\n$/);
    const line = JSON.parse(out[0] ?? "") as Record<string, unknown>;
    expect(Object.keys(line)).toEqual(["url", "appId", "privateKeyFile", "installationId", "owner", "repo"]);
    expect(fs.readFileSync(String(line.privateKeyFile), "utf8")).toMatch(/BEGIN RSA PRIVATE KEY/);

    const response = await fetch(`${String(line.url)}/repos/${String(line.owner)}/${String(line.repo)}/issues`);
    expect(response.status).toBe(401);
    expect(err.join("")).toMatch(/^401 GET \/repos\/.*\/issues \(none\)\n$/m);

    signals.emit("SIGTERM");
    await stopped;
    expect(fs.existsSync(String(line.privateKeyFile))).toBe(false);
    await expect(fetch(String(line.url))).rejects.toThrow();
  });
});
