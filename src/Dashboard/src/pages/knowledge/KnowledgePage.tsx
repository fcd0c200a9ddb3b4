import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BookOpen, FileText, Pencil, Plus, RotateCcw, Tag, Trash2, Upload } from 'lucide-react';
import { useRef, useState } from 'react';
import { isCeo, useSession } from '../../app/session';
import { EmptyState } from '../../components/EmptyState';
import { LoadingBlock, SkeletonRows } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RelativeTime } from '../../components/RelativeTime';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import { agentKeys, fetchAgents, type Agent } from '../../services/agents';
import {
  deleteDocument,
  describeRule,
  fetchDocuments,
  fetchSpaces,
  knowledgeKeys,
  retryDocument,
  uploadDocument,
  type KnowledgeDocument,
  type KnowledgeSpace,
} from '../../services/knowledge';
import { AclEditor } from './AclEditor';
import { DocumentLabelsDialog } from './DocumentLabelsDialog';
import { DeleteSpaceDialog, NewSpaceDialog, RenameSpaceDialog } from './SpaceDialogs';

const statusBadge: Record<KnowledgeDocument['status'], string> = {
  pending: 'badge',
  ingesting: 'badge badge--info',
  ready: 'badge badge--ok',
  failed: 'badge badge--bad',
};

const statusLabel: Record<KnowledgeDocument['status'], string> = {
  pending: 'Queued',
  ingesting: 'Reading',
  ready: 'Ready',
  failed: 'Failed',
};

const ONLY_CEO = 'Only the CEO changes the company’s knowledge.';

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function KnowledgePage() {
  usePageTitle('Knowledge');
  const session = useSession();
  const spaces = useQuery({
    queryKey: knowledgeKeys.spaces(),
    queryFn: ({ signal }) => fetchSpaces(signal),
  });
  const [selected, setSelected] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const agents = useQuery({
    queryKey: agentKeys.list(),
    queryFn: ({ signal }) => fetchAgents(signal),
  });
  const agentList = (agents.data ?? []).filter((a) => a.status !== 'archived');
  const projects = [
    ...new Set(
      (spaces.data ?? [])
        .filter((s) => s.scope === 'project' && s.scopeRef)
        .map((s) => s.scopeRef as string),
    ),
  ].sort();
  const reason = isCeo(session) ? undefined : ONLY_CEO;
  const current = spaces.data?.find((s) => s.id === selected) ?? spaces.data?.[0];

  return (
    <div className="page">
      <PageHeader
        title="Knowledge"
        description="The documents agents search with their knowledge tool. Each space says who may read it."
        actions={
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--primary"
              disabled={reason !== undefined}
              onClick={() => setCreating(true)}
            >
              <Plus size={16} /> New space
            </button>
          </Tooltip>
        }
      />
      {spaces.isPending && (
        <div className="card">
          <SkeletonRows rows={3} columns={3} />
        </div>
      )}
      {spaces.isError && <ProblemAlert error={spaces.error} />}
      {spaces.data?.length === 0 && (
        <section className="card">
          <EmptyState icon={<BookOpen size={22} />} title="No knowledge yet">
            Create a space and upload documents: agents allowed to read it find passages in them and
            cite them.
          </EmptyState>
        </section>
      )}
      {spaces.data && spaces.data.length > 0 && current && (
        <div className="knowledge">
          <nav className="card knowledge__spaces" aria-label="Spaces">
            {spaces.data.map((space) => (
              <button
                key={space.id}
                type="button"
                className="knowledge__space"
                aria-current={space.id === current.id}
                onClick={() => setSelected(space.id)}
              >
                <span className="cell-title">{space.name}</span>
                <span className="cell-sub">
                  {space.readyDocumentCount}/{space.documentCount} documents ready · {space.scope}
                  {space.scopeRef ? ` ${space.scopeRef}` : ''}
                </span>
              </button>
            ))}
          </nav>
          <SpaceDetail
            key={current.id}
            space={current}
            agents={agentList}
            reason={reason}
            onDeleted={() => setSelected(null)}
          />
        </div>
      )}
      <NewSpaceDialog
        open={creating}
        agents={agentList}
        projects={projects}
        onClose={() => setCreating(false)}
        onCreated={(space) => {
          setCreating(false);
          setSelected(space.id);
        }}
      />
    </div>
  );
}

