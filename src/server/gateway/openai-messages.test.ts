import { describe, expect, it } from 'vitest';
import { toModelMessages } from './openai-messages.ts';

describe('toModelMessages', () => {
  it('moves system and developer text to instructions and keeps tool calls and results', () => {
    const converted = toModelMessages([
      { role: 'system', content: 'Be kind.' },
      { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
    ]);
    expect(converted.instructions).toBe('Be kind.\n\nBe brief.');
    expect(converted.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: { city: 'Paris' } }],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', output: { type: 'text', value: '18°C' } },
        ],
      },
    ]);
  });
});
