import { dev } from '../src/config/dev';
import { prod } from '../src/config/prod';
import { ConfigError } from '../src/errors';
import { ENVIRONMENT_CONFIGS, ENVIRONMENT_NAMES, loadBootstrapConfig, loadEnvironmentConfig, parseEnvironmentConfig } from '../src/config';

const withChanges = (changes: (config: typeof dev) => unknown) => changes(structuredClone(dev));

describe('environment config', () => {
  it.each(ENVIRONMENT_NAMES)('accepts the committed %s config', (name) => {
    const config = loadEnvironmentConfig(name);
    expect(config.name).toBe(name);
    expect(config.schedule.expression).toMatch(/^(rate|cron)\(/);
  });

  it('fills defaults: PM 2.5, every-24-hours schedule, the seven interface endpoints', () => {
    const config = loadEnvironmentConfig('dev');
    expect(config.pipeline.parameter).toBe('PM 2.5');
    expect(config.schedule.expression).toBe('rate(24 hours)');
    expect(config.network.interfaceEndpoints).toEqual(['sagemaker.api', 'sagemaker.runtime', 'secretsmanager', 'ssm', 'states', 'sts', 'logs']);
  });

  it('keeps each environment in its own state object', () => {
    const keys = ENVIRONMENT_NAMES.map((name) => loadEnvironmentConfig(name).backend.key);
    expect(new Set(keys).size).toBe(keys.length);
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

  it('accepts a model package instead of the artifact, with its version', () => {
    const input = withChanges((c) => ({
      ...c,
      model: { source: 'model-package', modelPackageArn: 'arn:aws:sagemaker:eu-central-1:111111111111:model-package/airfill/3', version: 'canvas-3' },
    }));
    expect(parseEnvironmentConfig(input, 'package').model).toMatchObject({ source: 'model-package', version: 'canvas-3' });
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

describe('bootstrap config', () => {
  it('accepts the committed config with a role per environment', () => {
    expect(loadBootstrapConfig().environments.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
  });

  it('rejects a repository that is not owner/name', () => {
    expect(() => loadBootstrapConfig({ ...loadBootstrapConfig(), githubRepository: 'just-a-name' })).toThrow(ConfigError);
  });
});
