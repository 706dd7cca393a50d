import { describe, expect, it } from 'vitest';
import { matchAreas, type SearchEntry } from './mapsearch';

const entries: SearchEntry[] = [
  { code: '360425', name: '永修县', level: 'county' },
  { code: '360425100', name: '涂埠镇', level: 'township', county: '永修县' },
  { code: '360425101', name: '吴城镇', level: 'township', county: '永修县' },
  { code: '360481', name: '瑞昌市', level: 'county' },
  { code: '360481102', name: '码头镇', level: 'township', county: '瑞昌市' },
  { code: '360428', name: '都昌县', level: 'county' },
  { code: '360428110', name: '永修乡', level: 'township', county: '都昌县' },
];

const codes = (q: string, limit?: number) => matchAreas(entries, q, limit).map((e) => e.code);

describe('matchAreas', () => {
  it('finds a township by its name, or part of it', () => {
    expect(codes('吴城镇')).toEqual(['360425101']);
    expect(codes('吴城')).toEqual(['360425101']);
    expect(codes('城镇')).toEqual(['360425101']);
  });
  it('ranks exact names first, then prefixes, counties before townships', () => {
    expect(codes('永修')).toEqual(['360425', '360428110']);
    expect(codes('永修乡')).toEqual(['360428110']);
  });
  it('finds areas by division code (exact, or a prefix of two digits or more)', () => {
    expect(codes('360481')).toEqual(['360481', '360481102']);
    expect(codes('360425101')).toEqual(['360425101']);
    expect(codes('3')).toEqual([]);
  });
  it('ignores spaces and width, and limits the list', () => {
    expect(codes(' 瑞 昌 ')).toEqual(['360481']);
    expect(codes('３６０４８１')).toEqual(['360481', '360481102']);
    expect(codes('3604', 3)).toHaveLength(3);
  });
  it('finds nothing for an empty query or an unknown name', () => {
    expect(codes('')).toEqual([]);
    expect(codes('   ')).toEqual([]);
    expect(codes('上海')).toEqual([]);
  });
});
