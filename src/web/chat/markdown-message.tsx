// An answer as Markdown (GitHub flavour) with highlighted code blocks and a copy button on each.
// Raw HTML in the text is not rendered (react-markdown escapes it), so an answer cannot inject markup.
import { type ComponentProps, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import Markdown from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';

function CodeBlock(props: ComponentProps<'pre'>) {
  const { t } = useTranslation();
  const ref = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState(false);
  const { node: _node, ...rest } = props as ComponentProps<'pre'> & { node?: unknown };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(ref.current?.innerText ?? '');
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // No clipboard permission: the text can still be selected by hand.
    }
  };
  return (
    <div className="code-block">
      <button type="button" className="code-copy" onClick={copy}>
        {copied ? t('common.copied') : t('chat.copyCode')}
      </button>
      <pre ref={ref} {...rest} />
    </div>
  );
}

export function MarkdownMessage({ text }: { text: string }) {
  return (
    <div className="markdown">
      <Markdown
        remarkPlugins={[remarkGfm]}
        rehypePlugins={[[rehypeHighlight, { detect: true, ignoreMissing: true }]]}
        components={{
          pre: CodeBlock,
          a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer" />,
        }}
      >
        {text}
      </Markdown>
    </div>
  );
}
