import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { CurrentModelMovedError, getCurrentModel, listPromotions, promoteModel, promoteOnRequest, PromotionRefusedError, registerModel, rollbackOnRequest } from '../src';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const model = (version: string, promote?: boolean) => ({
  version,
  parameter: 'NO2',
  artifactUri: `/models/${version}`,
  featureContract: {},
  metrics: promote === undefined ? { model: { mae: 1 } } : { model: { mae: 1 }, gate: { promote, reason: promote ? 'beats it' : 'worse at night' } },
});
const current = async () => (await getCurrentModel(database, 'NO2'))?.version;

describe('the shared promotion decisions', () => {
  beforeAll(async () => {
    // n0 was current before the ledger existed (no entry); n1 approved, n2 refused by the gate, n3 from before the gate.
    for (const [version, promote] of [['n0', undefined], ['n1', true], ['n2', false], ['n3', undefined]] as const) await registerModel(database, model(version, promote));
    await database.pool.query(`update models set status = 'current', promoted_at = now() where version = 'n0'`);
  });

  it('promotes on request, naming the model it replaced even when that one has no ledger entry', async () => {
    const change = await promoteOnRequest(database, 'n1', { reason: 'better', actor: 'test' });
    expect(change).toMatchObject({ parameter: 'NO2', replaced: 'n0', action: 'promote', forced: false, changed: true, reason: 'better' });
    expect(change.model.version).toBe('n1');
  });

  it('refuses a model the gate refused unless forced, before the caller\u2019s check and without a change', async () => {
    const usable = jest.fn();
    await expect(promoteOnRequest(database, 'n2', { reason: 'try', actor: 'test', usable })).rejects.toBeInstanceOf(PromotionRefusedError);
    expect(usable).not.toHaveBeenCalled();
    expect(await current()).toBe('n1');
    const forced = await promoteOnRequest(database, 'n2', { reason: 'try', actor: 'test', force: true, usable });
    expect(forced).toMatchObject({ replaced: 'n1', forced: true, changed: true });
    expect(usable).toHaveBeenCalledTimes(1);
  });

  it('changes nothing for the current model asked again, and reports the entry that made it current', async () => {
    const entries = (await listPromotions(database, 'NO2')).length;
    expect(await promoteOnRequest(database, 'n2', { reason: 'again', actor: 'test', force: true })).toMatchObject({ replaced: 'n1', forced: true, changed: false, reason: 'try' });
    expect(await listPromotions(database, 'NO2')).toHaveLength(entries);
  });

  it('lets the caller refuse a model it cannot serve before anything changes', async () => {
    const refuse = () => {
      throw new Error('not servable here');
    };
    await expect(promoteOnRequest(database, 'n3', { reason: 'x', actor: 'test', usable: refuse })).rejects.toThrow('not servable here');
    await expect(rollbackOnRequest(database, 'NO2', { reason: 'x', actor: 'test', usable: refuse })).rejects.toThrow('not servable here');
    expect(await current()).toBe('n2');
  });

  it('rolls back one step; with "from", a repeat recognises itself and any other current model is refused', async () => {
    const back = await rollbackOnRequest(database, 'NO2', { reason: 'worse live', actor: 'test', from: 'n2' });
    expect(back).toMatchObject({ replaced: 'n2', action: 'rollback', changed: true });
    expect(back.model.version).toBe('n1');
    const entries = (await listPromotions(database, 'NO2')).length;
    expect(await rollbackOnRequest(database, 'NO2', { reason: 'worse live', actor: 'test', from: 'n2' })).toMatchObject({ replaced: 'n2', changed: false });
    expect(await listPromotions(database, 'NO2')).toHaveLength(entries);
    expect(await current()).toBe('n1');

    await promoteModel(database, 'n3', { action: 'promote', reason: 'someone else', actor: 'other' });
    await expect(rollbackOnRequest(database, 'NO2', { reason: 'stale', actor: 'test', from: 'n2' })).rejects.toBeInstanceOf(CurrentModelMovedError);
    expect(await current()).toBe('n3');
  });
});
