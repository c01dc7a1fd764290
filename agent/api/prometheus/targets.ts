/**
 * GET /api/v1/targets in Prometheus' format (activeTargets / droppedTargets,
 * `state=active|dropped|any`), answered from the scrape receiver. Without a
 * receivers.prometheus block both lists are empty, as in a Prometheus with no
 * scrape jobs.
 */
import { Router } from 'express';
import type { ActiveTargetView } from '../../receivers/prometheus';
import type { Labels } from '../../store/types';

export interface TargetsProvider {
  targets(): { activeTargets: ActiveTargetView[]; droppedTargets: { discoveredLabels: Labels }[] };
}

export function targetsApiRouter(provider: () => TargetsProvider | undefined): Router {
  const router = Router();
  router.get('/api/v1/targets', (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state.toLowerCase() : 'any';
    if (!['active', 'dropped', 'any', ''].includes(state)) {
      res.status(400).json({ status: 'error', errorType: 'bad_data', error: `invalid state ${JSON.stringify(state)}: use active, dropped or any` });
      return;
    }
    const all = provider()?.targets() ?? { activeTargets: [], droppedTargets: [] };
    const data: Record<string, unknown> = {};
    if (state !== 'dropped') data.activeTargets = all.activeTargets;
    if (state !== 'active') data.droppedTargets = all.droppedTargets;
    res.json({ status: 'success', data });
  });
  return router;
}
