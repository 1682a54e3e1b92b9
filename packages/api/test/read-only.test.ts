import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { API_LOGIN_ROLE, connectReadOnly, READ_ONLY_ROLE } from '../src';
import { loadFixture } from './support/fixture';

let admin: TestDatabase;
beforeAll(async () => {
  admin = await createTestDatabase();
  await loadFixture(admin);
});
afterAll(() => admin.drop());

/** A client that acts as `role` in read-write transactions: only the role's privileges stand in the way. */
async function actingAs<T>(role: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: admin.url, options: `-c role=${role}` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const WRITES = [
  ['insert', `insert into sensors (device_id, latitude, longitude) values ('intruder', 0, 0)`],
  ['update', `update readings set value = 0`],
  ['delete', `delete from imputations`],
  ['truncate', `truncate runs cascade`],
  ['create', `create table scratch (x int)`],
  ['insert into models', `insert into models (version, parameter, artifact_uri, feature_contract, metrics) values ('x', 'p', 'u', '{}', '{}')`],
];

describe('the read-only role of the API (migration 0003)', () => {
  it.each([READ_ONLY_ROLE, API_LOGIN_ROLE])('%s reads every table and the filled view', async (role) => {
    const counts = await actingAs(role, async (client) => {
      const tables = ['sensors', 'sensor_channels', 'readings', 'imputations', 'runs', 'claims', 'models', 'readings_filled'];
      return Promise.all(tables.map(async (table) => Number((await client.query(`select count(*) as n from ${table}`)).rows[0].n)));
    });
    expect(counts).toEqual([3, 4, 244, 4, 2, 0, 1, 244]);
  });

  it.each(WRITES)('%s: %s is refused for airfill_readonly even in a read-write transaction', async (_name, sql) => {
    await actingAs(READ_ONLY_ROLE, async (client) => {
      await expect(client.query(sql)).rejects.toMatchObject({ code: '42501' });
    });
  });

  it('airfill_api, the API Lambda login, cannot write either', async () => {
    await actingAs(API_LOGIN_ROLE, async (client) => {
      await expect(client.query(WRITES[0]![1]!)).rejects.toMatchObject({ code: '42501' });
      await expect(client.query(WRITES[2]![1]!)).rejects.toMatchObject({ code: '42501' });
    });
  });

  it('the API pool reads as the read-only role in read-only transactions, though the URL logs in as a superuser', async () => {
    const api = connectReadOnly({ kind: 'url', url: admin.url });
    try {
      const { rows } = await api.pool.query<{ role: string; readonly: string }>(`select current_user as role, current_setting('transaction_read_only') as readonly`);
      expect(rows).toEqual([{ role: READ_ONLY_ROLE, readonly: 'on' }]);
      await expect(api.pool.query(WRITES[1]![1]!)).rejects.toMatchObject({ code: '25006' });
      await expect(api.pool.query('set transaction read write')).resolves.toBeDefined();
      // Even where a client lifts the read-only default, the role's privileges stop the write.
      const client = await api.pool.connect();
      try {
        await client.query('begin read write');
        await expect(client.query(WRITES[1]![1]!)).rejects.toMatchObject({ code: '42501' });
        await client.query('rollback');
      } finally {
        client.release();
      }
    } finally {
      await api.close();
    }
    expect(Number((await admin.pool.query(`select count(*) as n from readings where value = 0`)).rows[0].n)).toBe(0);
  });

  it('tables created by later migrations are readable by the role too (default privileges)', async () => {
    await admin.pool.query('create table later_table (x int)');
    await admin.pool.query('insert into later_table values (1)');
    const rows = await actingAs(READ_ONLY_ROLE, async (client) => (await client.query('select x from later_table')).rows);
    expect(rows).toEqual([{ x: 1 }]);
    await admin.pool.query('drop table later_table');
  });
});
