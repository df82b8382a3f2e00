export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const dollars = (value: number) =>
  value >= 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(6)}`;
export const ratio = (value: number) => value.toFixed(2);

/** Renders rows as a Markdown table; the first row is the header. */
export function markdownTable(rows: string[][]): string {
  const [header, ...body] = rows;
  if (!header) return "";
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...body.map(line)].join(
    "\n",
  );
}

/** Renders rows as aligned plain-text columns for the terminal. */
export function textTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) =>
    Math.max(...rows.map((row) => (row[i] ?? "").length)),
  );
  return rows
    .map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  "))
    .join("\n");
}
