import { z } from 'zod';
import { Id } from './common.js';

export const Role = z.enum(['contact', 'leader', 'supervisor', 'evaluator', 'admin']);
export type Role = z.infer<typeof Role>;

export const Person = z.object({
  id: Id,
  name: z.string().min(1),
  title: z.string().optional(),
  dingtalk: z.object({
    userId: z.string().min(1),
    unionId: z.string().min(1).optional(),
  }),
  mobile: z.string().optional(),
  unitIds: z.array(Id),
  roles: z.array(Role).min(1),
  /** Sample people shipped with the seeds, to be replaced by a DingTalk contacts sync. */
  sample: z.boolean().default(false),
});
export type Person = z.infer<typeof Person>;

export const PeopleFile = z.object({
  sample: z.boolean().default(false),
  note: z.string().optional(),
  people: z.array(Person),
});
export type PeopleFile = z.infer<typeof PeopleFile>;
