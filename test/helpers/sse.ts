/** Parses a text/event-stream body into its `data:` JSON payloads. */
export function parseSse(body: string): Array<Record<string, unknown>> {
  return body
    .split('\n\n')
    .map((event) =>
      event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n'),
    )
    .filter((data) => data.length > 0 && data !== '[DONE]')
    .map((data) => JSON.parse(data) as Record<string, unknown>);
}
