// How a price tier shows (economy ≤ 1 $, standard ≤ 5 $, premium: output per million tokens; see
// src/shared/models.ts): a mark for the eye, the word for screen readers and in the detail line.
import type { PriceTier } from '../../shared/models.ts';

export const TIER_MARKS: Record<PriceTier, string> = { economy: '€', standard: '€€', premium: '€€€' };
