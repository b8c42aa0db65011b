/**
 * Headless Chromium for browser tests, through playwright-core and the system's Chromium
 * (`apt-get install -y chromium`; CI installs it). No browser is downloaded.
 *
 * - `/usr/bin/chromium` missing: `browserAvailability()` says why, and tests fail with that message…
 * - …unless `GCB_SKIP_BROWSER=1`, in which case they are skipped (visibly, with the reason).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.GCB_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, offline headless Chromium in a container. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export const INSTALL_HINT = 'apt-get install -y chromium';

export type BrowserAvailability =
  | { readonly kind: 'available'; readonly path: string }
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'missing'; readonly reason: string };

/** Whether browser tests can run here, should be skipped (GCB_SKIP_BROWSER=1), or must fail. */
export function browserAvailability(path = CHROMIUM_PATH): BrowserAvailability {
  if (process.env.GCB_SKIP_BROWSER === '1') return { kind: 'skip', reason: 'GCB_SKIP_BROWSER=1: browser tests skipped' };
  if (!existsSync(path)) {
    return {
      kind: 'missing',
      reason: `Chromium not found at ${path}: install it with \`${INSTALL_HINT}\` (CI installs it), or set GCB_SKIP_BROWSER=1 to skip browser tests.`,
    };
  }
  return { kind: 'available', path };
}

/** Launches headless Chromium; throws the install hint when it is missing. */
export async function launchChromium(path = CHROMIUM_PATH): Promise<Browser> {
  const availability = browserAvailability(path);
  if (availability.kind === 'missing') throw new Error(availability.reason);
  return chromium.launch({ executablePath: path, args: [...CHROMIUM_ARGS] });
}
