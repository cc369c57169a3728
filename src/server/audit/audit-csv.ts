// The audit journal as CSV in the reader's language (exports/csv-export.ts: French `;` or English
// `,`, instants in the display zone, BOM, formula guard), written page by page.
import type { AuditEventView } from '../../shared/audit.ts';
import { type CsvColumn, type CsvOptions, csvColumn, writeCsv } from '../exports/csv-export.ts';

type Column = CsvColumn<AuditEventView>;

const text = (id: string, fr: string, en: string, value: (row: AuditEventView) => unknown): Column =>
  csvColumn<AuditEventView>({ id, header: { fr, en }, kind: 'text', value });

/** The columns, in order. `details` is the row's facts as JSON (scalars only). */
export const auditCsvColumns: Column[] = [
  csvColumn<AuditEventView>({ id: 'at', header: { fr: 'Date', en: 'Time' }, kind: 'instant', value: (row) => row.at }),
  text('id', 'Événement (id)', 'Event (id)', (row) => row.id),
  text('action', 'Action', 'Action', (row) => row.action),
  text('outcome', 'Résultat', 'Outcome', (row) => row.outcome),
  text('actorId', 'Auteur (id)', 'Actor (id)', (row) => row.actor.userId),
  text('actorEmail', 'Auteur (adresse e-mail)', 'Actor (email)', (row) => row.actor.email),
  text('ip', 'Adresse IP', 'IP address', (row) => row.actor.ip),
  text('userAgent', 'Navigateur', 'User agent', (row) => row.actor.userAgent),
  text('targetKind', 'Cible (type)', 'Target (kind)', (row) => row.target?.kind),
  text('targetId', 'Cible (id)', 'Target (id)', (row) => row.target?.id),
  text('subjectUserId', 'Compte concerné (id)', 'Subject account (id)', (row) => row.subjectUserId),
  text('details', 'Détails', 'Details', (row) =>
    Object.keys(row.details).length > 0 ? JSON.stringify(row.details) : '',
  ),
];

/** The file in pieces: `header()` is the BOM and the header line, `lines(rows)` one page's lines. */
export function auditCsvWriter(options: CsvOptions) {
  const header = writeCsv(auditCsvColumns, [], options);
  return {
    header: () => header,
    lines: (rows: AuditEventView[]) => writeCsv(auditCsvColumns, rows, options).slice(header.length),
  };
}
