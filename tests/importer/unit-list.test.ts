import { describe, expect, it } from 'vitest';
import { UnitResolver } from '../../server/src/naming/unit-resolver.js';
import { parseUnitList, splitUnitNames } from '../../server/src/importer/unit-list.js';
import { seedDirectory } from '../helpers/seeds.js';

const resolver = () => new UnitResolver(seedDirectory());
const names = (text: string) =>
  splitUnitNames(text, resolver().compoundNames).map((n) => `${n.marked ? '△' : ''}${n.name}`);

describe('splitting a 责任单位 list', () => {
  it('does not split inside brackets of any width or style', () => {
    expect(names('区政府党组,区政府各部门党组〔工委、党委〕,区府办')).toEqual([
      '区政府党组',
      '区政府各部门党组(工委、党委)',
      '区府办',
    ]);
    expect(names('区政府各部门党组（工委、党委）、区府办')).toEqual(['区政府各部门党组(工委、党委)', '区府办']);
  });

  it('recognises group names containing 、 before splitting', () => {
    expect(names('区府办,各镇人民政府、街道办事处,区政府各部门')).toEqual([
      '区府办',
      '各镇人民政府、街道办事处',
      '区政府各部门',
    ]);
    expect(names('各镇人民政府、街道办事处、区财政局')).toEqual(['各镇人民政府、街道办事处', '区财政局']);
  });

  it('accepts full- and half-width separators, line breaks and spaces', () => {
    expect(names('区府办，区财政局；区发改局;区人社局\n区信访局')).toEqual([
      '区府办',
      '区财政局',
      '区发改局',
      '区人社局',
      '区信访局',
    ]);
    expect(names(' 区府办 、 区财政局 ')).toEqual(['区府办', '区财政局']);
    expect(names('区府办  区财政局')).toEqual(['区府办', '区财政局']);
  });

  it('reads △ / ▲ prefixes and a (牵头) suffix as the lead mark, and drops a trailing 等', () => {
    expect(names('△区法制办、区司法局')).toEqual(['△区法制办', '区司法局']);
    expect(names('▲ 区发改局、区质监局(牵头)、区财政局等')).toEqual(['△区发改局', '△区质监局', '区财政局']);
  });
});

describe('roles', () => {
  const roles = (text: string, rule: Parameters<typeof parseUnitList>[2] = 'marked') =>
    parseUnitList(text, resolver(), rule).refs.map((r) => `${r.role}:${r.target.type}:${r.target.id}`);

  it('△ marks the lead; the others are co-units', () => {
    expect(roles('△区法制办、区司法局')).toEqual(['lead:unit:fzb', 'co:unit:sfj']);
    expect(roles('△区编办、区委政法委,区级有关部门,各镇人民政府、街道办事处')).toEqual([
      'lead:unit:bb',
      'co:unit:zfw',
      'co:group:g-youguan',
      'co:group:g-zhenjie',
    ]);
  });

  it('without △ every unit is responsible for its own part', () => {
    expect(roles('区府办,各镇人民政府、街道办事处')).toEqual(['lead:unit:qfb', 'lead:group:g-zhenjie']);
  });

  it('first-is-lead applies only when nothing is marked', () => {
    expect(roles('区府办,区财政局', 'firstIsLead')).toEqual(['lead:unit:qfb', 'co:unit:czj']);
    expect(roles('区府办,△区财政局', 'firstIsLead')).toEqual(['co:unit:qfb', 'lead:unit:czj']);
  });

  it('resolves aliases and full names', () => {
    expect(roles('区政府办公室、越城区发展和改革局、区委编办')).toEqual([
      'lead:unit:qfb',
      'lead:unit:fgj',
      'lead:unit:bb',
    ]);
  });

  it('turns unknown names into provisional units with stable ids and lists them', () => {
    const r1 = resolver();
    const a = parseUnitList('区府办、区大数据中心', r1, 'marked');
    const b = parseUnitList('区大数据中心', resolver(), 'marked');
    expect(a.unknown).toEqual(['区大数据中心']);
    expect(a.refs[1]!.target.id).toMatch(/^x-[0-9a-f]{10}$/);
    expect(b.refs[0]!.target.id).toBe(a.refs[1]!.target.id);
    expect(r1.provisional.map((u) => [u.name, u.kind])).toEqual([['区大数据中心', 'provisional']]);
  });
});

describe('names run together, and duties after a name', () => {
  const parsed = (text: string) =>
    parseUnitList(text, resolver(), 'marked').refs.map((r) => `${r.role}:${r.name}:${r.target.id}`);

  it('splits names written with no separator where the directory knows both, or both look like units', () => {
    expect(parsed('区经信局区财政局')).toEqual(['lead:区经信局:jxj', 'lead:区财政局:czj']);
    const two = parseUnitList('市行政审批局市司法局', resolver(), 'marked');
    expect(two.refs.map((r) => r.name)).toEqual(['市行政审批局', '市司法局']);
    expect(two.unknown).toEqual(['市行政审批局', '市司法局']);
  });

  it('does not split one unit’s name', () => {
    expect(parseUnitList('区政府办公室', resolver(), 'marked').refs.map((r) => r.name)).toEqual(['区政府办公室']);
    expect(parsed('区委政法委')).toEqual(['lead:区委政法委:zfw']);
  });

  it('leaves a duty phrase out of the name (配合落实, 按职责分工负责)', () => {
    expect(parsed('△区住建局、区财政局配合落实')).toEqual(['lead:区住建局:zjzj', 'co:区财政局:czj']);
    expect(parsed('区发改局按职责分工负责')).toEqual(['lead:区发改局:fgj']);
  });
});
