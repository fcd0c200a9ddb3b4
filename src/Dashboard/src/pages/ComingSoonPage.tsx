import { Link } from 'react-router';
import { navItemFor } from '../app/navigation';
import { PageHeader } from '../components/PageHeader';
import { usePageTitle } from '../hooks/usePageTitle';

const plans: Record<string, { summary: string; points: string[] }> = {
  '/missions': {
    summary: 'Missions are the goals you hand to the company; agents break them into tasks.',
    points: [
      'Each mission with its owner, its tasks and how far it has come',
      'Cost and tokens spent so far against the budget',
      'Start, pause and close a mission',
    ],
  },
  '/meetings': {
    summary: 'Meetings gather agents around a question; their decisions become tasks.',
    points: [
      'The transcript, live while the meeting runs',
      'Decisions and calls to action, each linked to the task it created',
      'Convene a meeting with the agents you choose',
    ],
  },
};

/** A page whose Api does not exist yet: it says so and shows nothing made up. */
export function ComingSoonPage({ path }: { path: string }) {
  const item = navItemFor(path);
  const plan = plans[path];
  const title = item?.label ?? 'Coming soon';
  usePageTitle(title);
  const Icon = item?.icon;
  return (
    <div className="page">
      <PageHeader title={title} description={plan?.summary} />
      <section className="card soon" aria-label={`${title} is not available yet`}>
        {Icon && (
          <div className="empty__icon" aria-hidden="true">
            <Icon size={22} />
          </div>
        )}
        <div>
          <h2 className="section-title">Not available yet</h2>
          <p className="muted" style={{ marginTop: 6 }}>
            The server does not offer {title.toLowerCase()} yet, so there is nothing to show here.
            Once it does, this page will bring:
          </p>
        </div>
        {plan && (
          <ul>
            {plan.points.map((point) => (
              <li key={point}>{point}</li>
            ))}
          </ul>
        )}
        <Link to="/tasks" className="button">
          Go to tasks
        </Link>
      </section>
    </div>
  );
}
