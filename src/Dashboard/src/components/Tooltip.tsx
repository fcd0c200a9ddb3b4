import { useId, type ReactElement, cloneElement } from 'react';

/**
 * Explains a control with a tooltip on hover and focus. A disabled button cannot take focus, so
 * the wrapper does: keyboard users still learn why it is disabled.
 */
export function Tooltip({
  text,
  children,
}: {
  text: string | undefined;
  children: ReactElement<{ 'aria-describedby'?: string }>;
}) {
  const id = useId();
  if (!text) return children;
  return (
    <span className="tooltip-host" tabIndex={0} aria-describedby={id}>
      {cloneElement(children, { 'aria-describedby': id })}
      <span role="tooltip" id={id} className="tooltip">
        {text}
      </span>
    </span>
  );
}
