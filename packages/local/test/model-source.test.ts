import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promoteModel, registerModel } from '@airfill/db';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { DEFAULT_MODELS_DIR, modelSetEntry } from '@airfill/model';
import { chooseModel } from '../src';
import { findModelSource } from '../src/model-source';

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'airfill-model-source-'));
});
afterAll(async () => {
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('findModelSource (the one decision of run and status)', () => {
  it("takes the default model without a registry entry, the registry's current model when its files are here, and the default again with a note when they are gone", async () => {
    const pm25 = (await modelSetEntry('PM 2.5', DEFAULT_MODELS_DIR))!;
    expect(await findModelSource(database, 'PM 2.5')).toEqual({ source: 'default', dir: pm25.dir, version: pm25.version });

    const artifact = path.join(dir, 'pm25-registered');
    await cp(pm25.dir, artifact, { recursive: true });
    await registerModel(database, { version: pm25.version, parameter: 'PM 2.5', artifactUri: artifact, featureContract: {}, metrics: {} });
    await promoteModel(database, pm25.version);
    expect(await findModelSource(database, 'PM 2.5')).toEqual({ source: 'registry', dir: artifact, version: pm25.version });
    // The run loads what the decision names.
    expect(await chooseModel(database, 'PM 2.5', {})).toMatchObject({ source: 'registry', model: { version: pm25.version } });

    await rm(artifact, { recursive: true, force: true });
    const gone = await findModelSource(database, 'PM 2.5');
    expect(gone).toMatchObject({ source: 'default', dir: pm25.dir, note: expect.stringMatching(/is registered at .*pm25-registered, which is not here; using the default model/) });
    expect(await chooseModel(database, 'PM 2.5', {})).toMatchObject({ source: 'default', note: gone?.source === 'default' ? gone.note : '' });
  });

  it('finds nothing for a parameter no model fills', async () => {
    expect(await findModelSource(database, 'CO')).toBeUndefined();
    expect(await chooseModel(database, 'CO', {})).toBeUndefined();
  });
});
