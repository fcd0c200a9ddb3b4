import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ImageUp } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { Tooltip } from '../../components/Tooltip';
import { agentKeys, type Agent } from '../../services/agents';
import { orgChartQueryKey } from '../../services/org';

function uploadAvatar(agentId: number, file: File): Promise<Agent> {
  const form = new FormData();
  form.append('file', file);
  return unwrap(
    api.PUT('/api/agents/{id}/avatar', {
      params: { path: { id: agentId } },
      // The browser sets the multipart boundary itself: the form goes as it is.
      body: {},
      bodySerializer: () => form,
    }),
  );
}

/** Chooses a picture, shows it before it is sent, then uploads it as the agent's avatar. */
export function AvatarUpload({
  agent,
  disabledReason,
}: {
  agent: Agent;
  disabledReason: string | undefined;
}) {
  const queryClient = useQueryClient();
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  // Each preview's object URL is released when it is replaced or the panel closes.
  useEffect(() => {
    if (!preview) return;
    return () => URL.revokeObjectURL(preview);
  }, [preview]);
  const upload = useMutation({
    mutationFn: (chosen: File) => uploadAvatar(agent.id, chosen),
    onSuccess: (updated) => {
      queryClient.setQueryData(agentKeys.detail(agent.id), updated);
      void queryClient.invalidateQueries({ queryKey: agentKeys.all });
      void queryClient.invalidateQueries({ queryKey: orgChartQueryKey });
      setFile(null);
      setPreview(null);
    },
  });
  const disabled = disabledReason !== undefined;
  return (
    <div className="stack" style={{ gap: 8 }}>
      <div className="avatar-upload">
        {preview && file && (
          <>
            <img
              src={preview}
              alt="New picture, not saved yet"
              width={56}
              height={56}
              style={{ borderRadius: '50%', objectFit: 'cover' }}
            />
            <button
              type="button"
              className="button button--small button--primary"
              disabled={upload.isPending}
              onClick={() => upload.mutate(file)}
            >
              {upload.isPending ? 'Uploading…' : 'Save picture'}
            </button>
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                setFile(null);
                setPreview(null);
                upload.reset();
              }}
            >
              Cancel
            </button>
          </>
        )}
        {!file && (
          <Tooltip text={disabledReason}>
            <label
              htmlFor={inputId}
              className={disabled ? 'button button--small is-disabled' : 'button button--small'}
              aria-disabled={disabled || undefined}
            >
              <ImageUp size={14} /> Change picture
            </label>
          </Tooltip>
        )}
        <input
          id={inputId}
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif"
          className="visually-hidden"
          aria-label="Avatar picture"
          disabled={disabled}
          onChange={(e) => {
            upload.reset();
            const chosen = e.target.files?.[0] ?? null;
            setFile(chosen);
            setPreview(chosen ? URL.createObjectURL(chosen) : null);
            e.target.value = '';
          }}
        />
      </div>
      {upload.isError && <ProblemAlert error={upload.error} />}
    </div>
  );
}
