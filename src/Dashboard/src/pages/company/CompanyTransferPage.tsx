import { useMutation } from '@tanstack/react-query';
import { Download, FileSearch, Upload } from 'lucide-react';
import { useId, useState } from 'react';
import { isCeo, useSession } from '../../app/session';
import { Dialog } from '../../components/Dialog';
import { PageHeader } from '../../components/PageHeader';
import { InfoAlert, ProblemAlert } from '../../components/ProblemAlert';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import {
  exportFileName,
  exportUrl,
  hasDifferences,
  importCompany,
  parseCompanyDocument,
  sectionLabel,
  type CompanyDocumentSummary,
  type ImportReport,
} from '../../services/companyTransfer';
import { ApiError } from '../../services/http';
import './company.css';

const ONLY_CEO = 'Only the CEO imports a company.';

interface Chosen {
  fileName: string;
  document: Record<string, unknown>;
  summary: CompanyDocumentSummary;
}

/**
 * The company as one JSON document: download it (never a secret), and bring one into this
 * company: a dry run lists what differs, section by section; the import itself needs an empty
 * company, and the Api says so in words when it is not.
 */
export function CompanyTransferPage() {
  usePageTitle('Export and import');
  const session = useSession();
  const reason = isCeo(session) ? undefined : ONLY_CEO;
  return (
    <div className="page">
      <PageHeader
        title="Export and import"
        description="The company as one JSON document: agents and their place in the org chart, company policy, hierarchy rules, schedules, workflows and their triggers, knowledge spaces. Secrets, users, tasks and spend are never part of it."
      />
      <div className="stack">
        <ExportCard slug={session.company.slug} />
        <ImportCard reason={reason} />
      </div>
    </div>
  );
}

function ExportCard({ slug }: { slug: string }) {
  const [documents, setDocuments] = useState(false);
  return (
    <section className="card card--padded stack" aria-labelledby="export-title">
      <h2 id="export-title" className="section-title">
        Export
      </h2>
      <label className="check-label">
        <input
          type="checkbox"
          checked={documents}
          onChange={(event) => setDocuments(event.target.checked)}
        />
        Include the knowledge documents’ contents (larger file)
      </label>
      <div className="row">
        <a
          className="button button--primary"
          href={exportUrl(documents)}
          download={exportFileName(slug)}
        >
          <Download size={15} /> Download the export
        </a>
      </div>
    </section>
  );
}

function ImportCard({ reason }: { reason?: string }) {
  const inputId = useId();
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const preview = useMutation({
    mutationFn: (document: Record<string, unknown>) => importCompany(document, true),
  });
  const run = useMutation({
    mutationFn: (document: Record<string, unknown>) => importCompany(document, false),
    onSuccess: () => setConfirming(false),
  });

  const choose = async (file: File | undefined) => {
    preview.reset();
    run.reset();
    setChosen(null);
    setReadError(null);
    if (!file) return;
    const parsed = parseCompanyDocument(await file.text());
    if (!parsed.ok) {
      setReadError(parsed.error);
      return;
    }
    setChosen({ fileName: file.name, document: parsed.value, summary: parsed.summary });
  };

  return (
    <section className="card card--padded stack" aria-labelledby="import-title">
      <h2 id="import-title" className="section-title">
        Import
      </h2>
      <p className="muted small">
        Choose an exported file. “Compare” writes nothing and lists what the file would add, what
        only this company has, and what differs. “Import” creates the file’s contents here, in one
        go, and only into an empty company (no agents, tasks, schedules, workflows or spaces).
        Imported webhook triggers arrive disabled: give each a new secret, then enable it.
      </p>
      <label className="field" htmlFor={inputId}>
        <span className="field__label">Company document (JSON)</span>
        <input
          id={inputId}
          className="input"
          type="file"
          accept="application/json,.json"
          onChange={(event) => void choose(event.target.files?.[0])}
        />
      </label>
      {readError && (
        <div className="alert" role="alert">
          <div className="alert__body">
            <p className="alert__title">{readError}</p>
          </div>
        </div>
      )}
      {chosen && <DocumentSummary chosen={chosen} />}
      <div className="row" style={{ gap: 8, flexWrap: 'wrap' }}>
        <Tooltip text={reason}>
          <button
            type="button"
            className="button"
            disabled={reason !== undefined || chosen === null || preview.isPending}
            onClick={() => chosen && preview.mutate(chosen.document)}
          >
            <FileSearch size={15} /> {preview.isPending ? 'Comparing…' : 'Compare (dry run)'}
          </button>
        </Tooltip>
        <Tooltip text={reason}>
          <button
            type="button"
            className="button button--primary"
            disabled={reason !== undefined || chosen === null || run.isPending}
            onClick={() => {
              run.reset();
              setConfirming(true);
            }}
          >
            <Upload size={15} /> Import…
          </button>
        </Tooltip>
      </div>
      {preview.isError && <TransferProblem error={preview.error} />}
      {preview.data && <ReportView report={preview.data} />}
      {run.isError && !confirming && <TransferProblem error={run.error} />}
      {run.data && <ReportView report={run.data} />}
      <Dialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Import into this company?"
        description="Everything in the file is created here in one transaction: all of it, or nothing."
        footer={
          <>
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="button button--primary"
              disabled={run.isPending || chosen === null}
              onClick={() => chosen && run.mutate(chosen.document)}
            >
              <Upload size={15} /> {run.isPending ? 'Importing…' : 'Import'}
            </button>
          </>
        }
      >
        {run.isError && <TransferProblem error={run.error} />}
      </Dialog>
    </section>
  );
}

