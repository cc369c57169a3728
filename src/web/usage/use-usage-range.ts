// The range the usage pages show: a preset (this month by default) or two days chosen by hand.
import { useState } from 'react';
import { presetRange, type RangePreset } from './usage-data.ts';

const todayIso = () => new Date().toISOString().slice(0, 10);

export function useUsageRange() {
  const [preset, setPreset] = useState<RangePreset>('thisMonth');
  const [custom, setCustom] = useState(() => presetRange('thisMonth', todayIso()));
  const range = preset === 'custom' ? custom : presetRange(preset, todayIso());
  return { preset, setPreset, custom, setCustom, range };
}
