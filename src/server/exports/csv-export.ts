// CSV exports in the reader's language: typed columns written with French or English headers, and
// French or English number and list conventions, so that a spreadsheet opens the file right
// (Excel in French splits on `;` and reads `1,5` as a number). Money is shown in the display
// currency (the admin's rate) beside the ledger's raw micro-dollars; instants in the display time
// zone. UTF-8 with a BOM (Excel reads a BOM-less file as the ANSI code page), CRLF line ends, and
// text a spreadsheet would run as a formula defused.
import type { FastifyRequest } from 'fastify';
import { localeFromAcceptLanguage } from '../mail/mail-locale.ts';
import { wallClockAt } from '../metering/periods.ts';

export const CSV_LANGUAGES = ['fr', 'en'] as const;
export type CsvLanguage = (typeof CSV_LANGUAGES)[number];

export type CsvKind = 'text' | 'integer' | 'decimal' | 'money' | 'microusd' | 'instant' | 'day' | 'boolean';

export interface CsvColumn<Row> {
  /** A stable id, documented in the OpenAPI description (headers change with the language). */
  id: string;
  /** The header in each language; a money column gets the currency appended: "Coût (EUR)". */
  header: Record<CsvLanguage, string>;
  /**
   * text: as is (formula-guarded); integer, decimal: numbers; money: micro-dollars shown in the
   * display currency; microusd: micro-dollars as an integer; instant: a Date or ISO string shown
   * as "YYYY-MM-DD HH:MM:SS" in the display time zone; day: YYYY-MM-DD as is; boolean: oui/non,
   * yes/no. null and undefined are an empty cell in every kind.
   */
  kind: CsvKind;
  value(row: Row): unknown;
}

export interface CsvOptions {
  language: CsvLanguage;
  /** Lowercase ISO 4217. */
  currency: string;
  /** Dollars per unit of the currency (1 for usd). */
  usdPerUnit: number;
  /** An IANA zone. */
  timeZone: string;
}

/** Identity, for the column's types to be inferred from the row type. */
export const csvColumn = <Row>(column: CsvColumn<Row>): CsvColumn<Row> => column;

const CONVENTIONS = {
  fr: { separator: ';', decimal: ',', yes: 'oui', no: 'non' },
  en: { separator: ',', decimal: '.', yes: 'yes', no: 'no' },
} satisfies Record<CsvLanguage, unknown>;

/** Decimals a money cell keeps: a micro-dollar is 1e-6, so nothing the ledger holds is lost in USD. */
const MONEY_DECIMALS = 6;

export const BOM = '\uFEFF';

/**
 * A spreadsheet runs a cell beginning with = + - @ (or a tab or carriage return before one) as a
 * formula: such text is prefixed with `'`, which shows it as text. A number ("-3") is left alone.
 */
export function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
}

const plainNumber = (value: number, decimal: string) => {
  // No exponent: Number#toString writes 1e21 and 1e-7 that way, which a spreadsheet may misread.
  const text = Math.abs(value) >= 1e21 || Math.abs(value) < 1e-6 ? value.toFixed(MONEY_DECIMALS) : String(value);
  return decimal === '.' ? text : text.replace('.', decimal);
};

/** `2026-12-03 14:02:00`: the wall clock of the operator's zone, which a spreadsheet reads as a date. */
function instantIn(timeZone: string, at: Date) {
  const clock = wallClockAt(timeZone, at);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${clock.year}-${two(clock.month)}-${two(clock.day)} ${two(clock.hour)}:${two(clock.minute)}:${two(clock.second)}`;
}

function cellText(kind: CsvKind, value: unknown, options: CsvOptions): string {
  if (value === undefined || value === null || value === '') return '';
  const { decimal, yes, no } = CONVENTIONS[options.language];
  switch (kind) {
    case 'integer':
    case 'microusd':
      return String(Math.round(Number(value)));
    case 'decimal':
      return plainNumber(Number(value), decimal);
    case 'money': {
      const amount = Number(value) / 1_000_000 / options.usdPerUnit;
      const text = amount.toFixed(MONEY_DECIMALS);
      return decimal === '.' ? text : text.replace('.', decimal);
    }
    case 'instant': {
      const at = value instanceof Date ? value : new Date(String(value));
      return Number.isNaN(at.getTime()) ? '' : instantIn(options.timeZone, at);
    }
    case 'boolean':
      return value ? yes : no;
    case 'day':
      return guardFormula(String(value));
    case 'text':
      return guardFormula(String(value));
  }
}

function quoted(text: string, separator: string) {
  return text.includes(separator) || /["\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The header a column has in a language (money columns name the currency). */
export function csvHeader(column: CsvColumn<never>, options: Pick<CsvOptions, 'language' | 'currency'>) {
  const header = column.header[options.language];
  return column.kind === 'money' ? `${header} (${options.currency.toUpperCase()})` : header;
}

/**
 * A file written in pieces: `header` is the BOM and the header line, `lines(rows)` the lines of
 * some rows (a streamed export writes the header once, then page after page).
 */
export function csvWriter<Row>(columns: readonly CsvColumn<Row>[], options: CsvOptions) {
  const { separator } = CONVENTIONS[options.language];
  const line = (cells: string[]) => `${cells.map((cell) => quoted(cell, separator)).join(separator)}\r\n`;
  return {
    header: BOM + line(columns.map((column) => guardFormula(csvHeader(column as CsvColumn<never>, options)))),
    lines(rows: Iterable<Row>) {
      let text = '';
      for (const row of rows) text += line(columns.map((column) => cellText(column.kind, column.value(row), options)));
      return text;
    },
  };
}

/** The whole file: BOM, header line, one line per row, each line ended by CRLF. */
export function writeCsv<Row>(columns: readonly CsvColumn<Row>[], rows: Iterable<Row>, options: CsvOptions): string {
  const writer = csvWriter(columns, options);
  return writer.header + writer.lines(rows);
}

/**
 * The reader's language: `?lang=fr|en` when the request names one (the web app passes its UI
 * language, which only the browser knows), else the Accept-Language header (as e-mails pick theirs),
 * French by default.
 */
export function csvLanguageOf(request: Pick<FastifyRequest, 'query' | 'headers'>): CsvLanguage {
  const lang = (request.query as Record<string, unknown> | undefined)?.lang;
  if (lang === 'fr' || lang === 'en') return lang;
  return localeFromAcceptLanguage(request.headers['accept-language']);
}

/** The attachment headers of an export (the filename is ASCII, chosen by the route). */
export function csvReplyHeaders(filename: string) {
  return {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
  };
}

/** For the OpenAPI descriptions: each column's id and its two headers. */
export function describeCsvColumns(columns: readonly CsvColumn<never>[]) {
  return columns
    .map((column) => `\`${column.id}\` (${column.kind}; "${column.header.fr}" / "${column.header.en}")`)
    .join(', ');
}
