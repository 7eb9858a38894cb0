// The kill switch: one button that turns the flag off (or back on), with a reason for the history.
import { switchAction } from '../../app/dashboard/actions';

export default function KillSwitch({ flag, on, version }: { flag: string; on: boolean; version: number }) {
  return (
    <form action={switchAction} className="controls" data-testid="kill-switch-form">
      <input type="hidden" name="key" value={flag} />
      <input type="hidden" name="expected" value={version} />
      <input type="hidden" name="on" value={String(!on)} />
      <span>
        The flag is <b className={`badge ${on ? 'on' : 'off'}`} data-testid="flag-state">{on ? 'on' : 'off'}</b>
        {on ? ' — off serves everyone its off variation.' : ' — everyone gets its off variation.'}
      </span>
      <input name="reason" placeholder="reason (for the history)" className="reason" />
      <button type="submit" className={on ? 'danger' : ''} data-testid="kill-switch">
        {on ? 'Turn off (kill switch)' : 'Turn back on'}
      </button>
    </form>
  );
}
