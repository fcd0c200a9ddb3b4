import { api, unwrap, type Schemas } from '../api/client';
import { apiErrorFrom, networkError } from './http';

export type KnowledgeSpace = Schemas['KnowledgeSpaceDto'];
export type KnowledgeDocument = Schemas['DocumentDto'];
export type AclRule = Schemas['AclRule'];
export type AclPrincipalKind = Schemas['AclPrincipalKind'];
export type SpaceScope = Schemas['SpaceScope'];

export const spaceScopes: SpaceScope[] = ['company', 'department', 'project', 'agent'];
export const principalKinds: AclPrincipalKind[] = ['everyone', 'agent', 'role', 'department'];

export const knowledgeKeys = {
  all: ['knowledge'] as const,
  spaces: () => ['knowledge', 'spaces'] as const,
  documents: (spaceId: number, tag?: string) =>
    tag
      ? (['knowledge', 'spaces', spaceId, 'documents', tag] as const)
      : (['knowledge', 'spaces', spaceId, 'documents'] as const),
};

/** Who a rule names, in words: "every agent", "department sales", "agent 12". */
export function describeRule(
  rule: AclRule,
  agentName?: (id: number) => string | undefined,
): string {
  if (rule.kind === 'everyone') return 'every agent';
  if (rule.kind === 'agent') {
    const id = rule.agentId ?? 0;
    return agentName?.(id) ?? `agent ${id}`;
  }
  return `${rule.kind} ${rule.name ?? ''}`.trim();
}

export function fetchSpaces(signal?: AbortSignal): Promise<KnowledgeSpace[]> {
  return unwrap(api.GET('/api/knowledge/spaces', { signal }), signal);
}

export function fetchDocuments(
  spaceId: number,
  tag?: string,
  signal?: AbortSignal,
): Promise<KnowledgeDocument[]> {
  return unwrap(
    api.GET('/api/knowledge/spaces/{id}/documents', {
      params: { path: { id: spaceId }, query: tag ? { tag } : {} },
      signal,
    }),
    signal,
  );
}

export interface NewSpace {
  name: string;
  description: string;
  scope: SpaceScope;
  /** The department or project of those scopes. */
  scopeRef: string | null;
  /** The agent of an agent space. */
  agentId: number | null;
}

/** Without ACL rules: the scope's default ones (everyone, the department, nobody, the agent). */
export function createSpace(space: NewSpace): Promise<KnowledgeSpace> {
  return unwrap(api.POST('/api/knowledge/spaces', { body: { ...space, acl: null } }));
}

export function updateSpace(
  space: Pick<KnowledgeSpace, 'id' | 'version'>,
  name: string,
  description: string,
): Promise<KnowledgeSpace> {
  return unwrap(
    api.PUT('/api/knowledge/spaces/{id}', {
      params: { path: { id: space.id } },
      body: { name, description, expectedVersion: space.version },
    }),
  );
}

export async function deleteSpace(space: Pick<KnowledgeSpace, 'id' | 'version'>): Promise<void> {
  await unwrap(
    api.DELETE('/api/knowledge/spaces/{id}', {
      params: { path: { id: space.id } },
      headers: { 'If-Match': `"${space.version}"` },
    }),
  );
}

export function setAcl(
  space: Pick<KnowledgeSpace, 'id' | 'version'>,
  rules: AclRule[],
): Promise<KnowledgeSpace> {
  return unwrap(
    api.PUT('/api/knowledge/spaces/{id}/acl', {
      params: { path: { id: space.id } },
      body: { rules, expectedVersion: space.version },
    }),
  );
}

/**
 * Replaces a document's tags and metadata, if the document is still at `version` (the one the
 * editor was shown): otherwise the Api refuses with 412 and nothing is overwritten.
 */
export function updateDocument(
  spaceId: number,
  documentId: number,
  version: number,
  tags: string[],
  metadata: Record<string, string>,
): Promise<KnowledgeDocument> {
  return unwrap(
    api.PATCH('/api/knowledge/spaces/{id}/documents/{documentId}', {
      params: { path: { id: spaceId, documentId } },
      body: { tags, metadata, expectedVersion: version },
    }),
  );
}

/** "policy, HR ,, hr" → ["policy", "HR", "hr"]: the Api lower-cases and removes repeats. */
export function parseTags(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
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
