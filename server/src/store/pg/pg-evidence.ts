import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type pg from 'pg';
import type { EvidenceRemote } from '../evidence-remote.js';

/** Bytes per row: a 20 MB photo is 80 rows, and never more than one of them in memory. */
export const CHUNK_BYTES = 256 * 1024;

/** Evidence files in PostgreSQL (migration 006_evidence.sql), streamed in chunks both ways. */
export function pgEvidence(pool: pg.Pool): EvidenceRemote {
  return {
    async has(sha256) {
      const r = await pool.query('SELECT 1 FROM duban_evidence_files WHERE sha256 = $1', [sha256]);
      return r.rowCount === 1;
    },

    async put(sha256, path) {
      if (await this.has(sha256)) return;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // two instances storing the same file at once: the second waits here, then finds it stored
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [sha256]);
        const there = await client.query('SELECT 1 FROM duban_evidence_files WHERE sha256 = $1', [sha256]);
        if (there.rowCount === 1) {
          await client.query('COMMIT');
          return;
        }
        await client.query('DELETE FROM duban_evidence_chunks WHERE sha256 = $1', [sha256]);
        let n = 0;
        let size = 0;
        for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
          const bytes = chunk as Buffer;
          await client.query('INSERT INTO duban_evidence_chunks (sha256, n, data) VALUES ($1, $2, $3)', [
            sha256,
            n,
            bytes,
          ]);
          n += 1;
          size += bytes.length;
        }
        await client.query('INSERT INTO duban_evidence_files (sha256, size, chunks) VALUES ($1, $2, $3)', [
          sha256,
          size,
          n,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },

    async fetch(sha256, path) {
      const file = await pool.query<{ chunks: number }>('SELECT chunks FROM duban_evidence_files WHERE sha256 = $1', [
        sha256,
      ]);
      const chunks = file.rows[0]?.chunks;
      if (chunks === undefined) return false;
      const tmp = `${path}.${process.pid}.${Date.now()}.part`;
      const out = await open(tmp, 'w');
      try {
        for (let n = 0; n < chunks; n += 1) {
          const r = await pool.query<{ data: Buffer }>(
            'SELECT data FROM duban_evidence_chunks WHERE sha256 = $1 AND n = $2',
            [sha256, n],
          );
          const data = r.rows[0]?.data;
          if (!data) throw new Error(`佐证材料 ${sha256} 缺少第 ${n} 块`);
          await out.write(data);
        }
        await out.datasync();
      } catch (error) {
        await out.close();
        await rm(tmp, { force: true });
        throw error;
      }
      await out.close();
      await rename(tmp, path);
      return true;
    },

    async remove(sha256) {
      await pool.query('DELETE FROM duban_evidence_files WHERE sha256 = $1', [sha256]);
      await pool.query('DELETE FROM duban_evidence_chunks WHERE sha256 = $1', [sha256]);
    },
  };
}
