// Schemas registered with an id (`.meta({ id })`) become components of the OpenAPI document; these
// point to them from what is written by hand, and drop the ones nothing points to.
import { z } from 'zod';

const SCHEMAS = '#/components/schemas/';

/** A `$ref` to a registered schema's component. */
export function componentRef(schema: z.ZodType) {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) throw new Error('componentRef: the schema has no id (give it one with .meta({ id }))');
  return { $ref: `${SCHEMAS}${id}` };
}

function refsIn(value: unknown, found: Set<string>) {
  if (Array.isArray(value)) {
    for (const item of value) refsIn(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith(SCHEMAS)) found.add(item.slice(SCHEMAS.length));
      else refsIn(item, found);
    }
  }
}

/**
 * The component schemas `document` reaches, by name: every schema registered anywhere in the
 * process is offered (as input and as output), and only those reached belong in the document.
 */
export function reachableSchemas(document: { components?: { schemas?: Record<string, unknown> } }) {
  const schemas = document.components?.schemas ?? {};
  const reached = new Set<string>();
  refsIn({ ...document, components: { ...document.components, schemas: {} } }, reached);
  const queue = [...reached];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    const found = new Set<string>();
    refsIn(schemas[name], found);
    for (const next of found) {
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  const missing = [...reached].filter((name) => !(name in schemas));
  if (missing.length > 0) throw new Error(`The document points to schemas it does not hold: ${missing.join(', ')}`);
  return Object.fromEntries([...reached].sort().map((name) => [name, schemas[name]]));
}
