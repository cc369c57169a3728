// The rest of an OpenAI chat-completions request → the AI SDK's call settings: sampling, limits,
// stop sequences, tools and tool choice. What has no AI SDK equivalent is refused with a 400.
import { jsonSchema, type ToolSet, tool } from 'ai';
import { commonErrors } from '../errors.ts';
import type { StreamTextSettings } from '../upstream/model-stream.ts';
import type { CompletionBody } from './completion-request.ts';
import { type OpenAiMessage, toModelMessages } from './openai-messages.ts';

const invalid = commonErrors.invalidParameter;

function toTools(body: CompletionBody): ToolSet | undefined {
  if (body.tools === undefined || body.tools === null) return undefined;
  if (!Array.isArray(body.tools)) throw invalid('tools must be an array.', 'tools');
  const tools: ToolSet = {};
  body.tools.forEach(
    (entry: { type?: string; function?: { name?: unknown; description?: unknown; parameters?: unknown } }, index) => {
      const name = entry?.function?.name;
      if (entry?.type !== 'function' || typeof name !== 'string') {
        throw invalid('Each tool must be {type: "function", function: {name, …}}.', `tools[${index}]`);
      }
      tools[name] = tool({
        description: typeof entry.function?.description === 'string' ? entry.function.description : undefined,
        inputSchema: jsonSchema(
          (entry.function?.parameters as object | undefined) ?? { type: 'object', properties: {} },
        ),
      });
    },
  );
  return tools;
}

function toToolChoice(choice: unknown): StreamTextSettings['toolChoice'] {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  const name = (choice as { function?: { name?: unknown } }).function?.name;
  if (typeof name === 'string') return { type: 'tool', toolName: name };
  throw invalid(
    'tool_choice must be "auto", "none", "required" or {type: "function", function: {name}}.',
    'tool_choice',
  );
}

const numberOrUndefined = (value: unknown, param: string) => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${param} must be a number.`, param);
  return value;
};

/** OpenAI request → AI SDK settings. */
export function toSettings(body: CompletionBody): StreamTextSettings {
  const { instructions, messages } = toModelMessages(body.messages as OpenAiMessage[]);
  if (typeof body.n === 'number' && body.n !== 1) throw invalid('n must be 1 for this provider.', 'n');
  const stop = body.stop;
  return {
    instructions,
    messages,
    tools: toTools(body),
    toolChoice: toToolChoice(body.tool_choice),
    temperature: numberOrUndefined(body.temperature, 'temperature'),
    topP: numberOrUndefined(body.top_p, 'top_p'),
    maxOutputTokens: numberOrUndefined(body.max_completion_tokens ?? body.max_tokens, 'max_tokens'),
    stopSequences: typeof stop === 'string' ? [stop] : Array.isArray(stop) ? (stop as string[]) : undefined,
    seed: numberOrUndefined(body.seed, 'seed'),
    presencePenalty: numberOrUndefined(body.presence_penalty, 'presence_penalty'),
    frequencyPenalty: numberOrUndefined(body.frequency_penalty, 'frequency_penalty'),
  } as StreamTextSettings;
}
