// Generates samples/export.json: a realistic Cloud Logging export (the JSON array that
// `gcloud logging read --format=json` prints) of three Cloud Run services over one hour,
// 2025-09-15T01:00Z to 02:00Z. Deterministic: run `node samples/generate-sample.cjs` to rebuild.
// It holds the seed worklog's five clusters and more: request errors, stack traces in three
// languages, secrets that must be redacted, duplicates, and malformed entries.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

let seed = 20250915;
function rand() {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const hex = (n) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(rand() * 16)]).join("");
const START = Date.parse("2025-09-15T01:00:00Z");
const HOUR = 3600_000;
const iso = (ms) => new Date(ms).toISOString().replace("Z", "") + hex(3).replace(/[a-f]/g, "0") + "Z";
const PROJECT = "netra-staging";

let n = 0;
function base(service, revision, severity, ts) {
  n++;
  return {
    insertId: `${hex(6)}${String(n).padStart(6, "0")}`,
    logName: `projects/${PROJECT}/logs/run.googleapis.com%2Fstdout`,
    receiveTimestamp: new Date(ts + 800).toISOString(),
    resource: {
      type: "cloud_run_revision",
      labels: { configuration_name: service, location: "us-central1", project_id: PROJECT, revision_name: revision, service_name: service },
    },
    labels: { instanceId: `0069c7a988${pick(["a1f3", "b7e2", "c9d4"])}${hex(8)}` },
    severity,
    timestamp: iso(ts),
    trace: `projects/${PROJECT}/traces/${hex(32)}`,
    spanId: hex(16),
  };
}
const at = (minute) => START + Math.floor(minute * 60_000) + Math.floor(rand() * 900);
const entries = [];

// --- netra-backend-staging: the seed worklog's clusters --------------------------------------
const BACKEND = "netra-backend-staging";
const BREV = ["netra-backend-staging-00412-kx2", "netra-backend-staging-00413-p9z"];
for (let i = 0; i < 46; i++) {
  const e = base(BACKEND, pick(BREV), "WARNING", at(i * 1.3));
  e.jsonPayload = {
    context: { name: "netra_backend.app.websocket_core.ssot_validation_enhancer", service: "netra-service" },
    labels: { function: "validate_manager_creation", line: "137", module: "netra_backend.app.websocket_core.ssot_validation_enhancer" },
    message: `SSOT validation issues (non-blocking): ['Multiple manager instances for user ${pick(["demo-user-001", "demo-user-002", "user-7f3a9c", "user-1b22e0"])} - potential duplication']`,
  };
  entries.push(e);
}
for (let i = 0; i < 31; i++) {
  const e = base(BACKEND, pick(BREV), "WARNING", at(i * 1.9 + 0.4));
  e.jsonPayload = {
    labels: { function: "callHandlers", line: "1706", module: "logging" },
    message: "Session access failed (middleware not installed?): SessionMiddleware must be installed to access request.session",
  };
  entries.push(e);
}
{
  const e = base(BACKEND, BREV[1], "WARNING", at(50.2));
  e.jsonPayload = {
    context: { name: "netra_backend.app.db.index_optimizer_core", service: "netra-service" },
    labels: { function: "log_engine_unavailable", line: "60", module: "netra_backend.app.db.index_optimizer_core" },
    message: "Async engine not available, skipping index creation",
  };
  entries.push(e);
}
{
  const e = base(BACKEND, BREV[1], "WARNING", at(58.7));
  e.logName = `projects/${PROJECT}/logs/run.googleapis.com%2Frequests`;
  e.httpRequest = {
    requestMethod: "POST",
    requestUrl: "https://api.staging.netrasystems.ai/ws/beacon",
    status: 405,
    responseSize: "336",
    userAgent: "Mozilla/5.0",
    remoteIp: "34.120.7.19",
    serverIp: "216.239.32.53",
    latency: "0.004217s",
    protocol: "HTTP/1.1",
  };
  entries.push(e);
}
for (let i = 0; i < 24; i++) {
  const ts = at(i * 2.4 + 1);
  const e = base(BACKEND, pick(BREV), "CRITICAL", ts);
  e.jsonPayload = {
    context: { name: "netra_backend.app.routes.websocket_ssot", service: "netra-service" },
    labels: { function: "_handle_main_mode", line: "748", module: "netra_backend.app.routes.websocket_ssot" },
    message: `[🔑] GOLDEN PATH AUTH=REDACTED permissive authentication with circuit breaker for connection main_${hex(8)} - user_id: pending, connection_state: connected, timestamp: ${new Date(ts).toISOString()}`,
  };
  entries.push(e);
}
// A secret printed by the application: a bearer token and a database URL with a password.
for (let i = 0; i < 6; i++) {
  const e = base(BACKEND, BREV[0], "ERROR", at(i * 9 + 3));
  e.jsonPayload = {
    labels: { function: "connect", line: "88", module: "netra_backend.app.db.postgres_core" },
    message: `Database connection failed after 3 attempts: could not connect to postgresql://netra_app:S3cr3t-P4ssw0rd-${i}@10.12.0.${4 + i}:5432/netra (timeout after 5000ms)`,
  };
  entries.push(e);
}
for (let i = 0; i < 4; i++) {
  const e = base(BACKEND, BREV[1], "ERROR", at(i * 13 + 5));
  e.jsonPayload = {
    labels: { function: "call_llm", line: "214", module: "netra_backend.app.llm.client" },
    message: `LLM provider returned 401 for request ${hex(12)}: headers={'Authorization': 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJuZXRyYS1iYWNrZW5kIiwiaWF0IjoxNzU3ODk4MDAwfQ.${hex(43)}'}`,
  };
  entries.push(e);
}
// Below the severity floor, and outside the window: counted, not clustered.
for (let i = 0; i < 12; i++) {
  const e = base(BACKEND, pick(BREV), "INFO", at(i * 5));
  e.jsonPayload = {
    message: `WebSocket connected for user demo-user-00${i % 4}`,
    labels: { module: "netra_backend.app.routes.websocket_ssot", function: "accept" },
  };
  entries.push(e);
}
for (let i = 0; i < 3; i++) {
  const e = base(BACKEND, BREV[0], "WARNING", START - HOUR / 2 + i * 60_000);
  e.jsonPayload = {
    message: "Session access failed (middleware not installed?): SessionMiddleware must be installed to access request.session",
    labels: { module: "logging", function: "callHandlers", line: "1706" },
  };
  entries.push(e);
}

