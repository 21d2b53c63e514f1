/**
 * Whether a JSON text has an object with the same member twice. JSON.parse keeps the last one,
 * so a ledger line carrying a forged copy first and the genuine one last hashes as genuine while
 * another reader may take the first: such a line is refused. One linear pass over the text.
 */
export function hasDuplicateKeys(text: string): boolean {
  const stack: Array<Set<string> | null> = []; // a Set per open object, null per open array
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 123 /* { */) {
      stack.push(new Set());
      i += 1;
    } else if (c === 91 /* [ */) {
      stack.push(null);
      i += 1;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
      i += 1;
    } else if (c === 34 /* " */) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 ? 2 : 1;
      const raw = text.slice(i, j + 1);
      i = j + 1;
      // a string followed by ':' inside an object is a member name
      let k = i;
      while (
        k < n &&
        (text.charCodeAt(k) === 32 ||
          text.charCodeAt(k) === 9 ||
          text.charCodeAt(k) === 10 ||
          text.charCodeAt(k) === 13)
      )
        k += 1;
      const top = stack[stack.length - 1];
      if (text.charCodeAt(k) === 58 /* : */ && top) {
        let name = raw.slice(1, -1);
        if (name.includes('\\'))
          try {
            name = JSON.parse(raw) as string; // "a" and "\u0061" are the same member
          } catch {
            return false; // not JSON: JSON.parse reports it
          }
        if (top.has(name)) return true;
        top.add(name);
      }
    } else i += 1;
  }
  return false;
}
