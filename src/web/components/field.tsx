// One form control with its label and what describes it: the label is tied to the control
// (htmlFor), the hint and any other description are read with it (aria-describedby), and a value
// the form refused is marked (aria-invalid) and tied to the message that says why. The control
// itself is the caller's (input, select, a row with buttons): it receives the attributes to spread.
import { type ReactNode, useId } from 'react';

export interface FieldControl {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
}

export function Field({
  label,
  hint,
  describedBy,
  errorId,
  hiddenLabel = false,
  className = 'field',
  children,
}: {
  label: ReactNode;
  /** Shown under the control and read with it. */
  hint?: ReactNode;
  /** Ids of elements elsewhere on the page that describe the control too (a status line, a shared hint). */
  describedBy?: string;
  /**
   * The id of the message saying what is wrong with this value (the form's notice). Set, the
   * control is marked invalid and described by that message; the message stays where the form shows it.
   */
  errorId?: string | null;
  /** The label for screen readers only. */
  hiddenLabel?: boolean;
  /** The wrapper's class: `field` stacks the label over the control; '' leaves the layout to the parent. */
  className?: string;
  children: (control: FieldControl) => ReactNode;
}) {
  const id = useId();
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  const description = [errorId, describedBy, hintId].filter(Boolean).join(' ');
  return (
    <div className={className || undefined}>
      <label htmlFor={id} className={hiddenLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      {children({ id, 'aria-describedby': description || undefined, 'aria-invalid': errorId ? true : undefined })}
      {hint !== undefined && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}
