import { buildPipelineDefinition, MAX_CHUNK_CONCURRENCY } from '@airfill/workflow';
import { dev } from '../src/config/dev';
import { prod } from '../src/config/prod';
import { ConfigError } from '../src/errors';
import {
  assertDeployable,
  deployabilityProblems,
  ENVIRONMENT_CONFIGS,
  ENVIRONMENT_NAMES,
  loadAllEnvironmentConfigs,
  loadEnvironmentConfig,
  parseEnvironmentConfig,
  validateLayout,
} from '../src/config';

const withChanges = (changes: (config: typeof dev) => unknown) => changes(structuredClone(dev));

describe('environment config', () => {
  it.each(ENVIRONMENT_NAMES)('accepts the committed %s config', (name) => {
    const config = loadEnvironmentConfig(name);
    expect(config.name).toBe(name);
    expect(config.schedule.expression).toMatch(/^(rate|cron)\(/);
  });

  it('fills defaults: the five parameters the default models fill, every-24-hours schedule, the four endpoints the Lambdas call, all flow logs, the OIDC provider created', () => {
    const config = loadEnvironmentConfig('dev');
    expect(config.pipeline.parameters).toEqual(['NO2', 'O3', 'PM 10', 'PM 2.5', 'Temperature']);
    expect(config.pipeline.maxConcurrency).toBe(2);
    expect(config.schedule.expression).toBe('rate(24 hours)');
    expect(config.network.interfaceEndpoints).toEqual(['sagemaker.api', 'ssm', 'secretsmanager', 'states']);
    expect(config.network.flowLogs).toEqual({ trafficType: 'ALL', retentionDays: 30 });
    expect(config.ci).toMatchObject({ mainBranch: 'main', oidcProvider: 'create' });
    expect(config.functions.reservedConcurrency).toBeUndefined();
  });

  it('rejects a single subnet: Aurora needs two availability zones', () => {
    const input = withChanges((c) => ({ ...c, network: { ...c.network, subnets: c.network.subnets.slice(0, 1) } }));
    expect(() => parseEnvironmentConfig(input, 'one-subnet')).toThrow(ConfigError);
  });

  it('rejects two subnets in the same zone', () => {
    const [first] = dev.network.subnets;
    const input = withChanges((c) => ({ ...c, network: { ...c.network, subnets: [first, { ...first!, cidr: '10.10.32.0/20' }] } }));
    expect(() => parseEnvironmentConfig(input, 'same-zone')).toThrow(/own availability zone/);
  });

  it('rejects an engine version other than PostgreSQL 16', () => {
    const input = withChanges((c) => ({ ...c, database: { ...c.database, engineVersion: '15.4' } }));
    expect(() => parseEnvironmentConfig(input, 'pg15')).toThrow(/database\.engineVersion/);
  });

  it('rejects a major-only engine version: the pin is exact, upgrades are reviewed changes', () => {
    const input = withChanges((c) => ({ ...c, database: { ...c.database, engineVersion: '16' } }));
    expect(() => parseEnvironmentConfig(input, 'pg16')).toThrow(/database\.engineVersion: an exact/);
  });

  it('rejects transform settings SageMaker would refuse: concurrent payloads past 100 MB per instance', () => {
    const input = withChanges((c) => ({ ...c, transform: { ...c.transform, maxPayloadMb: 30, maxConcurrentTransforms: 4 } }));
    expect(() => parseEnvironmentConfig(input, 'payload')).toThrow(/transform\.maxConcurrentTransforms: maxPayloadMb x maxConcurrentTransforms must be at most 100/);
  });

  it('accepts 1 to 1,000 chunks at a time (pipeline.maxConcurrency), the range the state machine definition accepts', () => {
    const withChunks = (maxConcurrency: number) => parseEnvironmentConfig(withChanges((c) => ({ ...c, pipeline: { ...c.pipeline, maxConcurrency } })), 'chunks');
    const definitionWith = (maxConcurrency: number) =>
      buildPipelineDefinition({
        functions: { qualityCheck: 'q', planParameters: 'p', queryMissing: 'm', startTransform: 's', writePredictions: 'w', recordFailure: 'r' },
        chunkManifestBucket: 'bucket',
        transformTimeoutSeconds: 3600,
        maxConcurrency,
      });
    expect(MAX_CHUNK_CONCURRENCY).toBe(1000);
    for (const n of [1, MAX_CHUNK_CONCURRENCY]) {
      expect(withChunks(n).pipeline.maxConcurrency).toBe(n);
      expect(definitionWith(n).States.FillChunks).toMatchObject({ MaxConcurrency: n });
    }
    for (const n of [0, MAX_CHUNK_CONCURRENCY + 1]) {
      expect(() => withChunks(n)).toThrow(/pipeline\.maxConcurrency/);
      expect(() => definitionWith(n)).toThrow(RangeError);
    }
  });

  it('rejects more chunks at a time than each database function has reserved (they would throttle each other)', () => {
    const withReservation = (maxConcurrency: number) =>
      withChanges((c) => ({ ...c, pipeline: { ...c.pipeline, maxConcurrency }, functions: { ...c.functions, reservedConcurrency: { accountQuota: 1000, database: 20 } } }));
    expect(parseEnvironmentConfig(withReservation(20), 'reserved').pipeline.maxConcurrency).toBe(20);
    expect(() => parseEnvironmentConfig(withReservation(21), 'reserved')).toThrow(/pipeline\.maxConcurrency: 21 chunks at a time exceed the 20 reserved for each database function/);
  });

  it('rejects a production environment without an alarm subscriber', () => {
    const input = { ...structuredClone(prod), monitoring: { alarmEmails: [] } };
    expect(() => parseEnvironmentConfig(input, 'silent-prod')).toThrow(/monitoring\.alarmEmails: a production environment needs at least one alarm subscriber/);
  });

  it('rejects prod declared non-production, and production planned from pull requests or without deletion protection', () => {
    expect(() => parseEnvironmentConfig({ ...structuredClone(prod), production: false }, 'p')).toThrow(/production: prod is a production environment/);
    expect(() => parseEnvironmentConfig({ ...structuredClone(prod), ci: { ...prod.ci, planFromPullRequests: true } }, 'p')).toThrow(/ci\.planFromPullRequests/);
    expect(() => parseEnvironmentConfig({ ...structuredClone(prod), database: { ...prod.database, deletionProtection: false } }, 'p')).toThrow(/deletion protection/);
  });

  it('rejects reserved concurrency that would leave less than 100 of the account quota unreserved', () => {
    const tooMuch = withChanges((c) => ({ ...c, functions: { ...c.functions, reservedConcurrency: { accountQuota: 10, database: 2 } } }));
    expect(() => parseEnvironmentConfig(tooMuch, 'new-account')).toThrow(/functions\.reservedConcurrency: reserving 13 leaves less than the 100 unreserved/);
    const fits = withChanges((c) => ({ ...c, functions: { ...c.functions, reservedConcurrency: { accountQuota: 1000, database: 4 } } }));
    expect(parseEnvironmentConfig(fits, 'raised').functions.reservedConcurrency).toEqual({ accountQuota: 1000, migrate: 1, database: 4 });
  });

  it('checks quality control and plausibility settings at synth time, naming the bad field, and keeps them as written', () => {
    const badQuality = withChanges((c) => ({ ...c, pipeline: { ...c.pipeline, quality: { stuck: { minHours: -1 } } } }));
    expect(() => parseEnvironmentConfig(badQuality, 'q')).toThrow(/pipeline\.quality\.stuck\.minHours/);
    const unknownKey = withChanges((c) => ({ ...c, pipeline: { ...c.pipeline, quality: { stuk: {} } } }));
    expect(() => parseEnvironmentConfig(unknownKey, 'q')).toThrow(/pipeline\.quality/);
    const badRange = withChanges((c) => ({ ...c, pipeline: { ...c.pipeline, plausibility: { ranges: { 'PM 2.5': { min: 'low' } } } } }));
    expect(() => parseEnvironmentConfig(badRange, 'q')).toThrow(/pipeline\.plausibility\.ranges/);
    const good = withChanges((c) => ({ ...c, pipeline: { ...c.pipeline, quality: { alerts: { deadHours: 48 } }, plausibility: { ranges: { 'PM 2.5': { min: 0, max: 1500 } } } } }));
    expect(parseEnvironmentConfig(good, 'q').pipeline).toMatchObject({ quality: { alerts: { deadHours: 48 } }, plausibility: { ranges: { 'PM 2.5': { min: 0, max: 1500 } } } });
    expect(loadEnvironmentConfig('dev').pipeline).toMatchObject({ quality: {}, plausibility: {} });
  });

  it('rejects an XGBoost image from another region', () => {
    const input = withChanges((c) => ({
      ...c,
      model: { source: 'xgboost-artifact', imageUri: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1' },
    }));
    expect(() => parseEnvironmentConfig(input, 'wrong-region')).toThrow(/model\.imageUri: the image must be in eu-central-1/);
  });

  it('rejects serverless capacity on a provisioned instance class', () => {
    const input = withChanges((c) => ({ ...c, database: { ...c.database, instanceClass: 'db.r6g.large' } }));
    expect(() => parseEnvironmentConfig(input, 'mixed')).toThrow(/database\.serverless/);
  });

  it('rejects a Performance Insights retention AWS does not offer', () => {
    const input = withChanges((c) => ({ ...c, database: { ...c.database, performanceInsightsRetentionDays: 30 } }));
    expect(() => parseEnvironmentConfig(input, 'pi')).toThrow(/Performance Insights/);
  });

  it('accepts a model package per parameter instead of the artifacts, with its version, and names a parameter without one', () => {
    const pkg = (n: number) => ({ modelPackageArn: `arn:aws:sagemaker:eu-central-1:111111111111:model-package/airfill/${n}`, version: `canvas-${n}` });
    const input = withChanges((c) => ({
      ...c,
      pipeline: { ...c.pipeline, parameters: ['PM 2.5', 'PM 10'] },
      model: { source: 'model-package', packages: { 'PM 2.5': pkg(3), 'PM 10': pkg(4) } },
      training: { imageUri: '492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-xgboost:1.7-1' },
    }));
    expect(parseEnvironmentConfig(input, 'package').model).toMatchObject({ source: 'model-package', packages: { 'PM 2.5': { version: 'canvas-3' }, 'PM 10': { version: 'canvas-4' } } });
    const short = withChanges((c) => ({ ...c, pipeline: { ...c.pipeline, parameters: ['PM 2.5', 'NO2'] }, model: { source: 'model-package', packages: { 'PM 2.5': pkg(3) } } }));
    expect(() => parseEnvironmentConfig(short, 'short')).toThrow(/model\.packages: no model package for NO2/);
    // The training jobs need the XGBoost image, which the artifacts' config would otherwise give.
    const noImage = withChanges((c) => ({ ...c, model: { source: 'model-package', packages: { 'PM 2.5': pkg(3), 'PM 10': pkg(4), NO2: pkg(5), O3: pkg(6), Temperature: pkg(7) } } }));
    expect(() => parseEnvironmentConfig(noImage, 'no-image')).toThrow(/training\.imageUri: the training jobs need the XGBoost 1\.7-1 image/);
  });

  it('retrains weekly by default, every parameter the pipeline fills, and refuses a trained parameter without a package group', () => {
    // Without a training section (dev turns its schedule off).
    const defaults = parseEnvironmentConfig(withChanges((c) => ({ ...c, training: undefined })), 'training-defaults').training;
    expect(defaults).toMatchObject({ windowDays: 365, maxConcurrency: 4, schedule: { enabled: true, expression: 'rate(7 days)' } });
    expect(defaults.parameters).toBeUndefined();
    const stray = withChanges((c) => ({ ...c, training: { parameters: ['PM 2.5', 'CO'] } }));
    expect(() => parseEnvironmentConfig(stray, 'stray')).toThrow(/training\.parameters: not filled by the pipeline \(no package group\): CO/);
  });

  it('names every invalid field in one error', () => {
    const input = { ...prod, accountId: '12', region: 'Frankfurt' };
    try {
      parseEnvironmentConfig(input, 'broken');
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join('\n')).toMatch(/accountId[\s\S]*region/);
    }
  });

  it('has a config for exactly the three environments', () => {
    expect(Object.keys(ENVIRONMENT_CONFIGS).sort()).toEqual(['dev', 'prod', 'staging']);
  });
});

describe('account model', () => {
  it('accepts the committed layout: one account per environment, one repository', () => {
    expect(loadAllEnvironmentConfigs().map((c) => c.name)).toEqual(['dev', 'staging', 'prod']);
  });

  it('refuses two environments in one account (their bootstrap stacks would collide)', () => {
    const [dev, staging, prod] = loadAllEnvironmentConfigs();
    expect(() => validateLayout([dev!, { ...staging!, accountId: dev!.accountId }, prod!])).toThrow(/dev and staging share account 111111111111/);
  });

  it('refuses environments deployed from different repositories', () => {
    const [dev, staging] = loadAllEnvironmentConfigs();
    expect(() => validateLayout([dev!, { ...staging!, ci: { ...staging!.ci, githubRepository: 'someone/else' } }])).toThrow(ConfigError);
  });

  it('rejects a repository that is not owner/name', () => {
    const input = withChanges((c) => ({ ...c, ci: { ...c.ci, githubRepository: 'just-a-name' } }));
    expect(() => parseEnvironmentConfig(input, 'repo')).toThrow(/ci\.githubRepository/);
  });
});

describe('deployability (preflight)', () => {
  it.each(ENVIRONMENT_NAMES)('refuses the committed %s placeholders: account, example.com subscribers, repository', (name) => {
    const problems = deployabilityProblems(loadEnvironmentConfig(name));
    expect(problems.map((p) => p.split(':')[0])).toEqual(['accountId', 'monitoring.alarmEmails', 'ci.githubRepository']);
    expect(() => assertDeployable(loadEnvironmentConfig(name))).toThrow(ConfigError);
  });

  it('accepts a config with a real account, subscriber and repository', () => {
    const config = parseEnvironmentConfig(
      { ...structuredClone(prod), accountId: '480012345678', ci: { ...prod.ci, githubRepository: 'acme/airfill' }, monitoring: { alarmEmails: ['oncall@acme.io'] } },
      'real',
    );
    expect(deployabilityProblems(config)).toEqual([]);
  });
});
