// One flag for its operators: the kill switch, its ramps (with who a move gained, pictured), its
// target lists, its history with each version's patch and a rollback, and the Worker's health.
// Every write is a server action (../../actions.ts) sent with the version shown here.
import Link from 'next/link';
import FlashBanner from '../../../../components/dashboard/FlashBanner';
import HealthPanel from '../../../../components/dashboard/HealthPanel';
import History from '../../../../components/dashboard/History';
import KillSwitch from '../../../../components/dashboard/KillSwitch';
import RampForm from '../../../../components/dashboard/RampForm';
import RampResult from '../../../../components/dashboard/RampResult';
import StaleBadge from '../../../../components/dashboard/StaleBadge';
import Targets from '../../../../components/dashboard/Targets';
import Unavailable from '../../../../components/dashboard/Unavailable';
import { getFlag, history, listFlags } from '../../../../lib/admin';
import { FLASH_PARAM, decodeFlash } from '../../../../lib/flash';
import { rampOptions } from '../../../../lib/ramp-options';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ key: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props) {
  return { title: `${flagKey((await params).key)} · edgeflag dashboard` };
}

/** The key in the address (percent-encoded by the links here). */
function flagKey(param: string): string {
  try {
    return decodeURIComponent(param);
  } catch {
    return param;
  }
}

export default async function FlagPage({ params, searchParams }: Props) {
  const key = flagKey((await params).key);
  const flash = decodeFlash((await searchParams)[FLASH_PARAM]);
  let data;
  try {
    const [doc, list, past] = await Promise.all([getFlag(key), listFlags(), history({ flag: key, limit: 20 })]);
    data = { doc, summary: list.flags.find((f) => f.key === key), now: list.now, past };
  } catch (e) {
    return (
      <section className="dashboard">
        <p><Link href="/dashboard" prefetch={false}>← all flags</Link></p>
        <h1><code>{key}</code></h1>
        <FlashBanner flash={flash} />
        <Unavailable error={e} />
      </section>
    );
  }
  const { doc, summary, now, past } = data;
  const flag = doc.flag;
  const meta = flag.metadata ?? {};
  return (
    <section className="dashboard" data-testid="flag-page" data-flag={key} data-version={doc.version}>
      <p><Link href="/dashboard" prefetch={false}>← all flags</Link></p>
      <h1>
        <code>{key}</code> <span className={`badge ${flag.on ? 'on' : 'off'}`}>{flag.on ? 'on' : 'off'}</span>
      </h1>
      <p className="meta">
        {meta.description ?? 'no description'}
        <br />
        owner <b>{meta.owner ?? 'none'}</b> · {flag.clientVisible ? 'client-visible' : 'server only'}
        {meta.tags?.length ? ` · ${meta.tags.join(', ')}` : ''} · as of snapshot version <b data-testid="flag-version">{doc.version}</b>
        {summary && <> · <StaleBadge flag={summary} /></>}
      </p>
      <FlashBanner flash={flash} />

      <section className="card">
        <h2>Kill switch</h2>
        <KillSwitch flag={key} on={flag.on !== false} version={doc.version} />
      </section>

      <section className="card" id="ramp">
        <h2>Ramp</h2>
        <RampForm flag={key} version={doc.version} options={rampOptions(key, flag)} />
        {flash?.ramp && <RampResult flagKey={key} ramp={flash.ramp} />}
      </section>

      <section className="card">
        <h2>Targeting lists</h2>
        <Targets flagKey={key} flag={flag} version={doc.version} />
      </section>

      <section className="card" id="history">
        <h2>History</h2>
        <History flagKey={key} entries={past.entries} current={doc.version} now={now} />
      </section>

      <HealthPanel />

      <details className="card">
        <summary>The flag&apos;s document at version {doc.version}</summary>
        <pre className="doc">{JSON.stringify(flag, null, 2)}</pre>
      </details>
    </section>
  );
}
