import { synthesizeEverything } from '@relay/emulators';
import { policyDocuments, runParliament } from './parliament';

jest.setTimeout(300_000);

describe('parliament (IAM policy lint) over every synthesized policy', () => {
  it('finds nothing in any policy of any env or preview', () => {
    const documents = policyDocuments(synthesizeEverything());
    expect(Object.keys(documents).length).toBeGreaterThan(50);
    const { findings, checked } = runParliament(documents);
    expect(checked).toBe(Object.keys(documents).length);
    expect(findings).toEqual([]);
  });

  it('reports what it is there for (so an empty result means something)', () => {
    const { findings } = runParliament({
      bad: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['elasticloadbalancing:ModifyLoadBalancer', 's3:GetObject'], Resource: ['arn:aws:s3:::bucket'] }],
      }),
    });
    expect(findings.map((f) => f.issue)).toEqual(expect.arrayContaining(['UNKNOWN_ACTION']));
  });
});
