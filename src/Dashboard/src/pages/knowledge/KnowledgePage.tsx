import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BookOpen, FileText, Plus, RotateCcw, Trash2, Upload } from 'lucide-react';
import { useRef, useState } from 'react';
import { isCeo, useSession } from '../../app/session';
import { FormDialog } from '../../components/FormDialog';
import { EmptyState } from '../../components/EmptyState';
import { LoadingBlock, SkeletonRows } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RelativeTime } from '../../components/RelativeTime';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import {
  createSpace,
  deleteDocument,
  fetchDocuments,
  fetchSpaces,
  knowledgeKeys,
  retryDocument,
  uploadDocument,
  type KnowledgeDocument,
  type KnowledgeSpace,
} from '../../services/knowledge';
import { TextAreaField, TextField } from '../../components/Field';

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
          <SpaceDocuments key={current.id} space={current} canEdit={reason === undefined} />
        </div>
      )}
      <NewSpaceDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(space) => {
          setCreating(false);
          setSelected(space.id);
        }}
      />
    </div>
  );
}

function SpaceDocuments({ space, canEdit }: { space: KnowledgeSpace; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const input = useRef<HTMLInputElement>(null);
  const documents = useQuery({
    queryKey: knowledgeKeys.documents(space.id),
    queryFn: ({ signal }) => fetchDocuments(space.id, signal),
    // Ingestion publishes no event: while a document is being read, ask again.
    refetchInterval: (query) =>
      query.state.data?.some((d) => d.status === 'pending' || d.status === 'ingesting')
        ? 2000
        : false,
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
  const reason = canEdit ? undefined : ONLY_CEO;

  return (
    <section className="card" aria-labelledby="space-title">
      <div className="card__header">
        <div>
          <h2 id="space-title">{space.name}</h2>
          {space.description && <p className="muted small">{space.description}</p>}
        </div>
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
      </div>
      <div className="card__body stack">
        {upload.isError && <ProblemAlert error={upload.error} />}
        {act.isError && <ProblemAlert error={act.error} />}
        <p className="small muted">
          Readers:{' '}
          {space.acl.length === 0
            ? 'nobody yet'
            : space.acl
                .filter((rule) => rule.canRead)
                .map((rule) =>
                  rule.kind === 'everyone'
                    ? 'every agent'
                    : `${rule.kind} ${rule.name ?? rule.agentId ?? ''}`.trim(),
                )
                .join(', ')}
        </p>
        {documents.isPending && <LoadingBlock label="Loading the documents…" />}
        {documents.isError && <ProblemAlert error={documents.error} />}
        {documents.data?.length === 0 && (
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
    </section>
  );
}

function NewSpaceDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (space: KnowledgeSpace) => void;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useMutation({
    mutationFn: () => createSpace(name.trim(), description.trim()),
    onSuccess: (space) => {
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.all });
      setName('');
      setDescription('');
      create.reset();
      onCreated(space);
    },
  });
  return (
    <FormDialog
      open={open}
      onClose={() => {
        create.reset();
        onClose();
      }}
      title="New knowledge space"
      description="A company-wide space: every agent with the knowledge tool may read it."
      submitLabel="Create space"
      pending={create.isPending}
      onSubmit={() => create.mutate()}
    >
      <TextField
        label="Name"
        value={name}
        onChange={setName}
        placeholder="Product handbook"
        autoFocus
      />
      <TextAreaField label="Description" rows={2} value={description} onChange={setDescription} />
      {create.isError && <ProblemAlert error={create.error} />}
    </FormDialog>
  );
}
