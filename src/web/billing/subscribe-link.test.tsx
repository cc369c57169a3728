// @vitest-environment jsdom
// A refusal's subscribeUrl on this origin stays inside the app; another origin is a plain link.
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithApp } from '../test-utils.tsx';
import { SubscribeLink } from './subscribe-link.tsx';

afterEach(cleanup);

describe('SubscribeLink', () => {
  it('links inside the app when the address is this origin’s', () => {
    renderWithApp(<SubscribeLink href={`${window.location.origin}/profile#billing`} />, { language: 'fr' });
    const link = screen.getByRole('link', { name: 'Voir les formules et s’abonner' });
    expect(link.getAttribute('href')).toBe('/profile#billing');
  });

  it('keeps another origin as it is', () => {
    renderWithApp(<SubscribeLink href="https://webox.example/profile#billing" />);
    expect(screen.getByRole('link', { name: 'See the plans and subscribe' }).getAttribute('href')).toBe(
      'https://webox.example/profile#billing',
    );
  });
});
