// Reached only without the middleware (it rewrites /checkout to the variant's page).
export default function CheckoutFallback() {
  return <p className="note">The checkout experiment is served by the edge middleware.</p>;
}
