/**
 * The pages, in navigation order. A later receiver adds its page here
 * (Targets for a scrape receiver, Probes for a blackbox-style prober, Log
 * files for a filelog receiver): write pages/<name>.ts with definePage and
 * append it; the navigation shows only what is registered, so there is no
 * empty page until the receiver exists.
 */
import type { AnyPage } from '../page';
import { alertsPage } from './alerts';
import { configPage } from './config';
import { overviewPage } from './overview';
import { queryPage } from './query';
import { rulesPage } from './rules';

export const PAGES: AnyPage[] = [overviewPage, alertsPage, rulesPage, queryPage, configPage];