// --- checkout-api: request errors and stack traces --------------------------------------------
const CHECKOUT = "checkout-api";
const CREV = ["checkout-api-00087-vat"];
for (let i = 0; i < 38; i++) {
  const e = base(CHECKOUT, CREV[0], "ERROR", at(i * 1.5));
  e.logName = `projects/${PROJECT}/logs/run.googleapis.com%2Frequests`;
  const id = 1000 + Math.floor(rand() * 9000);
  e.httpRequest = {
    requestMethod: "GET",
    requestUrl: `https://checkout.example.com/api/v1/orders/${id}/items?page=${1 + (i % 3)}`,
    status: 500,
    responseSize: "112",
    latency: `${(0.2 + rand() * 2).toFixed(6)}s`,
    remoteIp: `35.191.${i}.${(i * 7) % 255}`,
    userAgent: "okhttp/4.12.0",
    protocol: "HTTP/1.1",
  };
  entries.push(e);
}
for (let i = 0; i < 17; i++) {
  const e = base(CHECKOUT, CREV[0], "WARNING", at(i * 3.3));
  e.logName = `projects/${PROJECT}/logs/run.googleapis.com%2Frequests`;
  e.httpRequest = {
    requestMethod: "POST",
    requestUrl: `https://checkout.example.com/api/v1/carts/${crypto_uuid()}/checkout`,
    status: 409,
    responseSize: "64",
    latency: `${(0.05 + rand() / 10).toFixed(6)}s`,
    protocol: "HTTP/1.1",
  };
  entries.push(e);
}
for (let i = 0; i < 9; i++) {
  const e = base(CHECKOUT, CREV[0], "ERROR", at(i * 6 + 2));
  e.logName = `projects/${PROJECT}/logs/run.googleapis.com%2Fstderr`;
  const order = 50000 + i;
  e.textPayload = [
    "Traceback (most recent call last):",
    '  File "/app/checkout/handlers.py", line 142, in finalize_order',
    "    receipt = payments.capture(order)",
    '  File "/app/checkout/payments.py", line 77, in capture',
    "    resp = self._client.post(url, json=payload, timeout=10)",
    '  File "/usr/local/lib/python3.12/site-packages/requests/sessions.py", line 637, in post',
    '    return self.request("POST", url, data=data, json=json, **kwargs)',
    `requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.payments.example', port=443): Read timed out. (read timeout=10) order=${order}`,
  ].join("\n");
  entries.push(e);
}
for (let i = 0; i < 5; i++) {
  const e = base(CHECKOUT, CREV[0], "ERROR", at(i * 11 + 7));
  e.jsonPayload = {
    message: `Stripe charge failed for customer cus_${hex(14)}: api_key=sk_live_${hex(24)} rejected (card_declined)`,
    labels: { module: "checkout.payments", function: "charge" },
    email: `customer${i}@example.org`,
  };
  entries.push(e);
}
// A duplicate delivery of the first checkout entry (same insertId, logName, timestamp).
entries.push(JSON.parse(JSON.stringify(entries.find((e) => e.resource.labels.service_name === CHECKOUT))));

