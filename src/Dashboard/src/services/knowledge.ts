import { api, unwrap, type Schemas } from '../api/client';
import { apiErrorFrom, networkError } from './http';

export type KnowledgeSpace = Schemas['KnowledgeSpaceDto'];
export type KnowledgeDocument = Schemas['DocumentDto'];

export const knowledgeKeys = {
  all: ['knowledge'] as const,
  spaces: () => ['knowledge', 'spaces'] as const,
  documents: (spaceId: number) => ['knowledge', 'spaces', spaceId, 'documents'] as const,
};

export function fetchSpaces(signal?: AbortSignal): Promise<KnowledgeSpace[]> {
  return unwrap(api.GET('/api/knowledge/spaces', { signal }), signal);
}

export function fetchDocuments(
  spaceId: number,
  signal?: AbortSignal,
): Promise<KnowledgeDocument[]> {
  return unwrap(
    api.GET('/api/knowledge/spaces/{id}/documents', { params: { path: { id: spaceId } }, signal }),
    signal,
  );
}

export function createSpace(name: string, description: string): Promise<KnowledgeSpace> {
  return unwrap(
    api.POST('/api/knowledge/spaces', {
      body: { name, description, scope: 'company', scopeRef: null, agentId: null, acl: null },
    }),
  );
}

export async function deleteDocument(spaceId: number, documentId: number): Promise<void> {
  await unwrap(
    api.DELETE('/api/knowledge/spaces/{id}/documents/{documentId}', {
      params: { path: { id: spaceId, documentId } },
    }),
  );
}

export async function retryDocument(spaceId: number, documentId: number): Promise<void> {
  await unwrap(
    api.POST('/api/knowledge/spaces/{id}/documents/{documentId}/retry', {
      params: { path: { id: spaceId, documentId } },
    }),
  );
}

/** Uploads a file as multipart/form-data (field "file"); ingestion then runs in the background. */
export async function uploadDocument(spaceId: number, file: File): Promise<void> {
  const form = new FormData();
  form.append('file', file);
  let response: Response;
  try {
    response = await fetch(`/api/knowledge/spaces/${spaceId}/documents`, {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: { Accept: 'application/json, application/problem+json' },
    });
  } catch (error) {
    throw networkError(error);
  }
  if (!response.ok) {
    const text = await response.text();
    let body: { kind: 'json'; value: unknown } | { kind: 'text'; value: string } = {
      kind: 'text',
      value: text,
    };
    try {
      body = { kind: 'json', value: JSON.parse(text) as unknown };
    } catch {
      // not JSON: the text is the detail
    }
    throw apiErrorFrom(response, body);
  }
}
