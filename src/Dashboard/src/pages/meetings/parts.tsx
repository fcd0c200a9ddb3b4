import type { MeetingStatus } from '../../services/meetings';
import { meetingStatusLabels, meetingStatusTone } from '../../services/meetings';

export function MeetingStatusBadge({ status }: { status: MeetingStatus }) {
  return (
    <span className={`badge badge--${meetingStatusTone[status]}`}>
      {(status === 'running' || status === 'synthesizing') && (
        <span className="dot dot--info dot--pulse" aria-hidden="true" />
      )}
      {meetingStatusLabels[status]}
    </span>
  );
}
