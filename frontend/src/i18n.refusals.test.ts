// Every refusal code the backend says (`said!("code", …)` in backend/src) is in both tables, with
// no placeholder the backend does not give: a refusal missing here would be shown in Chinese by its
// status alone.
import { describe, expect, it } from 'vitest';
import { REFUSALS_EN, REFUSALS_ZH } from './i18n.refusals';

const SOURCES = import.meta.glob('../../backend/src/**/*.rs', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** The text of a macro call's arguments: from just after its `(` to its matching `)`, strings skipped. */
function argumentsFrom(source: string, open: number): string {
  let depth = 1;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '"') {
      for (i++; i < source.length && source[i] !== '"'; i++) if (source[i] === '\\') i++;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (--depth === 0) return source.slice(open, i);
    }
  }
  return source.slice(open);
}

/** Each code with the names of the parameters its uses give (a code may be said in several places). */
function backendRefusals(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const source of Object.values(SOURCES)) {
    for (const m of source.matchAll(/said!\(\s*"([a-z_.]+)"/g)) {
      const args = argumentsFrom(source, m.index! + 'said!('.length);
      const names = out.get(m[1]) ?? new Set<string>();
      // `name = value` at the top level of the call, after the code and the English text.
      const topLevel = args.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\([^()]*\)/g, '()');
      for (const p of topLevel.matchAll(/,\s*(\w+)\s*=(?!=)/g)) names.add(p[1]);
      out.set(m[1], names);
    }
    // Codes given without the macro: a Said built by hand (its parameters named just before it as
    // `("name".to_owned(), …)`), and the grant rules' ids.
    for (const m of source.matchAll(/Said \{\s*code: "([a-z_.]+)"|ineligible\(\s*"([a-z_.]+)"/g)) {
      const code = m[1] ?? m[2];
      const names = out.get(code) ?? new Set<string>();
      if (m[1]) for (const p of source.slice(Math.max(0, m.index! - 300), m.index).matchAll(/\("(\w+)"\.to_owned\(\)/g)) names.add(p[1]);
      out.set(code, names);
    }
  }
  return out;
}

describe('refusal tables', () => {
  const backend = backendRefusals();

  it('finds the backend refusals', () => {
    expect(backend.size).toBeGreaterThan(50);
    expect(backend.get('stock_insufficient')).toEqual(new Set(['available']));
  });

  it('say every refusal the backend has, in both languages', () => {
    const missing = [...backend.keys()].filter((code) => !(code in REFUSALS_ZH) || !(code in REFUSALS_EN));
    expect(missing).toEqual([]);
  });

  it('name only parameters the backend gives', () => {
    const wrong: string[] = [];
    for (const [code, names] of backend) {
      for (const text of [REFUSALS_ZH[code], REFUSALS_EN[code]]) {
        for (const m of (text ?? '').matchAll(/\{(\w+)\}/g)) if (!names.has(m[1])) wrong.push(`${code}: {${m[1]}}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('have no entry the backend no longer says', () => {
    expect(Object.keys(REFUSALS_ZH).filter((code) => !backend.has(code))).toEqual([]);
    expect(Object.keys(REFUSALS_EN).sort()).toEqual(Object.keys(REFUSALS_ZH).sort());
  });

  it('keep the Chinese table free of English words', () => {
    // File formats keep their names in Chinese too.
    const formats = /\b(?:UTF|GBK|CSV|XLSX|GeoJSON)\b/g;
    expect(Object.entries(REFUSALS_ZH).filter(([, text]) => /[A-Za-z]{3,}/.test(text.replace(/\{\w+\}/g, '').replace(formats, '')))).toEqual([]);
  });
});
