import { labelProblems, labelsToRecord, parseLabelSelector, recordToLabels } from './labels';

describe('labels', () => {
  it('accepts well-formed labels and reports each problem otherwise', () => {
    expect(
      labelProblems([
        { key: 'tier', value: 'gold' },
        { key: 'cohort', value: 'early-adopter' },
      ]),
    ).toEqual([]);
    const problems = labelProblems([
      { key: 'Tier', value: 'gold' },
      { key: 'region', value: '' },
      { key: 'region', value: 'eu' },
    ]);
    expect(problems).toHaveLength(3);
    expect(problems[2]).toContain("'region' is given more than once");
  });

  it('converts between pairs and a record with keys in order', () => {
    expect(
      recordToLabels(
        labelsToRecord([
          { key: 'b', value: '2' },
          { key: 'a', value: '1' },
        ]),
      ),
    ).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
  });

  it('parses a key=value selector and refuses a part without a key', () => {
    expect(parseLabelSelector('tier=gold, region=eu')).toEqual([
      { key: 'tier', value: 'gold' },
      { key: 'region', value: 'eu' },
    ]);
    expect(() => parseLabelSelector('gold')).toThrow("'gold' is not a key=value label");
  });
});
