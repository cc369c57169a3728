// The request log as CSV in the reader's language (exports/csv-export.ts: French `;` and decimal
// commas or English, money in the display currency beside the raw micro-dollars, instants in the
// display zone, BOM), written page by page: the export never holds more than one page in memory.
import type { RequestLogRow } from '../../shared/request-log.ts';
import { type CsvColumn, type CsvOptions, csvColumn, csvWriter } from '../exports/csv-export.ts';

type Column = CsvColumn<RequestLogRow>;

const userColumns: Column[] = [
  csvColumn<RequestLogRow>({
    id: 'userId',
    header: { fr: 'Utilisateur (id)', en: 'User (id)' },
    kind: 'text',
    value: (row) => row.user?.id,
  }),
  csvColumn<RequestLogRow>({
    id: 'name',
    header: { fr: 'Nom', en: 'Name' },
    kind: 'text',
    value: (row) => row.user?.name,
  }),
  csvColumn<RequestLogRow>({
    id: 'email',
    header: { fr: 'Adresse e-mail', en: 'Email' },
    kind: 'text',
    value: (row) => row.user?.email,
  }),
];

/** The columns, in order; the user's three only in the admin and group views. */
export function requestCsvColumns(withUsers: boolean): Column[] {
  return [
    csvColumn<RequestLogRow>({ id: 'at', header: { fr: 'Date', en: 'Time' }, kind: 'instant', value: (row) => row.at }),
    csvColumn<RequestLogRow>({
      id: 'id',
      header: { fr: 'Requête (id)', en: 'Request (id)' },
      kind: 'text',
      value: (row) => row.id,
    }),
    ...(withUsers ? userColumns : []),
    csvColumn<RequestLogRow>({
      id: 'provider',
      header: { fr: 'Fournisseur', en: 'Provider' },
      kind: 'text',
      value: (row) => row.provider,
    }),
    csvColumn<RequestLogRow>({
      id: 'model',
      header: { fr: 'Modèle', en: 'Model' },
      kind: 'text',
      value: (row) => row.model,
    }),
    csvColumn<RequestLogRow>({
      id: 'source',
      header: { fr: 'Clé', en: 'Key' },
      kind: 'text',
      value: (row) => row.source,
    }),
    csvColumn<RequestLogRow>({
      id: 'inputTokens',
      header: { fr: "Jetons d'entrée", en: 'Input tokens' },
      kind: 'integer',
      value: (row) => row.inputTokens,
    }),
    csvColumn<RequestLogRow>({
      id: 'outputTokens',
      header: { fr: 'Jetons de sortie', en: 'Output tokens' },
      kind: 'integer',
      value: (row) => row.outputTokens,
    }),
    csvColumn<RequestLogRow>({
      id: 'cost',
      header: { fr: 'Coût', en: 'Cost' },
      kind: 'money',
      value: (row) => row.costMicrousd,
    }),
    csvColumn<RequestLogRow>({
      id: 'costMicrousd',
      header: { fr: 'Coût (micro-dollars)', en: 'Cost (micro-dollars)' },
      kind: 'microusd',
      value: (row) => row.costMicrousd,
    }),
    csvColumn<RequestLogRow>({
      id: 'latencyMs',
      header: { fr: 'Latence (ms)', en: 'Latency (ms)' },
      kind: 'integer',
      value: (row) => row.latencyMs,
    }),
    csvColumn<RequestLogRow>({
      id: 'status',
      header: { fr: 'Statut', en: 'Status' },
      kind: 'integer',
      value: (row) => row.status,
    }),
    csvColumn<RequestLogRow>({
      id: 'error',
      header: { fr: 'Erreur', en: 'Error' },
      kind: 'text',
      value: (row) => row.error,
    }),
    csvColumn<RequestLogRow>({
      id: 'estimated',
      header: { fr: 'Estimé', en: 'Estimated' },
      kind: 'boolean',
      value: (row) => row.estimated,
    }),
    csvColumn<RequestLogRow>({
      id: 'unpriced',
      header: { fr: 'Sans prix', en: 'Unpriced' },
      kind: 'boolean',
      value: (row) => row.unpriced,
    }),
  ];
}

/** The file in pieces: `header()` is the BOM and the header line, `lines(rows)` one page's lines. */
export function requestCsvWriter(withUsers: boolean, options: CsvOptions) {
  const writer = csvWriter(requestCsvColumns(withUsers), options);
  return { header: () => writer.header, lines: (rows: RequestLogRow[]) => writer.lines(rows) };
}
