import type { ReactNode } from 'react';

/** The column of panels beside the map; each role's own question comes first (see Dashboard). */
export function SidePanel({ children }: { children: ReactNode }) {
  return (
    <aside className="side-panel" data-testid="side-panel" aria-label="Panels">
      {children}
    </aside>
  );
}
