// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderInfo } from '../api/types.ts';
import { renderWithApp } from '../test-utils.tsx';
import { GlobalKeysStatus } from './global-keys-status.tsx';

const providers: ProviderInfo[] = [
  { id: 'openai', name: 'OpenAI', keyHint: 'starts with sk-', models: [] },
  { id: 'anthropic', name: 'Anthropic', keyHint: 'starts with sk-ant-', models: [] },
  { id: 'groq', name: 'Groq', keyHint: 'starts with gsk_', models: [] },
];

afterEach(cleanup);

describe('GlobalKeysStatus', () => {
  it('shows only configured / not configured, never a mask', () => {
    renderWithApp(
      <GlobalKeysStatus
        providers={providers}
        keys={[
          { provider: 'openai', source: 'global', personal: null, global: { configured: true } },
          { provider: 'anthropic', source: 'none', personal: null, global: { configured: false } },
          { provider: 'groq', source: 'none', personal: null, global: { configured: false } },
        ]}
      />,
      { language: 'fr' },
    );
    expect(screen.getAllByText('Configurée')).toHaveLength(1);
    expect(screen.getAllByText('Non configurée')).toHaveLength(2);
    expect(screen.queryByText(/\.\.\./)).toBeNull();
  });
});
