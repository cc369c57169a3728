import { describe, expect, it } from 'vitest';
import { toSettings } from './openai-settings.ts';

describe('toSettings', () => {
  it('maps sampling settings, tools and tool choice, and refuses what it cannot map', () => {
    const settings = toSettings({
      model: 'anthropic/claude-haiku-4-5',
      messages: [{ role: 'user', content: 'x' }],
      temperature: 0.5,
      top_p: 0.8,
      max_tokens: 100,
      stop: 'END',
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: {} } } }],
      tool_choice: { type: 'function', function: { name: 'weather' } },
    });
    expect(settings).toMatchObject({
      temperature: 0.5,
      topP: 0.8,
      maxOutputTokens: 100,
      stopSequences: ['END'],
      toolChoice: { type: 'tool', toolName: 'weather' },
    });
    expect(Object.keys(settings.tools ?? {})).toEqual(['weather']);
    expect(() => toSettings({ model: 'm', messages: [{ role: 'user', content: 'x' }], n: 2 })).toThrow(/n must be 1/);
    expect(() => toSettings({ model: 'm', messages: [{ role: 'wizard', content: 'x' }] })).toThrow(/Unknown role/);
    expect(() => toSettings({ model: 'm', messages: [{ role: 'system', content: 'only system' }] })).toThrow(
      /at least one/,
    );
  });
});
