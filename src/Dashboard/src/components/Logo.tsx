/** The fluidManager mark: two flowing strokes in a rounded square. */
export function LogoMark({ className = 'brand__mark' }: { className?: string }) {
  return (
    <svg className={className} viewBox="0 0 32 32" aria-hidden="true">
      <defs>
        <linearGradient id="fm-mark" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#7c6cff" />
          <stop offset="1" stopColor="#17b8a6" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="9" fill="url(#fm-mark)" />
      <path
        d="M9 12.5c3.2-3.4 6.9-3.4 10.1 0s6.2 3 7-.1"
        fill="none"
        stroke="#fff"
        strokeWidth="2.6"
        strokeLinecap="round"
      />
      <path
        d="M6 20c3.2-3.4 6.9-3.4 10.1 0s6.2 3 7.9-.6"
        fill="none"
        stroke="#fff"
        strokeOpacity=".72"
        strokeWidth="2.6"
        strokeLinecap="round"
      />
    </svg>
  );
}
