/**
 * The flaky dependency: an "inventory service" that fails a configurable
 * share of its calls with 503. It is mounted on the demo app itself under
 * /internal/inventory (or runs elsewhere, see DEMO_DEPENDENCY_URL), and is
 * always called over HTTP, so traces show the client span, the retries and
 * the dependency's own server span in one trace.
 */
import type { Request, Response } from 'express';

export interface InventoryItem {
  sku: string;
  name: string;
  in_stock: number;
}

const ITEMS: readonly InventoryItem[] = [
  { sku: 'LK-001', name: 'pager', in_stock: 12 },
  { sku: 'LK-002', name: 'runbook', in_stock: 3 },
  { sku: 'LK-003', name: 'coffee', in_stock: 0 },
];

export function inventoryHandler(failureRate: number, random: () => number) {
  return (_req: Request, res: Response): void => {
    if (random() < failureRate) {
      res.status(503).json({ detail: 'inventory backend unavailable' });
      return;
    }
    res.json({ items: ITEMS, served_at: new Date().toISOString() });
  };
}
