'use client';

// The last resort when even the root layout failed: plain HTML, no theme.
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
        <h1>Corral admin could not load</h1>
        <p>{error.digest ? `Reference ${error.digest} in the server log.` : error.message}</p>
        <button type="button" onClick={reset}>
          Try again
        </button>
      </body>
    </html>
  );
}
