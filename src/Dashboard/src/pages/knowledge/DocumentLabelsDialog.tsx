import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { TextField } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useToast } from '../../components/Toasts';
import { ApiError } from '../../services/http';
import {
  knowledgeKeys,
  parseTags,
  updateDocument,
  type KnowledgeDocument,
} from '../../services/knowledge';

/** The Api's messages about the fields starting with `prefix` ("tags[1]", "metadata.owner"). */
function messagesFor(error: unknown, test: (field: string) => boolean): string[] {
  if (!(error instanceof ApiError)) return [];
  return Object.entries(error.errors)
    .filter(([field]) => test(field))
    .flatMap(([, messages]) => messages.map((m) => (/[.!?]$/.test(m) ? m : `${m}.`)));
}

/**
 * Edits a document's tags (comma-separated) and metadata (key and value rows); the Api checks them
 * and names the tag or key it refuses.
 */
export function DocumentLabelsDialog({
  spaceId,
  document,
  open,
  onClose,
}: {
  spaceId: number;
  document: KnowledgeDocument;
  open: boolean;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [tags, setTags] = useState(document.tags.join(', '));
  const [entries, setEntries] = useState<{ key: string; value: string }[]>(() =>
    Object.entries(document.metadata).map(([key, value]) => ({ key, value })),
  );
  const save = useMutation({
    mutationFn: () =>
      updateDocument(
        spaceId,
        document.id,
        document.version,
        parseTags(tags),
        Object.fromEntries(
          entries.filter((e) => e.key.trim() !== '').map((e) => [e.key.trim(), e.value]),
        ),
      ),
    onSuccess: (saved) => {
      toast({ tone: 'ok', title: 'Document labels saved', detail: saved.name });
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.all });
      save.reset();
      onClose();
    },
  });
  const error = save.isError ? save.error : null;
  const tagErrors = messagesFor(error, (f) => f === 'tags' || f.startsWith('tags['));
  const metadataErrors = messagesFor(error, (f) => f === 'metadata' || f.startsWith('metadata.'));
  const shown = tagErrors.length + metadataErrors.length > 0;
  return (
    <FormDialog
      open={open}
      onClose={() => {
        save.reset();
        onClose();
      }}
      title={`Labels of “${document.name}”`}
      description="Tags filter the space’s documents; metadata says where a document comes from."
      submitLabel="Save labels"
      pending={save.isPending}
      onSubmit={() => save.mutate()}
    >
      <TextField
        label="Tags"
        value={tags}
        onChange={setTags}
        placeholder="policy, hr"
        errors={tagErrors}
        autoFocus
      />
      <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="field__label">Metadata</legend>
        {entries.map((entry, index) => (
          <div key={index} className="row">
            <input
              className="input"
              aria-label={`Metadata key ${index + 1}`}
              value={entry.key}
              placeholder="owner"
              onChange={(e) =>
                setEntries((all) =>
                  all.map((x, i) => (i === index ? { ...x, key: e.target.value } : x)),
                )
              }
            />
            <input
              className="input"
              aria-label={`Metadata value ${index + 1}`}
              value={entry.value}
              placeholder="Ada"
              onChange={(e) =>
                setEntries((all) =>
                  all.map((x, i) => (i === index ? { ...x, value: e.target.value } : x)),
                )
              }
            />
            <button
              type="button"
              className="button button--ghost button--small danger-text"
              aria-label={`Remove metadata ${index + 1}`}
              onClick={() => setEntries((all) => all.filter((_, i) => i !== index))}
            >
              <Trash2 size={14} />
            </button>
          </div>
        ))}
        {metadataErrors.map((message) => (
          <span key={message} className="field__error" data-testid="field-error">
            {message}
          </span>
        ))}
        <button
          type="button"
          className="button button--small"
          style={{ alignSelf: 'flex-start' }}
          onClick={() => setEntries((all) => [...all, { key: '', value: '' }])}
        >
          <Plus size={14} /> Add metadata
        </button>
      </fieldset>
      {error && !shown && <ProblemAlert error={error} />}
    </FormDialog>
  );
}
