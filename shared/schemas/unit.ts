import { z } from 'zod';
import { Id } from './common.js';

export const UnitKind = z.enum([
  'government', // 区政府
  'party-group', // 区政府党组
  'party', // 区委的工作机关: 区委政法委, 区编办 …
  'department', // 区政府工作部门和直属单位
  'office', // 区委区政府联合办公室: 区督考办 …
  'town', // 镇人民政府
  'street', // 街道办事处
  'provisional', // created by an import for a name not in the directory; to be reviewed
]);
export type UnitKind = z.infer<typeof UnitKind>;

export const Unit = z.object({
  id: Id,
  name: z.string().min(1),
  fullName: z.string().optional(),
  aliases: z.array(z.string().min(1)).default([]),
  kind: UnitKind,
});
export type Unit = z.infer<typeof Unit>;

/**
 * A name that stands for several units (单位组). An expandable group lists its members (by id or by
 * kind); a group such as 区级有关部门 cannot be expanded automatically: assignments to it are
 * created "to be designated" (待明确) until the 督考办 names the units.
 */
export const UnitGroup = z.object({
  id: Id,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  expandable: z.boolean(),
  memberKinds: z.array(UnitKind).default([]),
  memberIds: z.array(Id).default([]),
  note: z.string().optional(),
});
export type UnitGroup = z.infer<typeof UnitGroup>;

export const UnitDirectory = z.object({
  district: z.string(),
  sample: z.boolean().default(false),
  note: z.string().optional(),
  units: z.array(Unit),
  groups: z.array(UnitGroup),
});
export type UnitDirectory = z.infer<typeof UnitDirectory>;
