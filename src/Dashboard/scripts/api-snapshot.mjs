// Refreshes openapi.json from a running Api, then regenerates the types.
//   npm run api:snapshot                         the Api of `scripts/run.sh` (port 5080)
//   npm run api:snapshot -- http://127.0.0.1:5181
import { writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';

const origin = (process.argv[2] ?? process.env.FLUID_API_ORIGIN ?? 'http://127.0.0.1:5080').replace(
  /\/$/,
  '',
);
const response = await fetch(`${origin}/openapi/v1.json`);
if (!response.ok) {
  console.error(`GET ${origin}/openapi/v1.json answered ${response.status}: is the Api running?`);
  process.exit(1);
}
const document = await response.json();
await writeFile(
  new URL('../openapi.json', import.meta.url),
  `${JSON.stringify(document, null, 2)}\n`,
);
console.log(`wrote openapi.json from ${origin}`);
execFileSync(process.execPath, [new URL('./gen-api.mjs', import.meta.url).pathname], {
  stdio: 'inherit',
});
