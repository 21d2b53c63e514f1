import { z } from 'zod';

/** An organisation's id: its folder and its address (/o/<id>/app/). */
export const OrgId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,30}$/, '组织编号用小写字母开头,只含小写字母、数字和连字符(2–31 个字符)');

/** Where an organisation stands in the chain 省 → 市 → 区/县 → 镇街/部门. */
export const OrgLevel = z.enum(['province', 'city', 'district', 'town', 'department']);
export type OrgLevel = z.infer<typeof OrgLevel>;

export const OrgEntry = z.strictObject({
  id: OrgId,
  name: z.string().min(2).max(40),
  level: OrgLevel,
  /** The organisation above it; absent for the deployment's own (the data directory's). */
  parent: OrgId.optional(),
  /** The unit of the parent's directory it is (柯桥区 as a unit of the city's plan): its tasks there come down. */
  unit: z.string().min(1).max(100).optional(),
});
export type OrgEntry = z.infer<typeof OrgEntry>;

/** The deployment's organisations: one without a parent (the data directory's own), the others below it. */
export const OrgRegistry = z.strictObject({ orgs: z.array(OrgEntry).min(1).max(2000) });
export type OrgRegistry = z.infer<typeof OrgRegistry>;

/** An organisation as a person sees it in the switch: where to open it. */
export const OrgView = z.object({
  id: OrgId,
  name: z.string(),
  level: OrgLevel,
  url: z.string(),
  current: z.boolean(),
});
export type OrgView = z.infer<typeof OrgView>;

/** The organisations the signed-in person belongs to (by their platform account), for the switch. */
export const MyOrgs = z.object({ orgs: z.array(OrgView) });
export type MyOrgs = z.infer<typeof MyOrgs>;

/** The deployment's organisations as its admin sees them (the admin page): each with where it is and what it holds. */
export const OrgTree = z.object({
  orgs: z.array(
    OrgEntry.extend({
      url: z.string(),
      /** Open in this server now (an entry the server could not open says why in its log). */
      open: z.boolean(),
      units: z.number().int(),
      people: z.number().int(),
      tasks: z.number().int(),
    }),
  ),
});
export type OrgTree = z.infer<typeof OrgTree>;

/**
 * 登记下级组织 on the admin page: its id, name, level and parent; its first 督考办 person (one of
 * the deployment's own people, by id: the same account signs in there) — who then imports its
 * directory and first plan there. `root`: the deployment's own organisation, the first time.
 */
export const OrgAddBody = z.strictObject({
  id: OrgId,
  name: z.string().trim().min(2).max(40),
  level: OrgLevel,
  parent: OrgId.optional(),
  /** The unit of the parent's directory it is (its name or id): the parent's tasks for that unit come down to it. */
  unit: z.string().trim().min(1).max(100).optional(),
  /** Default: the admin who enters it. */
  adminPersonId: z.string().min(1).max(100).optional(),
  root: z.strictObject({ id: OrgId, name: z.string().trim().min(2).max(40), level: OrgLevel }).optional(),
});
export type OrgAddBody = z.infer<typeof OrgAddBody>;

/** One unit's part of a task handed down, as the organisation above sees it. */
const ChainPart = z.object({
  unitName: z.string(),
  status: z.string(),
  /** Its open items past their due date. */
  overdue: z.number().int(),
  lastReport: z.object({ text: z.string(), at: z.string() }).optional(),
});

/** A task handed down to one organisation: how it decomposed it, and (recursively) what went further down. */
export interface ChainLink {
  org: { id: string; name: string };
  task: { id: string; label: string };
  /** Still waiting for its 督考办 to decompose it to units. */
  toDesignate: boolean;
  parts: Array<z.infer<typeof ChainPart>>;
  below: ChainLink[];
}
export const ChainLink: z.ZodType<ChainLink> = z.lazy(() =>
  z.object({
    org: z.object({ id: z.string(), name: z.string() }),
    task: z.object({ id: z.string(), label: z.string() }),
    toDesignate: z.boolean(),
    parts: z.array(ChainPart),
    below: z.array(ChainLink),
  }),
);
export const TaskChain = z.object({ links: z.array(ChainLink) });
export type TaskChain = z.infer<typeof TaskChain>;

/** Each organisation directly below, as its parent's overview sees what it was handed. */
export const OrgsSummary = z.object({
  orgs: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      /** Tasks of this organisation it holds (上级交办 and 补充交办). */
      handed: z.number().int(),
      /** Of those, still waiting for its 督考办 to decompose. */
      toDesignate: z.number().int(),
      /** Units' parts of them: all, 办结, with an item past due. */
      parts: z.number().int(),
      closed: z.number().int(),
      overdue: z.number().int(),
    }),
  ),
});
export type OrgsSummary = z.infer<typeof OrgsSummary>;

export const LEVEL_NAME: Record<OrgLevel, string> = {
  province: '省',
  city: '市',
  district: '区(县)',
  town: '镇(街道)',
  department: '部门',
};
