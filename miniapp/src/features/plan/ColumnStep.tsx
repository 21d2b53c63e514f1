import { Button, Card } from 'antd-mobile';
import { useState } from 'react';
import type { ImportPreviewData } from '../../api/client';

type Table = ImportPreviewData['tables'][number];
type Column = NonNullable<Table['columns'][number]>;
export type TableReading = { line: number; headerRow: number; columns: Array<Column | null> };

/** What a column may be read as, in the words of a 任务分解表. */
const NAMES: Array<[Column | '', string]> = [
  ['', '不读'],
  ['number', '序号'],
  ['title', '任务'],
  ['lead', '牵头单位'],
  ['co', '配合单位'],
  ['units', '责任单位'],
  ['time', '完成时限'],
  ['leaders', '分管领导'],
  ['category', '分类'],
  ['upper', '上级部署任务'],
  ['note', '备注'],
];

/**
 * The column step of 导入计划: a table the importer could not read (or read wrongly) is shown as
 * its first rows; the 督考办 says which row is the header and what each column is, and the file
 * is read again that way (nothing is written before applying).
 */
export function ColumnStep({
  tables,
  busy,
  onRead,
}: {
  tables: Table[];
  busy: boolean;
  onRead: (readings: TableReading[]) => void;
}) {
  const [readings, setReadings] = useState<TableReading[]>(() =>
    tables.map((t) => ({ line: t.line, headerRow: t.headerRow ?? 0, columns: [...t.columns] })),
  );
  const set = (k: number, r: Partial<TableReading>) =>
    setReadings((all) => all.map((x, i) => (i === k ? { ...x, ...r } : x)));
  const ready = readings.every((r) => r.columns.includes('title'));
  return (
    <Card className="card column-step" title="指定表格各列的含义">
      <div className="muted">没能认出表头时,请选出表头所在的行,并为每一列选定含义(至少要有"任务"列),再重新识别。</div>
      {tables.map((t, k) => (
        <div key={t.line} className="column-table">
          <div className="muted">第 {t.line} 行起的表格</div>
          <div className="column-scroll">
            <table>
              <thead>
                <tr>
                  <th />
                  {readings[k]!.columns.map((c, i) => (
                    <th key={i}>
                      <select
                        aria-label={`第${i + 1}列`}
                        value={c ?? ''}
                        onChange={(e) =>
                          set(k, {
                            columns: readings[k]!.columns.map((x, j) =>
                              j === i ? ((e.target.value || null) as Column | null) : x,
                            ),
                          })
                        }
                      >
                        {NAMES.map(([v, name]) => (
                          <option key={v} value={v}>
                            {name}
                          </option>
                        ))}
                      </select>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {t.rows.slice(0, 4).map((row, r) => (
                  <tr key={r} className={r === readings[k]!.headerRow ? 'header-row' : ''}>
                    <td>
                      <label>
                        <input
                          type="radio"
                          name={`header-${t.line}`}
                          aria-label={`第${r + 1}行是表头`}
                          checked={r === readings[k]!.headerRow}
                          onChange={() => set(k, { headerRow: r })}
                        />
                        表头
                      </label>
                    </td>
                    {readings[k]!.columns.map((_, i) => (
                      <td key={i}>{row[i] ?? ''}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ))}
      <Button block color="primary" disabled={!ready} loading={busy} onClick={() => onRead(readings)}>
        {ready ? '按此重新识别' : '请至少指定"任务"列'}
      </Button>
    </Card>
  );
}
