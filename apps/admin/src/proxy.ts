import { NextResponse, type NextRequest } from 'next/server';
import { originAllowed } from '@/lib/origin-rule.ts';

/**
 * Every request that can change something (any method but GET/HEAD/OPTIONS: server actions,
 * sign-in, sign-out) must come from a page of this app. Refused here with a 403 before any route
 * runs; the mutation wrapper checks again.
 */
export function proxy(request: NextRequest) {
  if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return NextResponse.next();
  if (originAllowed(request.headers, process.env.ADMIN_PUBLIC_URL || undefined)) return NextResponse.next();
  return new NextResponse('Refused: this request did not come from a page of this app (Origin mismatch).\n', {
    status: 403,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

export const config = { matcher: '/((?!_next/static|_next/image|favicon.ico).*)' };
