export function Spinner({ large = false, label }: { large?: boolean; label?: string }) {
  return (
    <span
      className={large ? 'spinner spinner--large' : 'spinner'}
      role={label ? 'status' : undefined}
      aria-label={label}
    />
  );
}

/** The placeholder of a section whose data is on its way. */
export function LoadingBlock({ label }: { label: string }) {
  return (
    <div className="loading-block" role="status" aria-live="polite">
      <Spinner />
      <span>{label}</span>
    </div>
  );
}

export function SkeletonRows({ rows = 3, columns = 4 }: { rows?: number; columns?: number }) {
  return (
    <div className="card__body stack" aria-hidden="true">
      {Array.from({ length: rows }, (_, row) => (
        <div key={row} className="row" style={{ gap: 24 }}>
          {Array.from({ length: columns }, (_, column) => (
            <span
              key={column}
              className="skeleton"
              style={{ flex: column === 0 ? 2 : 1, opacity: 1 - row * 0.2 }}
            />
          ))}
        </div>
      ))}
    </div>
  );
}
