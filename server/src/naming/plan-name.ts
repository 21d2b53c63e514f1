/**
 * A plan's short name, for where several plans run at once and "重点任务1" alone could mean either
 * (我的任务, digests, 待办, the bot's questions): the title's own name without the wrapper
 * (关于印发《…》的通知), the years, the region and the kind of document —
 * 绍兴市越城区《政府“两强三提高”建设行动计划(2018-2022年)实施方案》 → 两强三提高;
 * 越城区营商环境提升重点任务清单(2024年) → 营商环境提升.
 */
const KIND =
  /(?:建设行动计划|行动计划|实施方案|实施意见|工作方案|工作要点|重点任务清单|任务清单|责任分解表?|分工方案|任务分解|的通知)$/;

export function planShortName(title: string): string {
  let t = /《([^》]+)》/.exec(title)?.[1] ?? title;
  t = t
    .replace(/[((][^()()]*\d{4}[^()()]*[))]/g, '')
    .replace(/\d{4}\s*(?:[-—–~至到]\s*\d{4}\s*)?年度?/g, '')
    .replace(/^关于(?:印发)?/, '')
    .replace(/^(?:[\u4e00-\u9fa5]{2,3}(?:省|市|区|县))+/, '')
    .replace(/^(?:人民)?政府(?:系统)?(?=["“「])/, '')
    .replace(/["“”'‘’「」]/g, '')
    .trim();
  for (let i = 0; i < 3 && t.length > 4 && KIND.test(t); i += 1) t = t.replace(KIND, '');
  t = t.replace(/[的和与及]$/, '').trim();
  if (!t) t = title.replace(/\s+/g, '');
  return t.length > 10 ? `${t.slice(0, 9)}…` : t;
}
