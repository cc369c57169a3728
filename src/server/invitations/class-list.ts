// A class list as an admin exports it from a spreadsheet or a school's software: a CSV file with a
// header line naming an e-mail column and, optionally, a name (or first and last names) and a
// group; French or English headers; `;` (French spreadsheets) or `,` between fields; UTF-8 with or
// without BOM. Read whole and checked line by line here; what needs the database (accounts, groups)
// is checked by the caller. csv-parse is loaded on the first import.
import { z } from 'zod';
import type { ClassListError } from '../../shared/invitations.ts';
import { isSingleLine } from '../../shared/text.ts';
import { onFirstUse } from '../on-first-use.ts';

/** More rows than any class or department; a bigger file is refused as a whole. */
export const CLASS_LIST_MAX_ROWS = 2000;

export interface ClassListRow {
  /** The line of the file (1: the header). */
  line: number;
  email: string;
  name: string | null;
  group: string | null;
}

const loadCsv = onFirstUse(() => import('csv-parse/sync'));

const normalise = (header: string) =>
  header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim();

const HEADERS = {
  email: [
    'email',
    'e mail',
    'mail',
    'courriel',
    'adresse',
    'adresse mail',
    'adresse e mail',
    'adresse electronique',
    'email address',
  ],
  name: [
    'name',
    'full name',
    'nom complet',
    'nom et prenom',
    'prenom nom',
    'nom prenom',
    'eleve',
    'student',
    'display name',
  ],
  firstName: ['prenom', 'first name', 'firstname', 'given name'],
  lastName: ['nom de famille', 'last name', 'lastname', 'surname', 'family name', 'nom'],
  group: ['group', 'groupe', 'class', 'classe', 'division'],
} as const;

type Column = keyof typeof HEADERS;

const emailCheck = z.email();

/** The delimiter of the header line: `;` when it has more of them than commas. */
function delimiterOf(text: string) {
  const header = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  return (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ';' : ',';
}

export async function parseClassList(text: string): Promise<{ rows: ClassListRow[]; errors: ClassListError[] }> {
  const { parse } = await loadCsv();
  const withoutBom = text.replace(/^\uFEFF/, '');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(withoutBom, {
      delimiter: delimiterOf(withoutBom),
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    return { rows: [], errors: [{ line: typeof line === 'number' ? line : 1, field: 'file', reason: 'unreadable' }] };
  }
  const [header, ...body] = records;
  if (!header) return { rows: [], errors: [{ line: 1, field: 'email', reason: 'missing_column' }] };
  const columns = new Map<Column, number>();
  header.record.forEach((title, index) => {
    const key = normalise(title);
    for (const column of Object.keys(HEADERS) as Column[]) {
      if (!columns.has(column) && (HEADERS[column] as readonly string[]).includes(key)) {
        columns.set(column, index);
        return;
      }
    }
  });
  if (!columns.has('email')) return { rows: [], errors: [{ line: 1, field: 'email', reason: 'missing_column' }] };
  if (body.length > CLASS_LIST_MAX_ROWS) {
    return { rows: [], errors: [{ line: CLASS_LIST_MAX_ROWS + 2, field: 'file', reason: 'too_many_rows' }] };
  }
  const cell = (record: string[], column: Column) => {
    const index = columns.get(column);
    const value = index === undefined ? '' : (record[index] ?? '').trim();
    return value === '' ? null : value;
  };
  const rows: ClassListRow[] = [];
  const errors: ClassListError[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of body) {
    const line = info.lines;
    const email = (cell(record, 'email') ?? '').toLowerCase();
    const first = cell(record, 'firstName');
    const last = cell(record, 'lastName');
    const name = cell(record, 'name') ?? ([first, last].filter(Boolean).join(' ') || null);
    const group = cell(record, 'group');
    if (email.length > 320 || !emailCheck.safeParse(email).success) {
      errors.push({ line, field: 'email', reason: 'invalid_email' });
      continue;
    }
    if (seen.has(email)) {
      errors.push({ line, field: 'email', reason: 'duplicate_in_file' });
      continue;
    }
    seen.set(email, line);
    if (name !== null && (name.length > 200 || !isSingleLine(name))) {
      errors.push({ line, field: 'name', reason: 'invalid_name' });
      continue;
    }
    if (group !== null && (group.length > 200 || !isSingleLine(group))) {
      errors.push({ line, field: 'group', reason: 'unknown_group' });
      continue;
    }
    rows.push({ line, email, name, group });
  }
  return { rows, errors };
}
