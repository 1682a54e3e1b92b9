import { connectionSettingsFromEnv, DatabaseUnavailableError, openDatabase, poolConfig } from '../src';

describe('connectionSettingsFromEnv', () => {
  it('uses DATABASE_URL when it is set', () => {
    expect(connectionSettingsFromEnv({ DATABASE_URL: 'postgres://u:p@localhost:5432/airfill' })).toEqual({ kind: 'url', url: 'postgres://u:p@localhost:5432/airfill' });
  });

  it('uses IAM authentication from the cloud variables', () => {
    expect(connectionSettingsFromEnv({ DB_HOST: 'cluster.eu-west-1.rds.amazonaws.com', DB_NAME: 'airfill', DB_USER: 'airfill_app', AWS_REGION: 'eu-west-1' })).toEqual({
      kind: 'iam',
      host: 'cluster.eu-west-1.rds.amazonaws.com',
      port: 5432,
      database: 'airfill',
      user: 'airfill_app',
      region: 'eu-west-1',
    });
  });

  it('refuses an environment with neither', () => {
    expect(() => connectionSettingsFromEnv({ DB_HOST: 'x' })).toThrow();
  });
});

describe('poolConfig', () => {
  it('connects with IAM tokens over TLS verified against the RDS certificate authorities', () => {
    const config = poolConfig({ kind: 'iam', host: 'h', port: 5432, database: 'd', user: 'u', region: 'eu-west-1' });
    expect(typeof config.password).toBe('function');
    expect(config.ssl).toMatchObject({ rejectUnauthorized: true });
    const ca = (config.ssl as { ca: string[] }).ca;
    expect(ca.length).toBeGreaterThan(10);
    expect(ca[0]).toMatch(/BEGIN CERTIFICATE/);
  });

  it('passes a URL through unchanged', () => {
    expect(poolConfig({ kind: 'url', url: 'postgres://localhost/x' }, 2)).toEqual({ connectionString: 'postgres://localhost/x', max: 2 });
  });
});

describe('openDatabase on a server that says no', () => {
  const admin = () => new URL(process.env.AIRFILL_TEST_ADMIN_URL!);

  it('names a wrong password in one sentence, without the password', async () => {
    const url = admin();
    url.password = 'not-the-password';
    const failure = openDatabase({ databaseUrl: url.toString() });
    await expect(failure).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(failure).rejects.toThrow(`PostgreSQL at ${url.hostname}:${url.port} refused the password of user "${url.username}"`);
  });

  it('names a database that does not exist', async () => {
    const url = admin();
    url.pathname = '/no_such_database';
    await expect(openDatabase({ databaseUrl: url.toString() })).rejects.toThrow(`database "no_such_database" does not exist on PostgreSQL at ${url.hostname}:${url.port}`);
  });

  it('names a host that does not exist', async () => {
    await expect(openDatabase({ databaseUrl: 'postgres://u:secret@no-such-host.invalid:5432/x' })).rejects.toThrow(/cannot find the host of postgres:\/\/u:\*\*\*@no-such-host\.invalid:5432\/x/);
  });
});
