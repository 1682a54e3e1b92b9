import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { getCurrentModel, listModels, listPromotions, promoteModel, registerModel, rollbackModel, DatabaseInputError } from '../src';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const candidate = (version: string, parameter = 'PM 2.5') => ({
  version,
  parameter,
  artifactUri: `/models/${version}`,
  featureContract: { version: 'airfill-features-1', columns: ['a'] },
  metrics: { model: { mae: 1 } },
});

describe('model registry', () => {
  it('registers a candidate once; a repeat returns the stored row unchanged', async () => {
    const first = await registerModel(database, candidate('m1'));
    const again = await registerModel(database, { ...candidate('m1'), artifactUri: '/elsewhere' });
    expect(first.status).toBe('candidate');
    expect(again.artifactUri).toBe('/models/m1');
    expect(await getCurrentModel(database, 'PM 2.5')).toBeUndefined();
  });

  it('promotes a model to current and retires the previous current one of the same parameter only', async () => {
    await registerModel(database, candidate('m2'));
    await registerModel(database, candidate('o1', 'O3'));
    await promoteModel(database, 'm1');
    await promoteModel(database, 'o1');
    const promoted = await promoteModel(database, 'm2');
    expect(promoted.status).toBe('current');
    expect(promoted.promotedAt).toBeInstanceOf(Date);
    expect((await getCurrentModel(database, 'PM 2.5'))?.version).toBe('m2');
    expect((await getCurrentModel(database, 'O3'))?.version).toBe('o1');
    const statuses = Object.fromEntries((await listModels(database, 'PM 2.5')).map((row) => [row.version, row.status]));
    expect(statuses).toEqual({ m1: 'retired', m2: 'current' });
  });

  it('refuses to promote a version that is not registered', async () => {
    await expect(promoteModel(database, 'nope')).rejects.toThrow(DatabaseInputError);
  });
});

describe('promotions and rollback', () => {
  const current = async (parameter: string) => (await getCurrentModel(database, parameter))?.version;

  it('records every change of the current model with who, why and what it replaced; promoting the current one again records nothing', async () => {
    for (const version of ['n1', 'n2', 'n3']) await registerModel(database, candidate(version, 'NO2'));
    await promoteModel(database, 'n1');
    await promoteModel(database, 'n2', { action: 'promote', reason: 'better on winter data', forced: true, actor: 'ana' });
    await promoteModel(database, 'n2', { action: 'promote', reason: 'again', actor: 'ana' });
    const ledger = await listPromotions(database, 'NO2');
    expect(ledger.map(({ version, previousVersion, action, forced, reason, actor }) => ({ version, previousVersion, action, forced, reason, actor }))).toEqual([
      { version: 'n2', previousVersion: 'n1', action: 'promote', forced: true, reason: 'better on winter data', actor: 'ana' },
      { version: 'n1', previousVersion: null, action: 'gate', forced: false, reason: 'the evaluation gate promoted it', actor: 'airfill' },
    ]);
  });

  it('rolls back one step at a time, further back each time, and says when there is nothing left', async () => {
    await promoteModel(database, 'n3');
    expect(await current('NO2')).toBe('n3');
    expect(await rollbackModel(database, 'NO2', { reason: 'drifting', actor: 'ana' })).toEqual({ parameter: 'NO2', from: 'n3', to: 'n2' });
    expect(await rollbackModel(database, 'NO2', { reason: 'still bad', actor: 'ana' })).toEqual({ parameter: 'NO2', from: 'n2', to: 'n1' });
    expect(await current('NO2')).toBe('n1');
    await expect(rollbackModel(database, 'NO2', { reason: 'again', actor: 'ana' })).rejects.toThrow(/no earlier model to roll back to \(current: n1\)/);
    expect(await current('NO2')).toBe('n1');
    const statuses = Object.fromEntries((await listModels(database, 'NO2')).map((row) => [row.version, row.status]));
    expect(statuses).toEqual({ n1: 'current', n2: 'retired', n3: 'retired' });
    expect((await listPromotions(database, 'NO2'))[0]).toMatchObject({ version: 'n1', action: 'rollback', reason: 'still bad', previousVersion: null });
  });

  it('refuses to roll back a parameter without a current model', async () => {
    await expect(rollbackModel(database, 'SO2', { reason: 'x', actor: 'ana' })).rejects.toThrow(DatabaseInputError);
  });

  it('rolls back to the latest retired model when the current one was promoted before the ledger existed', async () => {
    for (const version of ['c1', 'c2']) await registerModel(database, candidate(version, 'CO'));
    await database.pool.query(`update models set status = 'retired', promoted_at = now() - interval '1 day' where version = 'c1'`);
    await database.pool.query(`update models set status = 'current', promoted_at = now() where version = 'c2'`);
    expect(await rollbackModel(database, 'CO', { reason: 'old ledger', actor: 'ana' })).toEqual({ parameter: 'CO', from: 'c2', to: 'c1' });
  });
});
