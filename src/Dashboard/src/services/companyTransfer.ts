import { api, unwrap, type Schemas } from '../api/client';

export type ImportReport = Schemas['ImportReportDto'];
export type SectionChanges = Schemas['SectionChangesDto'];

/** The address of the company's export; the browser downloads it with the session cookie. */
export function exportUrl(documents: boolean): string {
  return documents ? '/api/company/export?documents=true' : '/api/company/export';
}

/** A file name for the export: the company's slug and today's date. */
export function exportFileName(slug: string, now = new Date()): string {
  return `${slug || 'company'}-${now.toISOString().slice(0, 10)}.json`;
}

/** What the dashboard reads of a company document before sending it: the Api judges the rest. */
export interface CompanyDocumentSummary {
  format?: string;
  formatVersion?: number;
  company?: string;
  exportedAt?: string;
  /** Items per section (a section that is not a list counts as one). */
  sections: { name: string; items: number }[];
}

/** Parses a chosen file; the error says where the JSON is wrong, or that it is not an object. */
export function parseCompanyDocument(
  text: string,
):
  | { ok: true; value: Record<string, unknown>; summary: CompanyDocumentSummary }
  | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: `The file is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return {
      ok: false,
      error: 'The file is not a company document: it must hold one JSON object.',
    };
  const document = value as Record<string, unknown>;
  const sections =
    typeof document.sections === 'object' && document.sections !== null
      ? Object.entries(document.sections as Record<string, unknown>).map(([name, section]) => ({
          name,
          items: Array.isArray(section) ? section.length : section === null ? 0 : 1,
        }))
      : [];
  const company = document.company;
  return {
    ok: true,
    value: document,
    summary: {
      format: typeof document.format === 'string' ? document.format : undefined,
      formatVersion:
        typeof document.formatVersion === 'number' ? document.formatVersion : undefined,
      company:
        typeof company === 'string'
          ? company
          : typeof company === 'object' && company !== null && 'name' in company
            ? String(company.name)
            : undefined,
      exportedAt: typeof document.exportedAt === 'string' ? document.exportedAt : undefined,
      sections,
    },
  };
}

/** Compares the document with the company (dryRun) or creates its contents in this empty company. */
export function importCompany(
  document: Record<string, unknown>,
  dryRun: boolean,
): Promise<ImportReport> {
  return unwrap(api.POST('/api/company/import', { params: { query: { dryRun } }, body: document }));
}

/** A section's name in words: "workflowTriggers" → "Workflow triggers". */
export function sectionLabel(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Whether a report finds any difference at all. */
export function hasDifferences(report: ImportReport): boolean {
  return report.sections.some(
    (s) => s.added.length > 0 || s.removed.length > 0 || s.changed.length > 0,
  );
}
