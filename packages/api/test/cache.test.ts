import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { connectReadOnly, createApiApp } from '../src';
import { VersionedCache } from '../src/data-version';
import { loadFixture } from './support/fixture';

describe('VersionedCache', () => {
  it('answers from the cache while the version holds, computes again when it changes, and never keeps a failure', async () => {
    const cache = new VersionedCache<number>();
    let computed = 0;
    const compute = async () => (computed += 1);
    expect(await Promise.all([cache.get('k', 'v1', compute), cache.get('k', 'v1', compute)])).toEqual([1, 1]);
    expect(await cache.get('k', 'v2', compute)).toBe(2);
    await expect(cache.get('k', 'v3', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', 'v3', compute)).toBe(3);
  });
});

describe('GET /api/sensors after new data', () => {
  let admin: TestDatabase;
  beforeAll(async () => {
    admin = await createTestDatabase();
    await loadFixture(admin);
  });
  afterAll(() => admin.drop());

  it('answers with the new data within seconds of a write (the cache follows the data version)', async () => {
    const api = connectReadOnly({ kind: 'url', url: admin.url });
    const app = createApiApp({ database: api });
    const sensors = async () => ((await (await app.request('/api/sensors')).json()) as { sensors: { deviceId: string }[] }).sensors.map((s) => s.deviceId);
    try {
      expect(await sensors()).toEqual(['s1', 's2', 's3']);
      await admin.pool.query(`insert into sensors (device_id, latitude, longitude) values ('s4', 40, 116)`);
      const deadline = Date.now() + 20_000;
      let seen = await sensors();
      while (seen.length === 3 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        seen = await sensors();
      }
      expect(seen).toEqual(['s1', 's2', 's3', 's4']);
    } finally {
      await api.close();
    }
  });
});
