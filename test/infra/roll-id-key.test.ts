import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../functions/manifest.ts';
import { configForEnv, loadConfigFile } from '../../shared/config/load-config.ts';
import { type BuiltStacks, buildStacks } from './support/build-stacks.ts';
import { sampleSpecs } from './support/sample-specs.ts';
import { statementsOf, withAction } from './support/template-queries.ts';

const apiSpec = functionSpecs.find((s) => s.name === 'api')!;
const specs = [...sampleSpecs().filter((s) => s.name !== 'api'), apiSpec];

/** The api reads the rolls' ID-number hash key (uploads in the console) from one SSM parameter, and nothing else does. */
describe('the roll-ID key parameter', () => {
  let withKey: BuiltStacks;
  let withoutKey: BuiltStacks;
  beforeAll(() => {
    const config = loadConfigFile();
    withKey = buildStacks({
      specs,
      appConfigJson: configForEnv({ ...config, rosters: { idKeyParameter: '/baoxue/dev/roll-id-key' } }),
    });
    withoutKey = buildStacks({ specs });
  });
  afterAll(() => {
    withKey?.cleanup();
    withoutKey?.cleanup();
  });

  it('the api may GetParameter on exactly that parameter; no other function may', () => {
    for (const spec of specs) {
      const reads = withAction(statementsOf(withKey.statelessTemplate, spec.name), 'ssm:GetParameter');
      if (spec.name === 'api')
        expect(JSON.stringify(reads.map((r) => r.Resource))).toBe(
          JSON.stringify([
            {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':ssm:ap-southeast-1:',
                  { Ref: 'AWS::AccountId' },
                  ':parameter/baoxue/dev/roll-id-key',
                ],
              ],
            },
          ]),
        );
      else expect(reads).toEqual([]);
    }
  });

  it('without `rosters.idKeyParameter` the api reads no parameter (uploads are refused on that stage)', () => {
    expect(withAction(statementsOf(withoutKey.statelessTemplate, 'api'), 'ssm:GetParameter')).toEqual([]);
  });
});