function SpaceDetail({
  space,
  agents,
  reason,
  onDeleted,
}: {
  space: KnowledgeSpace;
  agents: Agent[];
  reason: string | undefined;
  onDeleted: () => void;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const input = useRef<HTMLInputElement>(null);
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [labelling, setLabelling] = useState<KnowledgeDocument | null>(null);
  const [tag, setTag] = useState('');
  const all = useQuery({
    queryKey: knowledgeKeys.documents(space.id),
    queryFn: ({ signal }) => fetchDocuments(space.id, undefined, signal),
    // Events say when a document is ready; while one is being read, its progress is asked for.
    refetchInterval: (query) =>
      query.state.data?.some((d) => d.status === 'pending' || d.status === 'ingesting')
        ? 2000
        : false,
  });
  const tags = [...new Set((all.data ?? []).flatMap((d) => d.tags))].sort();
  const filtered = useQuery({
    queryKey: knowledgeKeys.documents(space.id, tag),
    queryFn: ({ signal }) => fetchDocuments(space.id, tag, signal),
    enabled: tag !== '',
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: knowledgeKeys.all });
  const upload = useMutation({
    mutationFn: (files: File[]) => Promise.all(files.map((file) => uploadDocument(space.id, file))),
    onSuccess: (_, files) => {
      toast({
        tone: 'ok',
        title:
          files.length === 1
            ? `“${files[0]?.name}” uploaded`
            : `${files.length} documents uploaded`,
        detail: 'Agents can search them once they are read.',
      });
      void refresh();
    },
  });
  const act = useMutation({
    mutationFn: ({ doc, action }: { doc: KnowledgeDocument; action: 'delete' | 'retry' }) =>
      action === 'delete' ? deleteDocument(space.id, doc.id) : retryDocument(space.id, doc.id),
    onSettled: () => refresh(),
  });
  const documents = tag === '' ? all : filtered;
  const agentName = (id: number) => {
    const agent = agents.find((a) => a.id === id);
    return agent ? `${agent.profile.firstName} ${agent.profile.lastName}` : undefined;
  };

  return (
    <section className="card" aria-labelledby="space-title">
      <div className="card__header">
        <div>
          <h2 id="space-title">{space.name}</h2>
          {space.description && <p className="muted small">{space.description}</p>}
          <p className="small muted">
            {space.scope} space{space.scopeRef ? ` · ${space.scopeRef}` : ''}
            {space.agentId ? ` · ${agentName(space.agentId) ?? `agent ${space.agentId}`}` : ''}
          </p>
        </div>
        <span className="row">
          <Tooltip text={reason}>
            <button
              type="button"
              className="button"
              disabled={reason !== undefined}
              onClick={() => setRenaming(true)}
            >
              <Pencil size={15} /> Rename
            </button>
          </Tooltip>
          <Tooltip text={reason}>
            <button
              type="button"
              className="button danger-text"
              disabled={reason !== undefined}
              onClick={() => setDeleting(true)}
            >
              <Trash2 size={15} /> Delete space
            </button>
          </Tooltip>
          <Tooltip text={reason}>
            <button
              type="button"
              className="button"
              disabled={reason !== undefined || upload.isPending}
              onClick={() => input.current?.click()}
            >
              <Upload size={15} /> {upload.isPending ? 'Uploading…' : 'Upload documents'}
            </button>
          </Tooltip>
          <input
            ref={input}
            type="file"
            multiple
            hidden
            accept=".txt,.md,.markdown,.html,.htm,.csv,.json,.pdf,.docx,.xlsx,text/*,application/pdf,application/json,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            aria-label="Documents to upload"
            onChange={(event) => {
              const files = Array.from(event.target.files ?? []);
              event.target.value = '';
              if (files.length > 0) upload.mutate(files);
            }}
          />
        </span>
      </div>
      <div className="card__body stack">
        {upload.isError && <ProblemAlert error={upload.error} />}
        {act.isError && <ProblemAlert error={act.error} />}
        <p className="small muted" data-testid="space-readers">
          Readers:{' '}
          {space.acl.filter((rule) => rule.canRead).length === 0
            ? 'nobody yet'
            : space.acl
                .filter((rule) => rule.canRead)
                .map((rule) => describeRule(rule, agentName))
                .join(', ')}
        </p>
        <AclEditor
          key={`${space.id}:${space.version}`}
          space={space}
          agents={agents}
          canEdit={reason === undefined}
          reason={reason}
        />
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <h3>Documents</h3>
          <label className="row small">
            <span>Tag</span>
            <select
              className="select"
              aria-label="Filter by tag"
              value={tag}
              onChange={(e) => setTag(e.target.value)}
            >
              <option value="">Every document</option>
              {[...new Set([...tags, ...(tag ? [tag] : [])])].map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
        </div>
        {documents.isPending && <LoadingBlock label="Loading the documents…" />}
        {documents.isError && <ProblemAlert error={documents.error} />}
        {documents.data?.length === 0 && tag !== '' && (
          <p className="small muted">No document carries the tag “{tag}”.</p>
        )}
        {documents.data?.length === 0 && tag === '' && (
          <EmptyState icon={<FileText size={22} />} title="No document in this space">
            Upload text, Markdown, HTML, CSV, JSON, PDF, Word (.docx) or Excel (.xlsx) files.
          </EmptyState>
        )}
        {documents.data && documents.data.length > 0 && (
          <ul className="mini-list">
            {documents.data.map((doc) => (
              <li key={doc.id}>
                <span className="stack" style={{ gap: 2, minWidth: 0 }}>
                  <span className="cell-title">{doc.name}</span>
                  <span className="cell-sub">
                    {size(doc.sizeBytes)} · {doc.chunkCount} passages · uploaded{' '}
                    <RelativeTime value={doc.createdAt} intervalMs={30_000} />
                  </span>
                  {doc.tags.length > 0 && (
                    <span className="row" style={{ gap: 4, flexWrap: 'wrap' }}>
                      {doc.tags.map((t) => (
                        <span key={t} className="badge" data-testid="document-tag">
                          {t}
                        </span>
                      ))}
                    </span>
                  )}
                  {Object.keys(doc.metadata).length > 0 && (
                    <span className="cell-sub" data-testid="document-metadata">
                      {Object.entries(doc.metadata)
                        .map(([k, v]) => `${k}: ${v}`)
                        .join(' · ')}
                    </span>
                  )}
                  {doc.error && <span className="small danger-text">{doc.error}</span>}
                </span>
                <span className="row">
                  <span className={statusBadge[doc.status]}>
                    {doc.status === 'ingesting' && (
                      <span className="dot dot--info dot--pulse" aria-hidden="true" />
                    )}
                    {statusLabel[doc.status]}
                  </span>
                  {doc.status === 'failed' && (
                    <Tooltip text={reason}>
                      <button
                        type="button"
                        className="button button--ghost button--small"
                        disabled={reason !== undefined}
                        onClick={() => act.mutate({ doc, action: 'retry' })}
                        aria-label={`Read ${doc.name} again`}
                      >
                        <RotateCcw size={14} />
                      </button>
                    </Tooltip>
                  )}
                  <Tooltip text={reason}>
                    <button
                      type="button"
                      className="button button--ghost button--small"
                      disabled={reason !== undefined}
                      onClick={() => setLabelling(doc)}
                      aria-label={`Tags and metadata of ${doc.name}`}
                    >
                      <Tag size={14} />
                    </button>
                  </Tooltip>
                  <Tooltip text={reason}>
                    <button
                      type="button"
                      className="button button--ghost button--small danger-text"
                      disabled={reason !== undefined}
                      onClick={() => act.mutate({ doc, action: 'delete' })}
                      aria-label={`Delete ${doc.name}`}
                    >
                      <Trash2 size={14} />
                    </button>
                  </Tooltip>
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <RenameSpaceDialog
        key={`rename:${space.version}:${renaming}`}
        space={space}
        open={renaming}
        onClose={() => setRenaming(false)}
      />
      <DeleteSpaceDialog
        space={space}
        open={deleting}
        onClose={() => setDeleting(false)}
        onDeleted={() => {
          setDeleting(false);
          onDeleted();
        }}
      />
      {labelling && (
        <DocumentLabelsDialog
          key={labelling.id}
          spaceId={space.id}
          document={labelling}
          open
          onClose={() => setLabelling(null)}
        />
      )}
    </section>
  );
}
