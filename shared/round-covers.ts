/**
 * Which of the policy's own duties a 督查 round is (年中督查 is the 年中督查报告 every unit already
 * owes; 年末考核 is the 年末自评报告), read from its name when the 督考办 does not say. A round that
 * covers a duty moves that item's date and requirement; any other round (专项督查) adds items.
 */
export type RoundCovers = 'midYear' | 'yearEnd' | 'none';

export function roundCoversOf(name: string): RoundCovers {
  if (/专项/.test(name)) return 'none';
  if (/年中|半年|上半年/.test(name)) return 'midYear';
  if (/年末|年终|年底|全年|年度考核|年度考评/.test(name)) return 'yearEnd';
  return 'none';
}

export const ROUND_COVERS_NAME: Record<RoundCovers, string> = {
  midYear: '年中督查(即各单位的年中督查报告)',
  yearEnd: '年末督查(即各单位的年末自评报告)',
  none: '专项督查(新增报送事项)',
};
