import { api } from '../api/client';
import { useLoad } from '../lib/load';

/**
 * Which organisation the page is of, and the others the person belongs to (a district's clerk is
 * also the city's contact for the district): choosing one opens its pages. Nothing where the
 * person belongs to one organisation only.
 */
export function OrgSwitch() {
  // asked once the page has shown what it opened for: the first open from a notice waits for nothing more
  const { data } = useLoad(() => new Promise((r) => setTimeout(r, 1500)).then(() => api.myOrgs()), []);
  const orgs = data?.orgs ?? [];
  if (orgs.length < 2) return null;
  const current = orgs.find((o) => o.current);
  return (
    <label className="org-switch">
      <span className="muted">组织</span>
      <select
        className="native-select"
        aria-label="切换组织"
        value={current?.id ?? ''}
        onChange={(e) => {
          const to = orgs.find((o) => o.id === e.target.value);
          if (to && !to.current) location.assign(to.url);
        }}
      >
        {orgs.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}
