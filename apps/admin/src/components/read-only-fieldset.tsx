import type { ReactNode } from 'react';

/**
 * Disables a form's controls for a viewer. Only a courtesy: the server refuses a viewer's
 * mutation whatever the page allowed.
 */
export function ReadOnlyFieldset({ readOnly, children }: { readOnly: boolean; children: ReactNode }) {
  return (
    <fieldset disabled={readOnly} title={readOnly ? 'Read-only role (viewer)' : undefined} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
      {children}
    </fieldset>
  );
}
