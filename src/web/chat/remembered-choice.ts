// The model last chosen, remembered in localStorage so that a new conversation starts on it.
import type { ModelChoice } from './model-picker.tsx';

const LAST_CHOICE_KEY = 'webox.lastModel';

export function rememberChoice(choice: ModelChoice) {
  try {
    localStorage.setItem(LAST_CHOICE_KEY, JSON.stringify(choice));
  } catch {
    // Nothing to remember with: the default applies next time.
  }
}

/** The remembered choice; null when there is none or it is not one (an old or edited value). */
export function rememberedChoice(): ModelChoice | null {
  try {
    const value = JSON.parse(localStorage.getItem(LAST_CHOICE_KEY) ?? 'null') as ModelChoice | null;
    return value && typeof value.provider === 'string' && typeof value.model === 'string' ? value : null;
  } catch {
    return null;
  }
}
