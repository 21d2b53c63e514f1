/**
 * A record's own member, never an inherited one: an id like `__proto__` or `constructor` taken
 * from a URL is "not found", not Object.prototype (which answered "这份undefined已undefined").
 */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
