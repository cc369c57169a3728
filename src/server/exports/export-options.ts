// What an export is written with: the reader's language (from the request) and the display
// currency, rate and time zone (the admin's display settings). Every export takes its options here.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type CsvOptions, csvLanguageOf } from './csv-export.ts';

export function csvOptionsFor(app: FastifyInstance, request: Pick<FastifyRequest, 'query' | 'headers'>): CsvOptions {
  const display = app.display.view(app.billing.access.settings().usdPerCurrency);
  return {
    language: csvLanguageOf(request),
    currency: display.currency,
    usdPerUnit: display.rate?.usdPerUnit ?? 1,
    timeZone: display.timeZone,
  };
}
