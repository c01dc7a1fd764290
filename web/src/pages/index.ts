/**
 * The pages, in navigation order: write pages/<name>.ts with definePage and
 * add it here; the navigation shows only what is registered. Targets holds
 * the scrape receiver's targets, the prober's probes and the filelog
 * receiver's files.
 */
import type { AnyPage } from '../page';
import { alertsPage } from './alerts';
import { configPage } from './config';
import { overviewPage } from './overview';
import { queryPage } from './query';
import { rulesPage } from './rules';
import { targetsPage } from './targets';

export const PAGES: AnyPage[] = [overviewPage, alertsPage, rulesPage, targetsPage, queryPage, configPage];
