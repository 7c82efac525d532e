/**
 * A state-changing request must come from a page of this app: its Origin names the host the
 * request was sent to (or the configured public URL). Browsers always send Origin on a POST, so a
 * missing one is refused too. This is the CSRF defence besides the SameSite=Lax cookie. Plain
 * headers in, no framework: the proxy (before any route) and the mutation wrapper both apply it.
 */
export function originAllowed(requestHeaders: Headers, publicUrl: string | undefined): boolean {
  const origin = requestHeaders.get('origin');
  if (!origin || origin === 'null') return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  const allowed = new Set<string>();
  const host = requestHeaders.get('x-forwarded-host') ?? requestHeaders.get('host');
  if (host) allowed.add(host.split(',')[0]!.trim().toLowerCase());
  if (publicUrl && URL.canParse(publicUrl)) allowed.add(new URL(publicUrl).host.toLowerCase());
  return allowed.has(originHost);
}

