// The outcome of the last write (lib/flash.ts), at the top of the page it went back to.
import type { Flash } from '../../lib/flash';

export default function FlashBanner({ flash }: { flash: Flash | null }) {
  if (!flash) return null;
  return (
    <p className={`flash ${flash.kind}`} role="status" data-testid="flash" data-kind={flash.kind}>
      {flash.message}
    </p>
  );
}
