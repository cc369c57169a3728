// What an export is written with: the reader's language (from the request) and the display
// currency, rate and time zone. Every export takes its options from here.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type CsvOptions, csvLanguageOf } from './csv-export.ts';

export async function csvOptionsFor(
  app: FastifyInstance,
  request: Pick<FastifyRequest, 'query' | 'headers'>,
): Promise<CsvOptions> {
  return { language: csvLanguageOf(request), currency: 'usd', usdPerUnit: 1, timeZone: app.config.timezone };
}
