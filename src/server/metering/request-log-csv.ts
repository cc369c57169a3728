// The request log as CSV, one line per request, written page by page (never the whole export in
// memory). A stand-in in the style of usage-stats.ts's toCsv until the shared CSV writer
// (exports/csv-export.ts) lands: a header line, CRLF line ends, quoted where needed, and text a
// spreadsheet would read as a formula prefixed with `'`.
import type { RequestLogRow } from '../../shared/request-log.ts';

/** The columns, in order; name and email only in the admin and group views. */
export const REQUEST_CSV_COLUMNS = [
  'at',
  'id',
  'userId',
  'name',
  'email',
  'provider',
  'model',
  'source',
  'inputTokens',
  'outputTokens',
  'costMicrousd',
  'latencyMs',
  'status',
  'error',
  'estimated',
  'unpriced',
] as const;

const csvCell = (value: unknown) => {
  const text = value === undefined || value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

export function requestCsvWriter(withUsers: boolean) {
  const columns = withUsers
    ? REQUEST_CSV_COLUMNS
    : REQUEST_CSV_COLUMNS.filter((column) => column !== 'name' && column !== 'email' && column !== 'userId');
  return {
    header: () => `${columns.join(',')}\r\n`,
    lines: (rows: RequestLogRow[]) =>
      rows
        .map((row) => {
          const flat: Record<string, unknown> = {
            ...row,
            userId: row.user?.id,
            name: row.user?.name,
            email: row.user?.email,
          };
          return `${columns.map((column) => csvCell(flat[column])).join(',')}\r\n`;
        })
        .join(''),
  };
}
