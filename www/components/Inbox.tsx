'use client';
// The demo product: each panel is one flag read with `useFlag`, so it records an exposure once it
// is shown. Switching persona or upgrading calls `client.identify`: the engine re-evaluates in the
// browser, and the cookie makes the next server render agree.
import { useState } from 'react';
import { useEdgeflag, useFlag, useFlagDetails } from 'edgeflag/react';
import { PERSONAS, USER_COOKIE } from '../lib/personas';

type Limits = { maxSeats: number; maxConversations: number };

export default function Inbox() {
  const client = useEdgeflag();
  const [, rerender] = useState(0);
  const context = client.context as Record<string, unknown>;
  const conversations = useFlag('conversations_enabled', false);
  const search = useFlag('ai_search', false);
  const suggestions = useFlag('response_suggestions', false);
  const editor = useFlag('new_editor', false);
  const limits = useFlag<Limits>('plan_limits', { maxSeats: 1, maxConversations: 10 });

  const become = async (id: string | null) => {
    document.cookie = `${USER_COOKIE}=${id ?? ''}; path=/; max-age=${id ? 31536000 : 0}; samesite=lax`;
    const next = id ? PERSONAS[id].context : { key: String(context.key ?? 'anonymous'), anonymous: true };
    await client.identify(next);
    rerender((n) => n + 1);
  };
  const upgrade = async () => {
    await client.identify({ ...context, tier: 'pro' });
    rerender((n) => n + 1);
  };

  return (
    <section className="inbox">
      <div className="who">
        <div>
          Signed in as <b data-testid="who">{String(context.key)}</b>
          {context.tier ? <> · tier <b data-testid="tier">{String(context.tier)}</b></> : null}
        </div>
        <div className="personas">
          {Object.entries(PERSONAS).map(([id, p]) => (
            <button key={id} data-persona={id} onClick={() => become(id)}>{p.label}</button>
          ))}
          <button data-persona="" onClick={() => become(null)}>Anonymous</button>
          <button data-action="upgrade" onClick={upgrade} disabled={context.tier === 'pro' || context.tier === 'enterprise'}>
            Upgrade to pro
          </button>
        </div>
      </div>
      <div className="panels">
        <Panel flag="conversations_enabled" title="Conversations inbox" on={conversations}>
          {conversations ? '3 open conversations' : 'Not in your plan yet'}
        </Panel>
        <Panel flag="ai_search" title="AI search" on={search}>
          {search ? <input placeholder="Ask about any conversation…" /> : 'Keyword search'}
        </Panel>
        <Panel flag="response_suggestions" title="Suggested replies" on={suggestions}>
          {suggestions ? 'Three suggestions under every message' : 'Needs sentiment analysis (a server-only prerequisite)'}
        </Panel>
        <Panel flag="new_editor" title="Editor" on={editor}>{editor ? 'The new editor' : 'The classic editor'}</Panel>
        <Panel flag="plan_limits" title="Plan limits" on>
          <span data-testid="limits">{limits.maxSeats} seats · {limits.maxConversations.toLocaleString('en')} conversations</span>
        </Panel>
        <Panel flag="checkout_experiment" title="Checkout experiment" on>
          <a href="/checkout">Go to checkout</a>
        </Panel>
      </div>
    </section>
  );
}

function Panel({ flag, title, on, children }: { flag: string; title: string; on: boolean; children: React.ReactNode }) {
  const d = useFlagDetails(flag);
  return (
    <div className={`panel ${on ? 'on' : 'off'}`} data-flag={flag} data-variation={d?.variation ?? ''}>
      <h3>{title}</h3>
      <div className="body">{children}</div>
      <div className="why">
        <code>{flag}</code> = <b data-testid={`value-${flag}`}>{JSON.stringify(d?.value ?? null)}</b>
        <span> · {d?.variation ?? 'default'} · {d?.reason ?? 'unknown'}{d?.ruleId ? ` · rule ${d.ruleId}` : ''}</span>
      </div>
    </div>
  );
}
