import { describe, expect, it } from 'vitest';
import {
  fromLabelSelector,
  labelSelectorMatches,
  matches,
  parseFieldSelector,
  parseSelector,
  SelectorSyntaxError,
  selectorToString,
} from './selector.js';

describe('parseSelector', () => {
  it.each([
    ['', []],
    ['app=web', [{ key: 'app', operator: 'Equals', values: ['web'] }]],
    ['app==web', [{ key: 'app', operator: 'Equals', values: ['web'] }]],
    ['app!=web', [{ key: 'app', operator: 'NotEquals', values: ['web'] }]],
    ['app', [{ key: 'app', operator: 'Exists', values: [] }]],
    ['!app', [{ key: 'app', operator: 'DoesNotExist', values: [] }]],
    ['tier in (a, b)', [{ key: 'tier', operator: 'In', values: ['a', 'b'] }]],
    ['tier notin (a)', [{ key: 'tier', operator: 'NotIn', values: ['a'] }]],
    ['n>3', [{ key: 'n', operator: 'Gt', values: ['3'] }]],
    ['n<3', [{ key: 'n', operator: 'Lt', values: ['3'] }]],
    ['app=', [{ key: 'app', operator: 'Equals', values: [''] }]],
    [
      'app=web,!legacy, example.com/tier in (a,b)',
      [
        { key: 'app', operator: 'Equals', values: ['web'] },
        { key: 'legacy', operator: 'DoesNotExist', values: [] },
        { key: 'example.com/tier', operator: 'In', values: ['a', 'b'] },
      ],
    ],
  ])('%j', (text, want) => {
    expect(parseSelector(text)).toEqual(want);
  });

  it.each(['app=web,', '=web', 'app in a', 'app in ()', 'app in (a', 'app>x', 'app=web extra', 'app=-bad-', '!', 'a,,b'])(
    '%j is rejected with the selector quoted',
    (text) => {
      expect(() => parseSelector(text)).toThrow(SelectorSyntaxError);
      expect(() => parseSelector(text)).toThrow(`"${text}"`);
    },
  );

  it('round-trips through selectorToString', () => {
    for (const text of ['app=web', 'app!=web', 'tier in (a,b)', 'tier notin (a)', 'x', '!x', 'n>3', 'n<3', 'a=b,c in (d)']) {
      expect(selectorToString(parseSelector(text))).toBe(text);
    }
  });
});

describe('matches', () => {
  const labels = { app: 'web', tier: 'front', n: '5' };
  it.each([
    ['', true],
    ['app=web', true],
    ['app=api', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['tier in (front,back)', true],
    ['tier notin (front)', false],
    ['missing notin (front)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['n>4', true],
    ['n>5', false],
    ['n<6', true],
    ['app>1', false],
    ['app=web,tier=back', false],
  ])('%j → %s', (text, want) => {
    expect(matches(parseSelector(text), labels)).toBe(want);
  });

  it('treats missing labels as empty', () => {
    expect(matches(parseSelector('!a'), undefined)).toBe(true);
    expect(matches(parseSelector('a'), undefined)).toBe(false);
  });
});

describe('structured selectors', () => {
  it('null matches nothing, {} matches everything', () => {
    expect(labelSelectorMatches(null, { a: 'b' })).toBe(false);
    expect(labelSelectorMatches(undefined, { a: 'b' })).toBe(false);
    expect(labelSelectorMatches({}, { a: 'b' })).toBe(true);
    expect(labelSelectorMatches({}, undefined)).toBe(true);
  });

  it('ANDs matchLabels and matchExpressions', () => {
    const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] };
    expect(labelSelectorMatches(sel, { app: 'web', tier: 'a' })).toBe(true);
    expect(labelSelectorMatches(sel, { app: 'web', tier: 'c' })).toBe(false);
    expect(labelSelectorMatches(sel, { tier: 'a' })).toBe(false);
  });

  it('sorts matchLabels keys so output is deterministic', () => {
    expect(selectorToString(fromLabelSelector({ matchLabels: { z: '1', a: '2' } })!)).toBe('a=2,z=1');
  });

  it('an unknown operator matches nothing', () => {
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }, { a: 'x' })).toBe(false);
  });
});

describe('parseFieldSelector', () => {
  it('parses =, == and !=', () => {
    expect(parseFieldSelector('spec.nodeName=node-1,metadata.name!=x, status.phase==Running')).toEqual([
      { field: 'spec.nodeName', operator: 'Equals', value: 'node-1' },
      { field: 'metadata.name', operator: 'NotEquals', value: 'x' },
      { field: 'status.phase', operator: 'Equals', value: 'Running' },
    ]);
  });
  it('accepts an empty value and an empty selector', () => {
    expect(parseFieldSelector('spec.nodeName=')).toEqual([{ field: 'spec.nodeName', operator: 'Equals', value: '' }]);
    expect(parseFieldSelector('  ')).toEqual([]);
  });
  it('rejects terms without an operator', () => {
    expect(() => parseFieldSelector('spec.nodeName')).toThrow(SelectorSyntaxError);
  });
});
