// The parts of a log's filter form (the request log, the journal): the filters live in the page's
// address, so a filtered list is a link; the form edits a draft of them, "Filter" applies the draft
// (trimmed, empty values dropped) and "Clear" empties both.
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { Field } from './field.tsx';

type Filters = Partial<Record<string, string>>;

/** The filters an address holds, among `names` (unknown parameters ignored; the server checks the rest). */
export function filtersFromSearch<Name extends string>(
  names: readonly Name[],
  search: URLSearchParams,
): Partial<Record<Name, string>> {
  const filters: Partial<Record<Name, string>> = {};
  for (const name of names) {
    const value = search.get(name);
    if (value) filters[name] = value;
  }
  return filters;
}

export function useFilterDraft<F extends Filters>(applied: F, onApply: (filters: F) => void) {
  const [draft, setDraft] = useState<F>(applied);
  // A link followed while the page is open (another user's row) replaces the draft.
  useEffect(() => setDraft(applied), [applied]);
  const set = (name: keyof F) => (text: string) => setDraft((current) => ({ ...current, [name]: text }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const cleaned: Filters = {};
    for (const [name, text] of Object.entries(draft)) {
      const trimmed = text?.trim();
      if (trimmed) cleaned[name] = trimmed;
    }
    onApply(cleaned as F);
  };
  const clear = () => {
    setDraft({} as F);
    onApply({} as F);
  };
  return { draft, set, submit, clear };
}

export function FilterText({
  name,
  label,
  hint,
  value,
  onChange,
  list,
}: {
  name: string;
  label: string;
  hint?: string;
  value: string | undefined;
  onChange: (text: string) => void;
  /** The id of a datalist of suggestions. */
  list?: string;
}) {
  return (
    <Field label={label} hint={hint}>
      {(control) => (
        <input
          {...control}
          type="text"
          name={name}
          list={list}
          autoComplete={list ? 'off' : undefined}
          value={value ?? ''}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

export function FilterDate({
  name,
  label,
  value,
  onChange,
}: {
  name: string;
  label: string;
  value: string | undefined;
  onChange: (text: string) => void;
}) {
  return (
    <Field label={label}>
      {(control) => (
        <input
          {...control}
          type="date"
          name={name}
          // An instant in the address (from an API link) shows as its day.
          value={(value ?? '').slice(0, 10)}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

/** A choice among `children` (options), the first of which is "any". */
export function FilterSelect({
  name,
  label,
  value,
  onChange,
  children,
}: {
  name: string;
  label: string;
  value: string | undefined;
  onChange: (text: string) => void;
  children: ReactNode;
}) {
  return (
    <Field label={label}>
      {(control) => (
        <select {...control} name={name} value={value ?? ''} onChange={(event) => onChange(event.target.value)}>
          {children}
        </select>
      )}
    </Field>
  );
}

export function FilterActions({ apply, clear, onClear }: { apply: string; clear: string; onClear: () => void }) {
  return (
    <div className="form-actions">
      <button type="submit" className="button">
        {apply}
      </button>
      <button type="button" className="button button-ghost" onClick={onClear}>
        {clear}
      </button>
    </div>
  );
}
