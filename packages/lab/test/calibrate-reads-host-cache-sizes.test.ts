// calibrate takes the host's cache sizes from sysfs, as Linux reports them
// for CPU 0: the unified L2 as the private cache, the last level divided by
// the CPUs that share it; with no sysfs it keeps the kernel profile's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readHostCaches } from '../src/calibrate/host-caches.js';

test('L2 and the LLC share per CPU come from a sysfs cache directory', () => {
  const caches = readHostCaches(fileURLToPath(new URL('../../test/fixtures/sysfs-cache', import.meta.url)));
  assert.ok(caches !== null);
  assert.equal(caches.privateCacheBytes, 1024 * 1024);
  assert.equal(caches.llcBytesPerCore, (32 * 1024 * 1024) / 4, 'L3 of 32 MiB shared by CPUs 0-1,4-5');
  assert.match(caches.text, /L2 1024 KiB .* L3 32768 KiB shared by 4 CPU\(s\)/);
  assert.equal(readHostCaches('/nonexistent/cache'), null);
});
