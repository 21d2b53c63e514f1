/**
 * A function of an object that never changes (a committed state or one of its parts: immer makes a
 * new object for every change), computed once per object and forgotten with it.
 */
export function perObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const known = new WeakMap<K, V>();
  return (key) => {
    if (known.has(key)) return known.get(key)!;
    const value = compute(key);
    known.set(key, value);
    return value;
  };
}
