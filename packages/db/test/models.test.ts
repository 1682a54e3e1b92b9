import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { getCurrentModel, listModels, promoteModel, registerModel, DatabaseInputError } from '../src';

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
