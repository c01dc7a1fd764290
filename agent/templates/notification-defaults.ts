/**
 * The named templates Alertmanager 0.25 predefines (`slack.default.title`,
 * `email.default.subject`, `pagerduty.default.description`, ...), written
 * for Lookout so that they render the same text as Alertmanager's for the
 * same data: test/compat/alertmanager/templates.test.ts renders through a
 * real Alertmanager 0.25 and compares byte for byte. Quirks are kept on
 * purpose (the subject's trailing space when no extra common labels exist,
 * "Alertmanager" as the default Slack username and PagerDuty client, the
 * `<external_url>/#/alerts?receiver=` link), since operators' templates and
 * chat filters depend on them.
 *
 * `email.default.html` is Lookout's own (compact, inline-styled) HTML; an
 * operator who wants Alertmanager's exact mail lists Alertmanager's
 * email.tmpl under `templates:` (Debian ships it as
 * /usr/share/prometheus/alertmanager/email.tmpl), which then overrides it.
 */

const ALERTMANAGER = '{{ define "__alertmanager" }}Alertmanager{{ end }}';

const ALERTMANAGER_URL = '{{ define "__alertmanagerURL" }}{{ .ExternalURL }}/#/alerts?receiver={{ urlquery .Receiver }}{{ end }}';

/** `[FIRING:2] <group label values> (<other common label values>)`, or `[RESOLVED] ...`. */
const SUBJECT = '{{ define "__subject" }}'
  + '[{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}] '
  + '{{ join " " .GroupLabels.SortedPairs.Values }} '
  + '{{ if lt (len .GroupLabels) (len .CommonLabels) }}({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ join " " .Values }}{{ end }}){{ end }}'
  + '{{ end }}';

const DESCRIPTION = '{{ define "__description" }}{{ end }}';

/** One block per alert: its labels, annotations and source, one " - name = value" per line. */
const TEXT_ALERT_LIST = [
  '{{ define "__text_alert_list" }}',
  '{{- range $alert := . }}',
  '{{- "Labels:\\n" }}{{ range $alert.Labels.SortedPairs }}{{ printf " - %s = %s\\n" .Name .Value }}{{ end }}',
  '{{- "Annotations:\\n" }}{{ range $alert.Annotations.SortedPairs }}{{ printf " - %s = %s\\n" .Name .Value }}{{ end }}',
  '{{- printf "Source: %s\\n" $alert.GeneratorURL }}',
  '{{- end }}',
  '{{- end }}',
].join('');

function alias(name: string, target: string): string {
  return `{{ define ${JSON.stringify(name)} }}{{ template ${JSON.stringify(target)} . }}{{ end }}`;
}
function empty(name: string): string {
  return `{{ define ${JSON.stringify(name)} }}{{ end }}`;
}

const SLACK = [
  alias('slack.default.title', '__subject'),
  alias('slack.default.username', '__alertmanager'),
  '{{ define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}',
  empty('slack.default.callbackid'),
  empty('slack.default.pretext'),
  alias('slack.default.titlelink', '__alertmanagerURL'),
  empty('slack.default.iconemoji'),
  empty('slack.default.iconurl'),
  empty('slack.default.text'),
  empty('slack.default.footer'),
];

const PAGERDUTY = [
  alias('pagerduty.default.description', '__subject'),
  alias('pagerduty.default.client', '__alertmanager'),
  alias('pagerduty.default.clientURL', '__alertmanagerURL'),
  alias('pagerduty.default.instances', '__text_alert_list'),
];

/** Lookout's mail body: a heading, a link, and per alert its labels, annotations, times and source. */
const EMAIL_HTML = [
  '{{ define "email.default.html" }}<!DOCTYPE html><html><head><meta charset="utf-8"><title>{{ template "__subject" . }}</title></head><body>',
  '<h2 style="color:{{ if eq .Status "firing" }}#E6522C{{ else }}#68B90F{{ end }}">{{ template "__subject" . }}</h2>',
  '<p><a href="{{ template "__alertmanagerURL" . }}">View in Lookout</a></p>',
  '{{ if .Alerts.Firing }}<h3>[{{ len .Alerts.Firing }}] Firing</h3>{{ template "__lookout_html_alerts" .Alerts.Firing }}{{ end }}',
  '{{ if .Alerts.Resolved }}<h3>[{{ len .Alerts.Resolved }}] Resolved</h3>{{ template "__lookout_html_alerts" .Alerts.Resolved }}{{ end }}',
  '</body></html>{{ end }}',
  '{{ define "__lookout_html_alerts" }}{{ range . }}<div class="alert"><p><b>Labels</b></p><ul>',
  '{{ range .Labels.SortedPairs }}<li><b>{{ .Name }}</b> = {{ .Value }}</li>{{ end }}</ul>',
  '{{ if .Annotations }}<p><b>Annotations</b></p><ul>{{ range .Annotations.SortedPairs }}<li><b>{{ .Name }}</b> = {{ .Value }}</li>{{ end }}</ul>{{ end }}',
  '<p>Starts at {{ .StartsAt }}{{ if eq .Status "resolved" }}, ends at {{ .EndsAt }}{{ end }}',
  '{{ if .GeneratorURL }} &middot; <a href="{{ .GeneratorURL }}">Source</a>{{ end }}</p></div>{{ end }}{{ end }}',
].join('');

const EMAIL = [alias('email.default.subject', '__subject'), EMAIL_HTML];

/** The whole default set, parsed before the operator's `templates:` files (which may redefine any name). */
export const DEFAULT_NOTIFICATION_TEMPLATES = [
  ALERTMANAGER, ALERTMANAGER_URL, SUBJECT, DESCRIPTION, TEXT_ALERT_LIST, ...SLACK, ...PAGERDUTY, ...EMAIL,
].join('\n');

/** Alertmanager 0.25's default field texts, per integration (its config.Default*Config). */
export const SLACK_DEFAULTS = {
  color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}',
  username: '{{ template "slack.default.username" . }}',
  title: '{{ template "slack.default.title" . }}',
  title_link: '{{ template "slack.default.titlelink" . }}',
  icon_emoji: '{{ template "slack.default.iconemoji" . }}',
  icon_url: '{{ template "slack.default.iconurl" . }}',
  pretext: '{{ template "slack.default.pretext" . }}',
  text: '{{ template "slack.default.text" . }}',
  fallback: '{{ template "slack.default.fallback" . }}',
  callback_id: '{{ template "slack.default.callbackid" . }}',
  footer: '{{ template "slack.default.footer" . }}',
} as const;

export const EMAIL_DEFAULTS = {
  subject: '{{ template "email.default.subject" . }}',
  html: '{{ template "email.default.html" . }}',
} as const;

export const PAGERDUTY_DEFAULTS = {
  description: '{{ template "pagerduty.default.description" .}}',
  client: '{{ template "pagerduty.default.client" . }}',
  client_url: '{{ template "pagerduty.default.clientURL" . }}',
  severity: 'error',
  details: {
    firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
    resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
    num_firing: '{{ .Alerts.Firing | len }}',
    num_resolved: '{{ .Alerts.Resolved | len }}',
  },
} as const;
