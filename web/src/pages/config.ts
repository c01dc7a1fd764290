/** Config: the loaded configuration (GET /api/v1/status/config), every secret already masked by the agent. */
import { h } from '../dom';
import { promApi } from '../api';
import { definePage } from '../page';

export const configPage = definePage<string>({
  id: 'config',
  title: 'Config',
  refreshMs: 0,
  async load() {
    return (await promApi<{ yaml: string }>('/api/v1/status/config')).yaml;
  },
  view(yaml) {
    return [h('section', { class: 'card' },
      h('h2', null, 'Loaded configuration ', h('span', { class: 'muted small' }, 'secrets shown as <secret>; reload with POST /-/reload or SIGHUP')),
      h('pre', { class: 'config', 'data-config': '' }, yaml))];
  },
});
