// The demo's sign-in link: `/api/sign-in?as=pro-beta` names a persona (lib/personas.ts) in a
// cookie and goes back to the app; without `as`, signs out.
import { NextResponse, type NextRequest } from 'next/server';
import { PERSONAS, USER_COOKIE } from '../../../lib/personas';

export function GET(request: NextRequest) {
  const as = request.nextUrl.searchParams.get('as') ?? '';
  const to = request.nextUrl.searchParams.get('to') ?? '/';
  const response = NextResponse.redirect(new URL(/^\/(?!\/)/.test(to) ? to : '/', request.url));
  if (PERSONAS[as]) response.cookies.set(USER_COOKIE, as, { path: '/', maxAge: 31536000, sameSite: 'lax' });
  else response.cookies.delete(USER_COOKIE);
  return response;
}
