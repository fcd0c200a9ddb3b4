import { useQuery } from '@tanstack/react-query';
import { Plus, Users } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { isCeo, useSession } from '../../app/session';
import { EmptyState } from '../../components/EmptyState';
import { SkeletonRows } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RelativeTime } from '../../components/RelativeTime';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import { fetchMeetings, formatCost, meetingKeys } from '../../services/meetings';
import { MeetingStatusBadge } from './parts';
import { NewMeetingDialog } from './NewMeetingDialog';

export function MeetingsPage() {
  usePageTitle('Meetings');
  const session = useSession();
  const [creating, setCreating] = useState(false);
  const meetings = useQuery({
    queryKey: meetingKeys.list(),
    queryFn: ({ signal }) => fetchMeetings(signal),
  });
  const reason = isCeo(session) ? undefined : 'Only the CEO convenes meetings.';

  return (
    <div className="page">
      <PageHeader
        title="Meetings"
        description="Agents discuss a goal with you; the minutes end in calls to action that become tasks down the org chart."
        actions={
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--primary"
              onClick={() => setCreating(true)}
              disabled={reason !== undefined}
            >
              <Plus size={16} aria-hidden="true" /> New meeting
            </button>
          </Tooltip>
        }
      />
      <section className="card">
        {meetings.isPending && <SkeletonRows rows={3} columns={4} />}
        {meetings.isError && (
          <div className="card__body">
            <ProblemAlert error={meetings.error} />
          </div>
        )}
        {meetings.data && meetings.data.length === 0 && (
          <EmptyState icon={<Users size={22} />} title="No meeting yet">
            Convene agents around a question; their decisions become tasks.
          </EmptyState>
        )}
        {meetings.data && meetings.data.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Meeting</th>
                  <th scope="col">Status</th>
                  <th scope="col">Participants</th>
                  <th scope="col">Cost</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {meetings.data.map((meeting) => (
                  <tr key={meeting.id}>
                    <td>
                      <Link to={`/meetings/${meeting.id}`} className="cell-title cell-link">
                        {meeting.title}
                      </Link>
                      {meeting.goal && <div className="cell-sub">{meeting.goal}</div>}
                    </td>
                    <td>
                      <MeetingStatusBadge status={meeting.status} />
                    </td>
                    <td>{meeting.participants.map((p) => p.name).join(', ')}</td>
                    <td className="nowrap">{formatCost(meeting.cost)}</td>
                    <td className="nowrap">
                      <RelativeTime value={meeting.createdAt} intervalMs={60_000} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <NewMeetingDialog open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}
