import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvColumn, csvLanguageOf, guardFormula, writeCsv } from './csv-export.ts';

type Row = { name: string; at: string; cost: number; ratio: number; ok: boolean; day: string };

const columns = [
  csvColumn<Row>({ id: 'name', header: { fr: 'Nom', en: 'Name' }, kind: 'text', value: (row) => row.name }),
  csvColumn<Row>({ id: 'at', header: { fr: 'Heure', en: 'Time' }, kind: 'instant', value: (row) => row.at }),
  csvColumn<Row>({ id: 'day', header: { fr: 'Jour', en: 'Day' }, kind: 'day', value: (row) => row.day }),
  csvColumn<Row>({ id: 'cost', header: { fr: 'Coût', en: 'Cost' }, kind: 'money', value: (row) => row.cost }),
  csvColumn<Row>({ id: 'costMicrousd', header: { fr: 'µ$', en: 'µ$' }, kind: 'microusd', value: (row) => row.cost }),
  csvColumn<Row>({ id: 'ratio', header: { fr: 'Part', en: 'Share' }, kind: 'decimal', value: (row) => row.ratio }),
  csvColumn<Row>({ id: 'ok', header: { fr: 'Réussie', en: 'Succeeded' }, kind: 'boolean', value: (row) => row.ok }),
];

const rows: Row[] = [
  { name: 'Dupont; "Jean"', at: '2026-07-01T22:30:00.000Z', day: '2026-07-02', cost: 2_160_000, ratio: 0.25, ok: true },
  { name: '@SUM(A1)', at: '2026-01-15T08:00:05.000Z', day: '2026-01-15', cost: 1, ratio: 3, ok: false },
];

describe('writeCsv', () => {
  it('writes French: `;`, decimal commas, euros at the rate, Paris time, a BOM and CRLF', () => {
    const text = writeCsv(columns, rows, {
      language: 'fr',
      currency: 'eur',
      usdPerUnit: 1.08,
      timeZone: 'Europe/Paris',
    });
    expect(text.startsWith('\uFEFFNom;Heure;Jour;Coût (EUR);µ$;Part;Réussie\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    const parsed: string[][] = parse(text, { delimiter: ';', bom: true });
    expect(parsed[1]).toEqual([
      'Dupont; "Jean"',
      '2026-07-02 00:30:00',
      '2026-07-02',
      '2,000000',
      '2160000',
      '0,25',
      'oui',
    ]);
    expect(parsed[2]).toEqual(["'@SUM(A1)", '2026-01-15 09:00:05', '2026-01-15', '0,000001', '1', '3', 'non']);
  });

  it('writes English: `,` and decimal points, dollars as they are', () => {
    const text = writeCsv(columns, rows, { language: 'en', currency: 'usd', usdPerUnit: 1, timeZone: 'UTC' });
    const parsed: string[][] = parse(text, { bom: true });
    expect(parsed[0]).toEqual(['Name', 'Time', 'Day', 'Cost (USD)', 'µ$', 'Share', 'Succeeded']);
    expect(parsed[1]).toEqual([
      'Dupont; "Jean"',
      '2026-07-01 22:30:00',
      '2026-07-02',
      '2.160000',
      '2160000',
      '0.25',
      'yes',
    ]);
  });

  it('leaves empty cells empty and guards formulas but not numbers', () => {
    expect(guardFormula('=1+1')).toBe("'=1+1");
    expect(guardFormula('+33 6 12')).toBe("'+33 6 12");
    expect(guardFormula('\t=cmd')).toBe("'\t=cmd");
    expect(guardFormula('-3')).toBe('-3');
    const text = writeCsv(columns.slice(0, 4), [{ ...rows[0], name: '', at: '', cost: null } as unknown as Row], {
      language: 'en',
      currency: 'usd',
      usdPerUnit: 1,
      timeZone: 'UTC',
    });
    expect(text.split('\r\n')[1]).toBe(',,2026-07-02,');
  });
});

describe('csvLanguageOf', () => {
  it('takes ?lang=, else Accept-Language, else French', () => {
    expect(csvLanguageOf({ query: { lang: 'en' }, headers: { 'accept-language': 'fr' } })).toBe('en');
    expect(csvLanguageOf({ query: {}, headers: { 'accept-language': 'de, en;q=0.8, fr;q=0.5' } })).toBe('en');
    expect(csvLanguageOf({ query: {}, headers: {} })).toBe('fr');
  });
});
