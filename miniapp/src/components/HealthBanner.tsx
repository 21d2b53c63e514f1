import { NoticeBar } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { useApp } from '../context';
import { go, href } from '../router';

let shared: Promise<string[]> | undefined;
let sharedAt = 0;

/** The operator's warnings (/api/health), fetched once per 10 minutes for every component that asks. */
export function useHealthWarnings(): string[] {
  const [warnings, setWarnings] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    const load = () => {
      if (!shared || Date.now() - sharedAt > 10 * 60_000) {
        sharedAt = Date.now();
        shared = api.health().then(
          (h) => h.warnings,
          () => [],
        );
      }
      void shared.then((w) => live && setWarnings(w));
    };
    load();
    const every = window.setInterval(load, 10 * 60_000);
    return () => {
      live = false;
      window.clearInterval(every);
    };
  }, []);
  return warnings;
}

/** A warning about holiday data: reminders stop in a year without it. */
export const isCalendarWarning = (w: string): boolean => w.includes('节假日数据');

/**
 * What the operator's health check warns of, on every page of the workbench and the mini-app: a
 * year without 放假安排 (reminders would stop), the store in trouble, sample data. What only the
 * 督考办 can fix (units to name for a 待明确 task) is shown to the 督考办 alone; the calendar
 * warning carries the way to fix it for those who may (工作日历).
 */
export function HealthBanner() {
  const { me } = useApp();
  const all = useHealthWarnings();
  const warnings = me.can.includes('assignment.designate') ? all : all.filter((w) => !w.includes('待明确'));
  if (warnings.length === 0) return null;
  const manage = me.can.includes('calendar.manage');
  return (
    <div className="health-banner">
      {warnings.map((w) => (
        <NoticeBar
          key={w}
          color="alert"
          wrap
          content={w}
          {...(manage && isCalendarWarning(w)
            ? {
                extra: (
                  <a className="nav-link" onClick={() => go(href.calendar())}>
                    去补充
                  </a>
                ),
              }
            : {})}
        />
      ))}
    </div>
  );
}
