import { useNow } from '../hooks/useNow';

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "just now", "12 sec. ago", "in 3 days": the distance between two instants, for people. */
export function formatRelative(date: Date, now: Date): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 5) return 'just now';
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 86400 * 30) return relative.format(Math.round(seconds / 86400), 'day');
  return absolute.format(date);
}

export function formatDateTime(value: string | Date): string {
  return absolute.format(typeof value === 'string' ? new Date(value) : value);
}

/** A live "3 min ago" with the exact date as its tooltip. */
export function RelativeTime({ value, intervalMs = 1000 }: { value: string; intervalMs?: number }) {
  const now = useNow(intervalMs);
  const date = new Date(value);
  return (
    <time dateTime={value} title={absolute.format(date)}>
      {formatRelative(date, now)}
    </time>
  );
}
