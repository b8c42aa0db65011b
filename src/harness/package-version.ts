/**
 * Installed version of a package, read from its own package.json. Works for packages whose `exports`
 * hide `package.json`: resolve the entry point, then walk up to the manifest with the package's name.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const cache = new Map<string, string | null>();

/** The version, or `null` when the package is not installed. */
export function packageVersion(name: string): string | null {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  let version: string | null = null;
  try {
    let directory = dirname(require.resolve(name));
    for (;;) {
      try {
        const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (manifest.name === name && typeof manifest.version === 'string') {
          version = manifest.version;
          break;
        }
      } catch {
        // no manifest here; keep walking up
      }
      const parent = dirname(directory);
      if (parent === directory) break;
      directory = parent;
    }
  } catch {
    version = null;
  }
  cache.set(name, version);
  return version;
}
