/** Department colours: a stable colour per department name, the same on every screen. */
const palette = [
  '#5746e6', // indigo
  '#0f9f8f', // teal
  '#e8590c', // orange
  '#c2255c', // raspberry
  '#2b77d0', // blue
  '#2f9e44', // green
  '#9c36b5', // purple
  '#c99a06', // ochre
  '#1098ad', // cyan
  '#d6336c', // pink
];

const known: Record<string, number> = {
  engineering: 0,
  marketing: 2,
  sales: 5,
  finance: 7,
  operations: 1,
  product: 6,
  design: 3,
  support: 4,
};

function hash(text: string): number {
  let h = 7;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return Math.abs(h);
}

export function departmentColour(department: string | null | undefined): string {
  if (!department) return '#8b92a1';
  const key = department.trim().toLowerCase();
  const index = known[key] ?? hash(key) % palette.length;
  return palette[index] ?? '#8b92a1';
}
