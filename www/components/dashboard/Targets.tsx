// A flag's target lists, per variation: tick keys to remove them, type keys to add (to the list
// of that attribute, `key` unless named). Hashed keys (from a client-safe export) are counted only.
import { targetsAction } from '../../app/dashboard/actions';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export default function Targets({ flagKey, flag, version }: { flagKey: string; flag: Json; version: number }) {
  const names: string[] = (flag.variations ?? []).map((v: Json) => String(v.name));
  const nameOf = (ref: unknown) => (typeof ref === 'number' ? names[ref] : String(ref));
  const targets = ((flag.targets ?? []) as Json[]).filter((t) => !t.contextKind);
  return (
    <div className="targets">
      {names.map((variation) => {
        const lists = targets.filter((t) => nameOf(t.variation) === variation);
        const hasKeyList = lists.some((t) => (t.attribute ?? 'key') === 'key');
        return (
          <div key={variation} className="target-variation" data-testid="targets" data-variation={variation}>
            <h3>
              serve <code>{variation}</code> to
            </h3>
            {lists.map((t) => (
              <TargetForm key={t.attribute ?? 'key'} flagKey={flagKey} version={version} variation={variation} attribute={t.attribute ?? 'key'} values={(t.values ?? []).map(String)} hashes={(t.hashes ?? []).length} />
            ))}
            {!hasKeyList && <TargetForm flagKey={flagKey} version={version} variation={variation} attribute={null} values={[]} hashes={0} />}
          </div>
        );
      })}
    </div>
  );
}

function TargetForm(props: { flagKey: string; version: number; variation: string; attribute: string | null; values: string[]; hashes: number }) {
  const { flagKey, version, variation, attribute, values, hashes } = props;
  return (
    <form action={targetsAction} className="stack target-list" data-attribute={attribute ?? ''}>
      <input type="hidden" name="key" value={flagKey} />
      <input type="hidden" name="expected" value={version} />
      <input type="hidden" name="variation" value={variation} />
      {attribute !== null && <input type="hidden" name="attribute" value={attribute} />}
      <div>
        {attribute === null ? (
          <span className="meta">no one listed</span>
        ) : (
          <>
            <span className="meta">{attribute} in</span>{' '}
            {values.map((v) => (
              <label key={v} className="chip">
                <input type="checkbox" name="remove" value={v} /> <code>{v}</code>
              </label>
            ))}
            {hashes > 0 && <span className="meta"> and {hashes} hashed</span>}
          </>
        )}
      </div>
      <div className="controls">
        {attribute === null && <input name="attribute" placeholder="attribute (key)" className="attr" />}
        <input name="add" placeholder="keys to add, comma-separated" className="keys" data-testid={`add-${variation}`} />
        <input name="reason" placeholder="reason" className="reason" />
        <button type="submit" data-testid={`targets-submit-${variation}`}>{values.length ? 'Add / remove ticked' : 'Add'}</button>
      </div>
    </form>
  );
}
