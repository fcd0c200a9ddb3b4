import type { CSSProperties } from 'react';

const palette = [
  '#5746e6',
  '#0f9f8f',
  '#d9480f',
  '#c2255c',
  '#2b77d0',
  '#7048e8',
  '#2f9e44',
  '#e8590c',
  '#1098ad',
  '#9c36b5',
];

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return Math.abs(h);
}

export function initials(name: string): string {
  const parts = name
    .trim()
    .split(/[\s@._-]+/)
    .filter(Boolean);
  const first = parts[0]?.[0] ?? '?';
  const second = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + second).toUpperCase();
}

/** A stable colour for a name, so that the same person or agent always looks the same. */
export function colourFor(name: string): string {
  return palette[hash(name) % palette.length] ?? '#5746e6';
}

export function Avatar({
  name,
  src,
  size = 32,
  square = false,
  colour,
}: {
  name: string;
  src?: string | null;
  size?: number;
  square?: boolean;
  /** Defaults to a colour derived from the name. */
  colour?: string;
}) {
  return (
    <span
      className={square ? 'avatar avatar--square' : 'avatar'}
      style={{ '--size': `${size}px`, '--avatar-bg': colour ?? colourFor(name) } as CSSProperties}
      aria-hidden="true"
    >
      {src ? <img src={src} alt="" /> : initials(name)}
    </span>
  );
}
