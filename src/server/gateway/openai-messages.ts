// OpenAI's chat messages → the AI SDK's: system and developer text become the instructions, tool
// calls and results keep their ids, and only the content parts the SDK can carry are accepted.
import type { ModelMessage } from 'ai';
import { commonErrors } from '../errors.ts';

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAiMessage {
  role: string;
  content?: unknown;
  tool_calls?: OpenAiToolCall[];
  tool_call_id?: string;
  name?: string;
}

const invalid = commonErrors.invalidParameter;

function textOf(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    return content
      .map((part: { type?: string; text?: unknown }, index) => {
        if (part?.type === 'text' && typeof part.text === 'string') return part.text;
        throw invalid(`Only text parts are accepted in ${param}.`, `${param}[${index}]`);
      })
      .join('');
  }
  throw invalid(`${param} must be a string or an array of content parts.`, param);
}

function userContent(content: unknown, param: string) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(`${param} must be a string or an array of content parts.`, param);
  return content.map((part: { type?: string; text?: unknown; image_url?: { url?: unknown } }, index) => {
    if (part?.type === 'text' && typeof part.text === 'string') return { type: 'text' as const, text: part.text };
    if (part?.type === 'image_url' && typeof part.image_url?.url === 'string') {
      const url = part.image_url.url;
      return { type: 'image' as const, image: url.startsWith('data:') ? url : new URL(url) };
    }
    throw invalid(`Unsupported content part in ${param}: use text or image_url.`, `${param}[${index}]`);
  });
}

function parseArguments(value: string, param: string): unknown {
  try {
    return JSON.parse(value || '{}');
  } catch {
    throw invalid(`${param} must be a JSON string.`, param);
  }
}

/** OpenAI messages → AI SDK instructions + messages. */
export function toModelMessages(messages: OpenAiMessage[]): {
  instructions: string | undefined;
  messages: ModelMessage[];
} {
  const instructions: string[] = [];
  const converted: ModelMessage[] = [];
  const toolNames = new Map<string, string>();
  messages.forEach((message, index) => {
    const param = `messages[${index}].content`;
    switch (message.role) {
      case 'system':
      case 'developer':
        instructions.push(textOf(message.content, param));
        return;
      case 'user':
        converted.push({ role: 'user', content: userContent(message.content, param) });
        return;
      case 'assistant': {
        const text = textOf(message.content, param);
        const calls = (message.tool_calls ?? []).map((call, callIndex) => {
          toolNames.set(call.id, call.function?.name);
          return {
            type: 'tool-call' as const,
            toolCallId: call.id,
            toolName: call.function?.name,
            input: parseArguments(
              call.function?.arguments,
              `messages[${index}].tool_calls[${callIndex}].function.arguments`,
            ),
          };
        });
        converted.push({
          role: 'assistant',
          content: calls.length === 0 ? text : [...(text ? [{ type: 'text' as const, text }] : []), ...calls],
        });
        return;
      }
      case 'tool': {
        const toolCallId = message.tool_call_id;
        if (typeof toolCallId !== 'string')
          throw invalid('A tool message needs tool_call_id.', `messages[${index}].tool_call_id`);
        converted.push({
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId,
              toolName: toolNames.get(toolCallId) ?? message.name ?? 'tool',
              output: { type: 'text', value: textOf(message.content, param) },
            },
          ],
        });
        return;
      }
      default:
        throw invalid(`Unknown role "${String(message.role).slice(0, 20)}".`, `messages[${index}].role`);
    }
  });
  if (converted.length === 0) throw invalid('messages must hold at least one user message.', 'messages');
  return { instructions: instructions.length > 0 ? instructions.join('\n\n') : undefined, messages: converted };
}
