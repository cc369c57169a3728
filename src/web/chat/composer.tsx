// Where the question is written: Enter sends (Shift+Enter is a new line, and an IME's Enter only
// ends its composition); while an answer streams in, the send button is the stop button.
import { type KeyboardEvent, type RefObject, useId } from 'react';
import { useTranslation } from 'react-i18next';

export function Composer({
  value,
  onChange,
  onSend,
  onStop,
  streaming,
  unavailable,
  textareaRef,
}: {
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  onStop: () => void;
  /** An answer is streaming in and can be stopped. */
  streaming: boolean;
  /** The chosen model has no key to run on: nothing can be sent. */
  unavailable: boolean;
  textareaRef?: RefObject<HTMLTextAreaElement | null>;
}) {
  const { t } = useTranslation();
  const id = useId();

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      onSend();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        onSend();
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        {t('chat.messageLabel')}
      </label>
      <textarea
        id={id}
        ref={textareaRef}
        value={value}
        rows={3}
        placeholder={t('chat.placeholder')}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
      />
      {streaming ? (
        <button type="button" className="button button-danger" onClick={onStop}>
          ■ {t('chat.stop')}
        </button>
      ) : (
        <button type="submit" className="button button-primary" disabled={!value.trim() || unavailable}>
          {t('chat.send')}
        </button>
      )}
    </form>
  );
}
