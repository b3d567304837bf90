import { pilotRegions } from '../../reference/src/index.js';

/** The `POST /v1/pilots` bodies of every pilot region in the reference data set. */
export function pilotDesignations() {
  return pilotRegions().map((p) => ({
    regionCode: p.regionCode,
    name: p.name,
    batch: p.batch,
    startYear: p.startYear,
    endYear: p.endYear,
    targets: p.commitments.map((c) => ({ indicator: c.indicator, year: c.year, value: c.value, source: c.source, ...(c.kind ? { kind: c.kind } : {}) })),
  }));
}
