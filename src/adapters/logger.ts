/**
 * The job's own logs: pino in Cloud Logging's structured format (severity, message, timestamp,
 * Error Reporting's stack_trace), written to stderr so stdout stays free for command output
 * (dry-run plans, `templates`, `worklogs`). Everything logged passes the redactor.
 */
import { createGcpLoggingPinoConfig } from "@google-cloud/pino-logging-gcp-config";
import pino, { type Logger } from "pino";

export type { Logger };

export interface LoggerOptions {
  readonly level: string;
  readonly executionId?: string;
  readonly taskIndex?: number;
  readonly taskAttempt?: number;
  readonly version?: string;
  /** Applied to every string in every log record. */
  readonly redact?: (text: string) => string;
  readonly destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const redact = options.redact;
  const config = createGcpLoggingPinoConfig(
    {
      serviceContext: { service: "log-gardener", version: options.version ?? "dev" },
      traceGoogleCloudProjectId: "",
      inihibitDiagnosticMessage: true,
    },
    {
      level: options.level,
      base: undefined,
      redact: { paths: ["*.privateKey", "*.private_key", "*.token", "*.password", "*.authorization", "privateKey", "token", "password"], censor: "[REDACTED]" },
      // Left out, not undefined, without a redactor: pino reads `hooks.logMethod` unguarded.
      ...(redact
        ? {
            formatters: { log: (obj: Record<string, unknown>) => redactStrings(obj, redact, 0) as Record<string, unknown> },
            hooks: {
              logMethod(args, method) {
                const mapped = args.map((a) => (typeof a === "string" ? redact(a) : a)) as Parameters<typeof method>;
                method.apply(this, mapped);
              },
            },
          }
        : {}),
    },
  );
  const logger = pino(config, options.destination ?? pino.destination({ fd: 2, sync: true }));
  const bindings: Record<string, unknown> = {};
  if (options.executionId) bindings.execution = options.executionId;
  if (options.taskIndex !== undefined) bindings.task = options.taskIndex;
  if (options.taskAttempt) bindings.attempt = options.taskAttempt;
  return Object.keys(bindings).length > 0 ? logger.child(bindings) : logger;
}

function redactStrings(value: unknown, redact: (s: string) => string, depth: number): unknown {
  if (typeof value === "string") return redact(value);
  if (value === null || typeof value !== "object") return value;
  // Deeper than anyone logs on purpose: dropped rather than written unredacted.
  if (depth > 8) return "[depth limit]";
  // Errors from the outside world can quote what was sent: serialized (message, stack, cause,
  // own fields) and then redacted like everything else.
  if (value instanceof Error) return redactStrings(pino.stdSerializers.err(value), redact, depth + 1);
  if (Array.isArray(value)) return value.map((v) => redactStrings(v, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactStrings(v, redact, depth + 1);
  return out;
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
