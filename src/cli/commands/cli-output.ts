/** Prints rows as an aligned table with an upper-case header; `-` for empty cells. */
export function printTable(columns: string[], rows: (string | number | boolean | null | undefined)[][]): void {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined || c === '' ? '-' : String(c))));
  const header = columns.map((c) => c.toUpperCase());
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  process.stdout.write(`${[header, ...cells].map(line).join('\n')}\n`);
}

/** `Label:  value` lines, labels aligned. */
export function printFields(fields: [string, string | number | boolean | null | undefined][]): void {
  const width = Math.max(...fields.map(([k]) => k.length)) + 1;
  for (const [k, v] of fields) process.stdout.write(`${`${k}:`.padEnd(width)}  ${v === null || v === undefined || v === '' ? '-' : v}\n`);
}

export function shortDate(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').slice(0, 16) : '-';
}
