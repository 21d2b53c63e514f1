import { z } from 'zod';
import { loadSeedFile } from '../../seeds/seed-file.js';

const Points = z.object({ lead: z.number().min(-100).max(100), co: z.number().min(-100).max(100) });

/**
 * The year-end 考评 rules (seeds/assessment-rules.json), published to units in words. Modelled on
 * county methods: a base score with a cap; points per item completed and deductions per missed
 * deadline, weighted for 牵头 and 配合 (a 责任单位 of a task without △ counts as 牵头); an approved
 * 延期 moves the deadline, so the item is not late.
 */
export const AssessmentRules = z
  .object({
    note: z.string().optional(),
    base: z.number().min(0).max(1000),
    cap: z.number().min(0).max(1000),
    floor: z.number().min(0).default(0),
    /** Per item done by its due date. */
    completed: Points,
    /** Per item done after its due date (on top of `completed`). */
    late: Points,
    /** Per item still not done when its due date has passed (at the year's end, or today during the year). */
    missed: Points,
    /** A 签收 after its due date, or none. */
    lateAcknowledge: Points,
    /** Per report the 督考办 (or the unit's leader) returned. */
    returnedReport: Points,
    /** 通报表扬 / 通报批评 of the unit on a task. */
    praise: Points,
    criticism: Points,
    /** Working days after publication during which a unit may appeal. */
    appealWorkingDays: z.number().int().min(1).max(30),
    /** Accumulation: this many 通报批评 in a year and a unit is not eligible for an award. */
    criticismsBarAward: z.number().int().min(1).max(20).default(2),
    /** Per pilot approved in the year (国家/省/市级), counted in the year it was approved. */
    pilot: z
      .object({
        national: z.number().min(0).max(20),
        provincial: z.number().min(0).max(20),
        city: z.number().min(0).max(20),
      })
      .default({ national: 3, provincial: 2, city: 1 }),
    /** Per adopted 典型经验 the 督考办 made a 越城样本, in the year decided. */
    sample: z.number().min(0).max(20).default(1),
    /**
     * 第三方评估 in 考评 — nothing unless set: 公众满意度 above or below `baseline` percent counts
     * `pointsPerPercent` a point (capped at ±`cap`); a 整改 that failed its 二次评估 counts `failedRecheck`.
     */
    evaluation: z
      .object({
        satisfaction: z
          .object({
            baseline: z.number().min(0).max(100),
            pointsPerPercent: z.number().min(0).max(5),
            cap: z.number().min(0).max(20),
          })
          .default({ baseline: 85, pointsPerPercent: 0, cap: 3 }),
        failedRecheck: z.number().min(-20).max(0).default(0),
      })
      .default({ satisfaction: { baseline: 85, pointsPerPercent: 0, cap: 3 }, failedRecheck: 0 }),
    /**
     * 容错免责: the grounds a unit may claim on (浙江's "三个区分开来": 先行先试、探索性失误、政策不明确、
     * 不可抗力 …), and whether a district leader confirms the 督考办's acceptance.
     */
    exemption: z
      .object({
        grounds: z.array(z.string().trim().min(1).max(40)).min(1).max(20),
        leaderStep: z.boolean().default(false),
      })
      .default({
        grounds: ['先行先试、改革探索', '政策界限不明确', '上级政策调整', '不可抗力', '非主观故意且已主动纠正'],
        leaderStep: false,
      }),
  })
  .refine((r) => r.cap >= r.base, { message: '封顶分(cap)不能低于基础分(base)', path: ['cap'] });
export type AssessmentRules = z.infer<typeof AssessmentRules>;

export const DEFAULT_RULES: AssessmentRules = AssessmentRules.parse({
  base: 80,
  cap: 100,
  completed: { lead: 2, co: 1 },
  late: { lead: -1, co: -0.5 },
  missed: { lead: -5, co: -2.5 },
  lateAcknowledge: { lead: -0.5, co: -0.5 },
  returnedReport: { lead: -0.5, co: -0.25 },
  praise: { lead: 1, co: 0.5 },
  criticism: { lead: -1, co: -0.5 },
  appealWorkingDays: 5,
  criticismsBarAward: 2,
});

/** Reads seeds/assessment-rules.json; a mistake stops start-up, naming the field. Absent: the defaults. */
export function loadAssessmentRules(seedsDir: string): Promise<AssessmentRules> {
  return loadSeedFile(seedsDir, 'assessment-rules.json', '考评规则', AssessmentRules, DEFAULT_RULES);
}

const n = (x: number): string => (x > 0 ? `加 ${x} 分` : `扣 ${-x} 分`);
const both = (p: { lead: number; co: number }): string =>
  p.lead === p.co ? n(p.lead) : `牵头单位${n(p.lead)}、配合单位${n(p.co)}`;

function evaluationInWords(r: AssessmentRules): string[] {
  const s = r.evaluation.satisfaction;
  return [
    ...(s.pointsPerPercent > 0
      ? [
          `第三方评估的公众满意度以 ${s.baseline}% 为基准,每高(低)1 个百分点加(扣)${s.pointsPerPercent} 分,最多加(扣)${s.cap} 分。`,
        ]
      : []),
    ...(r.evaluation.failedRecheck < 0
      ? [`第三方评估发现的问题,二次评估仍未整改到位的,每项扣 ${-r.evaluation.failedRecheck} 分。`]
      : []),
  ];
}

/** The rules in words, as units read them. */
export function rulesInWords(r: AssessmentRules): string[] {
  return [
    `基础分 ${r.base} 分,最高 ${r.cap} 分,最低 ${r.floor} 分;没有标注牵头单位(△)的任务,各责任单位按牵头单位计分。`,
    `完成一个事项(签收除外,按期或逾期):${both(r.completed)}。`,
    `逾期后完成:另${both(r.late)}。`,
    `事项到期仍未完成:${both(r.missed)}。`,
    `逾期签收或未签收:${both(r.lateAcknowledge)}。`,
    `报告被退回一次:${both(r.returnedReport)}。`,
    `经批准延期的事项按新的截止日期计,不算逾期;督考办同意办结的部分,其余事项视为完成。`,
    `通报表扬一次:${both(r.praise)};通报批评一次:${both(r.criticism)}。`,
    `考评结果公布后 ${r.appealWorkingDays} 个工作日内,单位可对每个事项申诉一次。`,
    `一年内受到 ${r.criticismsBarAward} 次及以上通报批评的单位,不参加年度评优。`,
    ...evaluationInWords(r),
    `获批国家级试点加 ${r.pilot.national} 分、省级加 ${r.pilot.provincial} 分、市级加 ${r.pilot.city} 分(获批当年);典型经验被督考办列为"越城样本"的,每篇加 ${r.sample} 分。`,
    `因${r.exemption.grounds.join('、')}等情形受到通报批评、约谈或考评扣分的,单位可申请容错免责;经督考办${r.exemption.leaderStep ? '审核、区领导确认' : '审核'}予以免责的,扣分取消或减少,并收入容错免责案例库。`,
  ];
}
