'use client';
// The checkout experiment's three arms. Reading the flag here records the exposure: the visitor
// saw this arm.
import { useFlag } from 'edgeflag/react';

const ARMS: Record<string, { headline: string; button: string }> = {
  control: { headline: 'Checkout', button: 'Pay now' },
  a: { headline: 'Checkout — free returns for 30 days', button: 'Complete purchase' },
  b: { headline: 'One-click checkout', button: 'Buy in one click' },
};

export default function Checkout({ variant }: { variant: string }) {
  const served = useFlag('checkout_experiment', 'control');
  const arm = ARMS[variant];
  return (
    <section className={`checkout arm-${variant}`} data-testid="checkout" data-variant={variant} data-served={served}>
      <h1>{arm.headline}</h1>
      <div className="cart">1 × Team plan, annual · $480.00</div>
      <button className="pay">{arm.button}</button>
      <p className="note">
        Variant <b>{variant}</b> of <code>checkout_experiment</code>, chosen by the edge middleware from your key and
        served by a rewrite: the address stays /checkout.
      </p>
    </section>
  );
}
