import type { ReactNode } from 'react';

/** An empty or failed state: a line that says what happened and what's next (light, no images). */
export function Blank({
  icon,
  title,
  description,
  children,
}: {
  icon: string;
  title: string;
  description?: string | undefined;
  children?: ReactNode;
}) {
  return (
    <div className="blank" role="status">
      <div className="blank-icon" aria-hidden>
        {icon}
      </div>
      <div className="blank-title">{title}</div>
      {description && <div className="muted blank-text">{description}</div>}
      {children}
    </div>
  );
}
