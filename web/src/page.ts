/**
 * What a page is: `load` fetches its data, `view` turns data into elements
 * (re-run on every refresh and morphed into place), `after` runs once the
 * view is in the document (charts). Pages register in pages/index.ts.
 */
import type { Child } from './dom';

export interface PageContext {
  params: Record<string, string>;
  /** Milliseconds; the time the data was loaded. */
  now: number;
  /** Re-renders from the current data (after a local state change). */
  rerender(): void;
  /** Loads again and re-renders (after a write). */
  reload(): void;
  /** Changes this page's URL parameters (keeps the page). */
  navigate(params: Record<string, string>): void;
  /** Shows a message in the header's status line. */
  notify(text: string, level?: 'ok' | 'error'): void;
}

export interface Page<D> {
  id: string;
  title: string;
  /** Auto-refresh period in ms; 0 = only when the URL changes (Query, Config). */
  refreshMs: number;
  load(params: Record<string, string>): Promise<D>;
  view(data: D, ctx: PageContext): Child[];
  after?(root: HTMLElement, data: D, ctx: PageContext): void;
}

export type AnyPage = Page<unknown>;

export function definePage<D>(page: Page<D>): AnyPage {
  return page as unknown as AnyPage;
}
