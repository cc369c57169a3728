// @vitest-environment jsdom
// Admin › Modèles over a fake API: every model offered by default; a selection made by searching,
// none per provider and ticking, with a default among the offered models; a refusal in words.
import { cleanup, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CatalogueModel, ModelSettingsView } from '../api/types.ts';
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { AdminModelsPage } from './admin-models-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const model = (provider: string, providerName: string, id: string, name: string, tier: CatalogueModel['tier']) => ({
  id: `${provider}/${id}`,
  provider,
  providerName,
  model: id,
  name,
  description: { en: `${name} in English.`, fr: `${name} en français.` },
  tier,
  inputMicrousdPerMtok: 150_000,
  outputMicrousdPerMtok: 600_000,
  offered: true,
});
const catalogue: CatalogueModel[] = [
  model('openai', 'OpenAI', 'gpt-4o-mini', 'GPT-4o mini', 'economy'),
  model('openai', 'OpenAI', 'gpt-4.1', 'GPT-4.1', 'premium'),
  model('mistral', 'Mistral', 'mistral-small-latest', 'Mistral Small', 'economy'),
];
const view = (offered: 'all' | string[], defaultModel: string | null): ModelSettingsView => ({
  offered,
  defaultModel,
  catalogue: catalogue.map((entry) => ({ ...entry, offered: offered === 'all' || offered.includes(entry.id) })),
});

describe('AdminModelsPage', () => {
  it('offers a searched selection and a default, in French', async () => {
    const { calls } = mockFetch({
      'GET /api/admin/models': () => ({ body: view('all', null) }),
      'PUT /api/admin/models': (call) => {
        const body = call.body as { offered: string[]; defaultModel: string | null };
        return { body: view(body.offered, body.defaultModel) };
      },
    });
    renderWithApp(<AdminModelsPage />, { language: 'fr' });
    await screen.findByText('3 sur 3 proposés');
    await userEvent.click(screen.getByRole('radio', { name: 'Seulement les modèles cochés ci-dessous' }));
    await userEvent.click(screen.getByRole('button', { name: 'Aucun modèle OpenAI' }));
    expect(screen.getByText('1 sur 3 proposés')).toBeTruthy();
    await userEvent.type(screen.getByLabelText('Rechercher dans le catalogue'), 'mini');
    expect(screen.queryByRole('checkbox', { name: 'Proposer GPT-4.1' })).toBeNull();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Proposer GPT-4o mini' }));
    // The price per million tokens, and the tier in words.
    expect(screen.getByText(/0,15\s\$US en entrée \/ 0,60\s\$US en sortie/)).toBeTruthy();
    expect(screen.getAllByText(/économique/).length).toBeGreaterThan(0);
    const defaults = screen.getByLabelText('Modèle par défaut des nouvelles conversations');
    expect([...defaults.querySelectorAll('option')].map((option) => option.textContent)).toEqual([
      'Automatique : le modèle proposé le moins cher',
      'GPT-4o mini (OpenAI) · économique',
      'Mistral Small (Mistral) · économique',
    ]);
    await userEvent.selectOptions(defaults, 'openai/gpt-4o-mini');
    await userEvent.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByText('Modèles enregistrés.');
    const put = calls.find((call) => call.method === 'PUT');
    expect(put?.body).toEqual({
      offered: ['openai/gpt-4o-mini', 'mistral/mistral-small-latest'],
      defaultModel: 'openai/gpt-4o-mini',
    });
  });

  it('says in words why a change was refused', async () => {
    mockFetch({
      'GET /api/admin/models': () => ({ body: view('all', null) }),
      'PUT /api/admin/models': () => ({
        status: 400,
        body: { error: { code: 'invalid_request', message: 'defaultModel must be offered.', param: 'defaultModel' } },
      }),
    });
    renderWithApp(<AdminModelsPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('defaultModel must be offered.');
  });
});
