import { describe, expect, it } from 'vitest';
import { readInfraConfig } from '../../infra/config.ts';

const from = (ctx: Record<string, unknown>) => (key: string) => ctx[key];

describe('readInfraConfig (cdk context)', () => {
  it('defaults to dev with short log retention and a small SMS budget', () => {
    const config = readInfraConfig(from({}));

    expect(config).toMatchObject({ stage: 'dev', region: 'ap-southeast-1', logRetentionDays: 14, smsSpendAlarmUsd: 5 });
  });

  it('gives prod longer retention and a bigger SMS budget, and coerces -c strings to numbers', () => {
    const config = readInfraConfig(from({ stage: 'prod', smsSpendAlarmUsd: '120', dlqAlarmDepth: '3' }));

    expect(config).toMatchObject({ stage: 'prod', logRetentionDays: 365, smsSpendAlarmUsd: 120, dlqAlarmDepth: 3 });
  });

  it('names the bad key: an unknown stage', () => {
    expect(() => readInfraConfig(from({ stage: 'staging' }))).toThrow(/'stage'/);
  });

  it.each([
    ['logRetentionDays', '10', /'logRetentionDays': must be one of/],
    ['region', 'mars', /'region'/],
    ['smsSpendAlarmUsd', '-1', /'smsSpendAlarmUsd'/],
    ['account', '1234', /'account'/],
    ['operatorEmail', 'not-an-address', /'operatorEmail'/],
  ])('names the bad key: %s=%s', (key, value, message) => {
    expect(() => readInfraConfig(from({ [key]: value }))).toThrow(message);
  });
});
