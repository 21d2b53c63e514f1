import { z } from 'zod';

/** A calendar date as written in documents and APIs: YYYY-MM-DD (Asia/Shanghai). */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
  }, '没有这一天,请检查月份和日期');
export type IsoDate = z.infer<typeof IsoDate>;

/** An instant, ISO 8601 with offset. */
export const Instant = z.iso.datetime({ offset: true });
export type Instant = z.infer<typeof Instant>;

/** Stable identifiers: letters, digits, dot, dash, underscore. Safe in URLs and file names. */
export const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, '编号只能包含字母、数字、点、横线和下划线');
export type Id = z.infer<typeof Id>;

/** How the server runs: `local` against the emulator, otherwise the live platform(s) (DUBAN_PLATFORM). */
export const ServerMode = z.enum(['local', 'dingtalk', 'zzd', 'both']);
export type ServerMode = z.infer<typeof ServerMode>;
