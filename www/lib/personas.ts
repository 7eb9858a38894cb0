// The demo's sign-in: each persona is a context an app would build from its own session. The
// `ef_user` cookie only names one; the attributes come from this table, never from the browser.
export interface Persona {
  label: string;
  context: { key: string; [attribute: string]: string | number | boolean };
}

export const PERSONAS: Record<string, Persona> = {
  'pro-beta': {
    label: 'Pro tier, beta opt-in',
    context: { key: 'user-1042', tier: 'pro', beta_opt_in: true, beta: true, app_version: '2.4.0' },
  },
  pro: { label: 'Pro tier', context: { key: 'user-3001', tier: 'pro', app_version: '2.3.1' } },
  free: { label: 'Free tier', context: { key: 'user-2077', tier: 'free', app_version: '2.2.9' } },
  staff: {
    label: 'Staff (internal_users)',
    context: { key: 'u-ops-1', email: 'ops1@example.com', tier: 'enterprise', app_version: '2.4.0' },
  },
  acme: {
    label: 'Enterprise, beta customer acme',
    context: { key: 'user-5150', tier: 'enterprise', accountId: 'acme', app_version: '2.4.0' },
  },
};

export const USER_COOKIE = 'ef_user';
export const KEY_COOKIE = 'ef_key';