// --- notification-worker: Node and Go stack traces, throttling, a leaked token ----------------
const NOTIFY = "notification-worker";
const NREV = ["notification-worker-00021-qel", "notification-worker-00022-mow"];
for (let i = 0; i < 14; i++) {
  const e = base(NOTIFY, pick(NREV), "ERROR", at(i * 4 + 1));
  e.jsonPayload = {
    message: `Failed to send push notification to device ${hex(16)}`,
    err: {
      message: `connect ETIMEDOUT 142.250.${i}.10:443`,
      stack: `Error: connect ETIMEDOUT 142.250.${i}.10:443\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)\n    at PushClient.send (/workspace/src/push/client.js:58:11)\n    at async Dispatcher.flush (/workspace/src/dispatcher.js:121:7)`,
    },
    logger: "dispatcher",
  };
  entries.push(e);
}
for (let i = 0; i < 3; i++) {
  const e = base(NOTIFY, NREV[1], "CRITICAL", at(i * 17 + 20));
  e.logName = `projects/${PROJECT}/logs/run.googleapis.com%2Fstderr`;
  e.textPayload = `panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x4a5f3c]\n\ngoroutine ${40 + i} [running]:\nmain.(*Batcher).Flush(0x0)\n\t/src/batcher.go:88 +0x3c\nmain.(*Worker).loop(0xc0001a2000)\n\t/src/worker.go:142 +0x1a5\ncreated by main.Start in goroutine 1\n\t/src/worker.go:60 +0x85`;
  entries.push(e);
}
for (let i = 0; i < 22; i++) {
  const e = base(NOTIFY, pick(NREV), "WARNING", at(i * 2.6));
  e.jsonPayload = {
    msg: `Rate limited by provider fcm, retrying in ${200 * (1 + (i % 4))}ms (attempt ${1 + (i % 3)}/5)`,
    logger: "push.ratelimit",
  };
  entries.push(e);
}
for (let i = 0; i < 3; i++) {
  const e = base(NOTIFY, NREV[0], "ERROR", at(i * 19 + 4));
  e.jsonPayload = {
    message: `Slack alert delivery failed: POST https://hooks.slack.com/services/T0${hex(8).toUpperCase()}/B0${hex(8).toUpperCase()}/${hex(24)} returned 404 no_service (token xoxb-${1000 + i}-${hex(12)}-${hex(24)})`,
    logger: "alerts.slack",
  };
  entries.push(e);
}
// An audit log entry (protoPayload) about the service.
{
  const e = base(NOTIFY, NREV[1], "ERROR", at(33));
  e.logName = `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Factivity`;
  e.protoPayload = {
    "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
    status: { code: 7, message: "Permission 'run.services.update' denied on resource" },
    authenticationInfo: { principalEmail: "deployer@netra-staging.iam.gserviceaccount.com" },
    serviceName: "run.googleapis.com",
    methodName: "google.cloud.run.v1.Services.ReplaceService",
    resourceName: `namespaces/${PROJECT}/services/${NOTIFY}`,
  };
  entries.push(e);
}

// --- malformed entries: counted and sampled, never a crash ------------------------------------
{
  const e = base(CHECKOUT, CREV[0], "ERROR", at(12));
  delete e.timestamp;
  e.jsonPayload = { message: "entry without a timestamp" };
  entries.push(e);
}
{
  const e = base(CHECKOUT, CREV[0], "ERROR", at(13));
  e.timestamp = "yesterday at noon";
  e.jsonPayload = { message: "entry with an unparseable timestamp" };
  entries.push(e);
}
{
  const e = base(NOTIFY, NREV[0], "ERROR", at(14));
  e.jsonPayload = null;
  entries.push(e);
}
{
  const e = base(BACKEND, BREV[0], "ERROR", at(15));
  e.jsonPayload = { message: "Response body dump: " + "A".repeat(300 * 1024) };
  entries.push(e);
}
entries.push("not a log entry");

function crypto_uuid() {
  const h = hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

// gcloud prints newest first.
const sortKey = (e) => (typeof e === "object" && e && typeof e.timestamp === "string" ? e.timestamp : "");
entries.sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : sortKey(a) > sortKey(b) ? -1 : 0));
fs.writeFileSync(path.join(__dirname, "export.json"), JSON.stringify(entries, null, 2) + "\n");
console.log(`wrote ${entries.length} entries to samples/export.json`);
