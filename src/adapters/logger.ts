/**
 * The job's own logs: pino in Cloud Logging's structured format (severity, message, timestamp,
 * Error Reporting's stack_trace), written to stderr so stdout stays free for command output
 * (dry-run plans, `templates`, `worklogs`). Everything logged passes the redactor.
 *
 * On a terminal the same records are written as short, coloured lines instead
 * (./pretty-log.ts); Cloud Run and pipes keep the JSON. LOG_GARDENER_LOG_FORMAT chooses.
 */
import { createGcpLoggingPinoConfig } from "@google-cloud/pino-logging-gcp-config";
import pino, { type Logger } from "pino";
import { prettyLogDestination } from "./pretty-log";

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
  /** "pretty": short lines for a person, written to `destination`; "json" (the default): the structured records. */
  readonly format?: LogFormat;
  /** Colours in pretty lines. */
  readonly color?: boolean;
  /** The destination is a terminal (pretty lines erase a progress line first). */
  readonly tty?: boolean;
}

export type LogFormat = "json" | "pretty";

/**
 * What LOG_GARDENER_LOG_FORMAT means for this process: "auto" is pretty on a terminal and JSON
 * everywhere else (Cloud Run, pipes, files). Colours only on a terminal, and never with NO_COLOR.
 */
export function resolveLogFormat(
  setting: "json" | "pretty" | "auto",
  stderr: { isTTY?: boolean },
  noColor: boolean,
): { format: LogFormat; color: boolean; tty: boolean } {
  const tty = stderr.isTTY === true;
  const format: LogFormat = setting === "auto" ? (tty ? "pretty" : "json") : setting;
  return { format, color: format === "pretty" && tty && !noColor, tty };
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
      redact: {
        paths: ["*.privateKey", "*.private_key", "*.token", "*.password", "*.authorization", "privateKey", "token", "password"],
        censor: "[REDACTED]",
      },
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
  const out = options.destination ?? pino.destination({ fd: 2, sync: true });
  const destination =
    options.format === "pretty"
      ? prettyLogDestination({ write: (line) => void out.write(line), color: options.color === true, tty: options.tty === true })
      : out;
  const logger = pino(config, destination);
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
