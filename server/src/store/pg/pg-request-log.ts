import type pg from 'pg';
import type { Claim, RequestLog } from '../request-log.js';

/** Requests carried out once across every instance on the database (migration 005_requests.sql). */
export function pgRequestLog(pool: pg.Pool): RequestLog {
  let claims = 0;
  return {
    async claim(key, fingerprint, now, expires) {
      if ((claims += 1) % 500 === 0)
        await pool.query('DELETE FROM duban_requests WHERE expires <= to_timestamp($1 / 1000.0)', [now]).catch(() => 0);
      for (;;) {
        // a free key, or one whose claim has expired, is taken in one statement
        const took = await pool.query(
          `INSERT INTO duban_requests (key, fingerprint, expires) VALUES ($1, $2, to_timestamp($4 / 1000.0))
           ON CONFLICT (key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, expires = EXCLUDED.expires,
             status = NULL, body = NULL
           WHERE duban_requests.expires <= to_timestamp($3 / 1000.0)`,
          [key, fingerprint, now, expires],
        );
        if (took.rowCount === 1) return { state: 'claimed' } satisfies Claim;
        const held = await pool.query<{ fingerprint: string; status: number | null; body: string | null }>(
          'SELECT fingerprint, status, body FROM duban_requests WHERE key = $1',
          [key],
        );
        const row = held.rows[0];
        if (!row) continue; // released between the two statements: try again
        return row.status === null
          ? { state: 'running', fingerprint: row.fingerprint }
          : { state: 'done', fingerprint: row.fingerprint, status: row.status, body: row.body ?? '' };
      }
    },
    async settle(key, status, body) {
      await pool.query('UPDATE duban_requests SET status = $2, body = $3 WHERE key = $1', [key, status, body]);
    },
    async release(key) {
      await pool.query('DELETE FROM duban_requests WHERE key = $1', [key]);
    },
    // a person's latest write: a row of its own, the value in `fingerprint`
    async mark(person, value, expires) {
      await pool.query(
        `INSERT INTO duban_requests (key, fingerprint, expires, status) VALUES ($1, $2, to_timestamp($3 / 1000.0), 0)
         ON CONFLICT (key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, expires = EXCLUDED.expires`,
        [`last:${person}`, value, expires],
      );
    },
    async latest(person, now) {
      const r = await pool.query<{ fingerprint: string }>(
        'SELECT fingerprint FROM duban_requests WHERE key = $1 AND expires > to_timestamp($2 / 1000.0)',
        [`last:${person}`, now],
      );
      return r.rows[0]?.fingerprint;
    },
  };
}
