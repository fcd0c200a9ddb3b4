/** Fails fast, with one clear message, when the stack is not up. */
export default async function setup(): Promise<void> {
  const base = process.env.E2E_BASE_URL;
  if (!base) {
    throw new Error('E2E_BASE_URL is not set: run scripts/test.d/dashboard-e2e.sh.');
  }
  const response = await fetch(`${base}/health/ready`).catch((error: unknown) => {
    throw new Error(`The Api at ${base} does not answer: ${String(error)}`);
  });
  if (!response.ok) throw new Error(`The Api at ${base} is not ready (HTTP ${response.status}).`);
}
