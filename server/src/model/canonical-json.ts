/**
 * JSON with object keys sorted at every level and undefined members dropped: the same value
 * always gives the same bytes, so hashes over it can be recomputed by any verifier.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value ?? null)) as unknown));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // defined, not assigned: a key named "__proto__" stays a member (assigning it would set the prototype and drop it from the hash)
    for (const key of Object.keys(value).sort())
      Object.defineProperty(out, key, {
        value: sortKeys((value as Record<string, unknown>)[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return value;
}
