import { CheckList, SearchBar } from 'antd-mobile';
import { refuse } from '../../lib/load';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api/client';

/** Picks units of the directory (not groups, not provisional names), with a search box. */
export function UnitChecklist({
  value,
  onChange,
  short = false,
}: {
  value: string[];
  onChange: (ids: string[]) => void;
  short?: boolean;
}) {
  const [units, setUnits] = useState<Array<{ id: string; name: string }>>();
  const [query, setQuery] = useState('');
  useEffect(() => {
    void api.units().then(
      (r) =>
        setUnits(
          r.items
            .filter((u) => u.kind !== 'group' && u.kind !== 'provisional')
            .map((u) => ({ id: u.id, name: u.name })),
        ),
      (e: Error) => refuse(e.message),
    );
  }, []);
  const shown = useMemo(() => units?.filter((u) => !query || u.name.includes(query)) ?? [], [units, query]);
  return (
    <>
      <SearchBar placeholder="搜索单位" value={query} onChange={setQuery} />
      <div className={`sheet-list${short ? ' short' : ''}`}>
        <CheckList multiple value={value} onChange={(v) => onChange(v.map(String))}>
          {shown.map((u) => (
            <CheckList.Item key={u.id} value={u.id}>
              {u.name}
            </CheckList.Item>
          ))}
        </CheckList>
      </div>
    </>
  );
}
