import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MIGRATIONS_FOLDER } from '@airfill/db';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { ensureAppUser, migrate, readMasterSecret, silentLogger } from '../src';


let database: TestDatabase;
const appUser = `airfill_app_${randomBytes(4).toString('hex')}`;
const secrets = mockClient(SecretsManagerClient);

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
});
afterAll(async () => {
  secrets.restore();
  // Roles belong to the server, not the database: remove the test's.
  await database.pool.query(`drop owned by ${appUser}; drop role if exists ${appUser}`).catch(() => undefined);
  await database.drop();
});

describe('readMasterSecret', () => {
  it('reads username and password of the RDS-managed secret', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'postgres', password: 'p@ss' }) });
    const client = new SecretsManagerClient({ region: 'eu-west-1' });
    expect(await readMasterSecret(client, 'arn:aws:secretsmanager:eu-west-1:1:secret:rds-x')).toEqual({ username: 'postgres', password: 'p@ss' });
    expect(secrets.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:rds-x' });
  });

  it('names a secret without credentials an InputError', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"user":"x"}' });
    await expect(readMasterSecret(new SecretsManagerClient({ region: 'eu-west-1' }), 'arn:s')).rejects.toMatchObject({ name: 'InputError' });
  });
});

describe('migrating as master', () => {
  it('creates the app user once and lets it read and write every table, present and future', async () => {
    const first = await migrate({ database, bucket: { s3: undefined as never, name: 'unused' }, logger: silentLogger }, { migrationsFolder: MIGRATIONS_FOLDER, appUser }, {});
    expect(first).toEqual({ migrated: true, appUser: { name: appUser, created: true } });
    const { rows } = await database.pool.query<{ table_name: string; ok: boolean }>(
      `select table_name, has_table_privilege($1, format('public.%I', table_name), 'select, insert, update, delete') as ok
         from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
      [appUser],
    );
    expect(rows.length).toBeGreaterThanOrEqual(7);
    expect(rows.filter((row) => !row.ok)).toEqual([]);
    // A table made by a later migration is covered too.
    await database.pool.query('create table later_table (id int)');
    const later = await database.pool.query<{ ok: boolean }>(`select has_table_privilege($1, 'public.later_table', 'insert') as ok`, [appUser]);
    expect(later.rows[0]?.ok).toBe(true);
    await database.pool.query('drop table later_table');

    expect(await ensureAppUser(database, appUser)).toEqual({ created: false });
  });

  it('refuses a user name that is not a plain identifier', async () => {
    await expect(ensureAppUser(database, 'x; drop table runs')).rejects.toMatchObject({ name: 'InputError' });
  });
});
