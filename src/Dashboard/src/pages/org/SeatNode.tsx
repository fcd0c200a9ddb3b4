import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { Crown, ShieldAlert } from 'lucide-react';
import type { CSSProperties } from 'react';
import { Avatar } from '../../components/Avatar';
import { avatarUrl } from '../../services/agents';
import type { OrgNode } from '../../services/org';
import { departmentColour } from './departments';

export type DropState = 'pending' | 'allowed' | 'denied';

export interface SeatData extends Record<string, unknown> {
  seat: OrgNode;
  /** The title of the task the agent runs now, if any. */
  working: string | null;
  dimmed: boolean;
  highlighted: boolean;
  selected: boolean;
  direction: 'TB' | 'LR';
  drop: DropState | null;
  /** Why the hierarchy rules refused a drop here, shown under the seat. */
  refusal: string | null;
  onOpen: (seat: OrgNode) => void;
}

export type SeatNodeType = Node<SeatData, 'seat'>;

export interface LevelData extends Record<string, unknown> {
  level: number;
  top: boolean;
}

export type LevelNodeType = Node<LevelData, 'level'>;

function statusOf(seat: OrgNode, working: string | null): { tone: string; label: string } {
  if (seat.status === 'archived') return { tone: 'dot', label: 'Archived' };
  if (seat.status === 'paused') return { tone: 'dot dot--warn', label: 'Paused' };
  if (working) return { tone: 'dot dot--info dot--pulse', label: `Working on “${working}”` };
  return { tone: 'dot dot--ok', label: 'Available' };
}

export function SeatNode({ data }: NodeProps<SeatNodeType>) {
  const { seat, working, dimmed, highlighted, selected, direction, drop, refusal, onOpen } = data;
  const [inSide, outSide] =
    direction === 'TB' ? [Position.Top, Position.Bottom] : [Position.Left, Position.Right];
  const ceo = seat.kind === 'ceo';
  const classes = [
    'seat',
    ceo ? 'seat--ceo' : '',
    dimmed ? 'seat--dimmed' : '',
    highlighted ? 'seat--match' : '',
    selected ? 'seat--selected' : '',
    drop ? `seat--drop-${drop}` : '',
    seat.status === 'archived' ? 'seat--archived' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const status = statusOf(seat, working);

  return (
    <div
      className={classes}
      style={{ '--dept': departmentColour(seat.department) } as CSSProperties}
    >
      <Handle type="target" position={inSide} isConnectable={false} />
      <button
        type="button"
        className="seat__button"
        onClick={() => onOpen(seat)}
        aria-label={
          ceo
            ? 'CEO seat (you)'
            : `${seat.name}, ${seat.role ?? ''}, ${seat.department ?? ''}. ${status.label}`
        }
      >
        {ceo ? (
          <span className="seat__crown" aria-hidden="true">
            <Crown size={18} />
          </span>
        ) : (
          <span className="seat__avatar">
            <Avatar
              name={seat.name}
              src={avatarUrl(seat.agentId ?? 0, seat.avatarArtifactId)}
              size={38}
              colour={departmentColour(seat.department)}
            />
            <span className={`seat__dot ${status.tone}`} title={status.label} aria-hidden="true" />
          </span>
        )}
        <span className="seat__text">
          <span className="seat__name">{ceo ? 'You' : seat.name}</span>
          <span className="seat__role">{ceo ? 'CEO seat' : seat.role}</span>
          {!ceo && (
            <span className="seat__dept">
              <span className="seat__swatch" aria-hidden="true" />
              {seat.department}
              {seat.status === 'paused' && <span className="seat__flag">Paused</span>}
              {seat.status === 'archived' && <span className="seat__flag">Archived</span>}
            </span>
          )}
        </span>
      </button>
      {drop === 'allowed' && <div className="seat__hint">Drop to report here</div>}
      {refusal && (
        <div className="seat__refusal" role="alert">
          <ShieldAlert size={15} aria-hidden="true" />
          <span>{refusal}</span>
        </div>
      )}
      <Handle type="source" position={outSide} isConnectable={false} />
    </div>
  );
}

export function LevelNode({ data }: NodeProps<LevelNodeType>) {
  return (
    <div className="level-label" aria-hidden="true">
      Level {data.level}
      {data.top && <span> · top</span>}
    </div>
  );
}
