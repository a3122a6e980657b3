import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium (infra/ensure-chromium.sh installs it), driven by playwright-core. Headless,
 * with the background networking that this closed network refuses turned off.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
