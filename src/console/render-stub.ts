// Temporary, not committed: until src/console/render lands.
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export const renderMessage = (m: { text?: string; blocks?: unknown[] }, _ctx: unknown): string =>
  `<div>${esc(m.text ?? '')}${esc(JSON.stringify(m.blocks ?? []))}</div>`;
export const renderModal = (
  v: Record<string, unknown>,
  _ctx: unknown,
  errors?: Record<string, string>,
): string => `<div>${esc(JSON.stringify(v.blocks))}${esc(JSON.stringify(errors ?? {}))}</div>`;
export const renderHome = (v: Record<string, unknown>, _ctx: unknown): string =>
  `<div>${esc(JSON.stringify(v.blocks))}</div>`;
