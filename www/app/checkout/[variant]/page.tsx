// One page per checkout variant. Visitors reach it only through /checkout, which the middleware
// rewrites to the variant their key buckets into (the URL stays /checkout).
import { notFound } from 'next/navigation';
import Checkout from '../../../components/Checkout';

const VARIANTS = ['control', 'a', 'b'];

export default async function CheckoutVariant({ params }: { params: Promise<{ variant: string }> }) {
  const { variant } = await params;
  if (!VARIANTS.includes(variant)) notFound();
  return <Checkout variant={variant} />;
}
