#!/usr/bin/env node
/**
 * Completes package-lock.json with the platform-specific optional packages that this
 * workplace's npm mirror does not serve (e.g. @biomejs/cli-darwin-arm64, @esbuild/win32-x64).
 *
 * npm records an optional dependency it could not fetch as missing, and `npm ci` then refuses the
 * lockfile as out of sync. Each missing entry is added with its version and its `os`/`cpu`/`libc`
 * (read from the package name, which is how these binary packages are named), so npm skips it on
 * other platforms and, on its own platform, fetches exactly that version from the registry.
 * Run it after any `npm install`: `node scripts/complete-lockfile.js`.
 */
const fs = require('node:fs');
const path = require('node:path');

const OS = [
  'darwin',
  'linux',
  'win32',
  'android',
  'freebsd',
  'openbsd',
  'netbsd',
  'sunos',
  'aix',
  'openharmony',
];
const CPU = ['x64', 'arm64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];

function platformOf(name) {
  const tokens = name.split('/').pop().split('-');
  const os = tokens.find((t) => OS.includes(t));
  let cpu = tokens.find((t) => CPU.includes(t));
  if (!cpu && tokens.includes('gnueabihf')) cpu = 'arm';
  const libc = tokens.includes('musl') ? 'musl' : tokens.includes('gnu') ? 'glibc' : undefined;
  if (!os && !cpu) return undefined;
  return {
    ...(os ? { os: [os] } : {}),
    ...(cpu ? { cpu: [cpu] } : {}),
    ...(libc && os === 'linux' ? { libc: [libc] } : {}),
  };
}

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const added = [];
const skipped = [];
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ''}node_modules/${dep}`;
    const top = `node_modules/${dep}`;
    if (lock.packages[nested] || lock.packages[top]) continue;
    const platform = platformOf(dep);
    if (!platform || !/^\d+\.\d+\.\d+/.test(version)) {
      skipped.push(`${dep}@${version}`);
      continue;
    }
    lock.packages[top] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform };
    added.push(`${dep}@${version}`);
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  `lockfile: added ${added.length} platform packages${skipped.length ? `; could not place: ${skipped.join(', ')}` : ''}`,
);
