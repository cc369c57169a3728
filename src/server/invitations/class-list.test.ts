import { describe, expect, it } from 'vitest';
import { CLASS_LIST_MAX_ROWS, parseClassList } from './class-list.ts';

describe('parseClassList', () => {
  it('reads French exports: BOM, `;`, accents in headers, first and last names, CRLF', async () => {
    const { rows, errors } = await parseClassList(
      '\uFEFFPrénom;Nom;Adresse e-mail;Classe\r\nLéa;Dupont;LEA@Example.org;2nde B\r\n',
    );
    expect(errors).toEqual([]);
    expect(rows).toEqual([{ line: 2, email: 'lea@example.org', name: 'Léa Dupont', group: '2nde B' }]);
  });

  it('reads English exports with `,` and quoted fields', async () => {
    const { rows } = await parseClassList('Email,Full name\njane@example.org,"Smith, Jane"\n\n');
    expect(rows).toEqual([{ line: 2, email: 'jane@example.org', name: 'Smith, Jane', group: null }]);
  });

  it('names each bad line, and the file-level problems', async () => {
    const { errors } = await parseClassList(
      'email;name\nok@example.org;A\nnope;B\nok@example.org;C\nx@example.org;D\u0007\n',
    );
    expect(errors).toEqual([
      { line: 3, field: 'email', reason: 'invalid_email' },
      { line: 4, field: 'email', reason: 'duplicate_in_file' },
      { line: 5, field: 'name', reason: 'invalid_name' },
    ]);
    expect((await parseClassList('name\nA')).errors).toEqual([{ line: 1, field: 'email', reason: 'missing_column' }]);
    expect((await parseClassList('email\n"unclosed')).errors[0]?.reason).toBe('unreadable');
    const many = `email\n${Array.from({ length: CLASS_LIST_MAX_ROWS + 1 }, (_, i) => `s${i}@example.org`).join('\n')}`;
    expect((await parseClassList(many)).errors[0]?.reason).toBe('too_many_rows');
  });
});
