/**
 * Structured logging: one JSON object per line, which Workers observability
 * indexes by field. Never pass a token or secret in `fields`.
 */
export type LogFields = Record<string, unknown>;

function write(
  level: "info" | "warn" | "error",
  event: string,
  fields: LogFields,
) {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const log = {
  info: (event: string, fields: LogFields = {}) => write("info", event, fields),
  warn: (event: string, fields: LogFields = {}) => write("warn", event, fields),
  error: (event: string, fields: LogFields = {}) =>
    write("error", event, fields),
};

/** Reduces an unknown thrown value to a message safe to log or send. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