function DocumentSummary({ chosen }: { chosen: Chosen }) {
  const { summary } = chosen;
  return (
    <dl className="facts" aria-label="Chosen file">
      <div>
        <dt>File</dt>
        <dd>{chosen.fileName}</dd>
      </div>
      <div>
        <dt>Company</dt>
        <dd>{summary.company ?? '—'}</dd>
      </div>
      <div>
        <dt>Format</dt>
        <dd>
          {summary.format ?? 'unknown'}
          {summary.formatVersion !== undefined && `, version ${summary.formatVersion}`}
        </dd>
      </div>
      <div>
        <dt>Exported</dt>
        <dd>{summary.exportedAt ? new Date(summary.exportedAt).toLocaleString() : '—'}</dd>
      </div>
      <div>
        <dt>Holds</dt>
        <dd>
          {summary.sections.length === 0
            ? 'no section'
            : summary.sections.map((s) => `${sectionLabel(s.name)}: ${s.items}`).join(' · ')}
        </dd>
      </div>
    </dl>
  );
}

/** A refused import in the Api's words; a company that is not empty gets a way forward. */
function TransferProblem({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.code === 'company.not_empty') {
    return (
      <ProblemAlert
        error={error}
        tone="warn"
        action={
          <span className="small">
            Create a new company from the company menu, switch to it, and import there.
          </span>
        }
      />
    );
  }
  return <ProblemAlert error={error} />;
}

/** What an import changed, or a dry run would change, section by section. */
export function ReportView({ report }: { report: ImportReport }) {
  const titleId = useId();
  const differs = hasDifferences(report);
  const agents = Object.entries(report.agents);
  return (
    <div className="stack" role="region" aria-labelledby={titleId}>
      <h3 id={titleId} className="section-title small-title">
        {report.dryRun ? 'Differences (nothing was written)' : 'Imported'}
      </h3>
      {report.dryRun && !differs && (
        <InfoAlert title="The file and this company hold the same things." />
      )}
      <table className="table" aria-label={report.dryRun ? 'Differences' : 'Import report'}>
        <thead>
          <tr>
            <th scope="col">Section</th>
            <th scope="col">{report.dryRun ? 'Would add' : 'Added'}</th>
            <th scope="col">Only in this company</th>
            <th scope="col">Differ</th>
            <th scope="col">Same</th>
          </tr>
        </thead>
        <tbody>
          {report.sections.map((section) => (
            <tr key={section.section} data-section={section.section}>
              <th scope="row">{sectionLabel(section.section)}</th>
              <td>
                <Names names={section.added} />
              </td>
              <td>
                <Names names={section.removed} />
              </td>
              <td>
                <Names names={section.changed} />
              </td>
              <td>{section.unchanged}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!report.dryRun && agents.length > 0 && (
        <p className="small muted">
          Agents created: {agents.map(([reference, id]) => `${reference} → #${id}`).join(', ')}.
        </p>
      )}
    </div>
  );
}

function Names({ names }: { names: readonly string[] }) {
  if (names.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="transfer-names">
      {names.map((name) => (
        <li key={name}>{name}</li>
      ))}
    </ul>
  );
}
