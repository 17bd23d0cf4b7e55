import type { Project } from '@cloudsage/schema';
import { type FormEvent, useState } from 'react';
import { createProject, deleteProject, listProjects, renameProject } from '../api/endpoints.js';
import { messageOf } from '../api/http.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ScoreBadge } from '../components/score-badge.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { usePageTitle } from '../hooks/use-page-title.js';
import { useResource } from '../hooks/use-resource.js';
import { displayName } from '../lib/display-name.js';
import { Link, navigate } from '../lib/router.js';
import { button, card, control, field, fieldError, grow, row, surface } from '../lib/ui.js';
import { PAGE } from './page.js';

function CreateProject({ onCreated }: { onCreated: (p: Project) => void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setError('Give the project a name.');
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await createProject(name.trim()));
      setName('');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className={`${card} ${row} flex-wrap`} onSubmit={submit} aria-label="Create a project">
      <label className={`${field} ${grow}`}>
        <span>New project</span>
        <input
          className={control}
          name="project-name"
          value={name}
          maxLength={100}
          placeholder="checkout-service"
          onChange={(e) => setName(e.target.value)}
          aria-describedby="create-error"
        />
      </label>
      <button type="submit" className={`${button('primary')} self-end`} disabled={busy}>
        {busy ? 'Creating…' : 'Create project'}
      </button>
      <p id="create-error" className={`${fieldError} basis-full`} role="alert">
        {error ?? ''}
      </p>
    </form>
  );
}

function ProjectRow(props: { project: Project; onRenamed: (p: Project) => void; onDelete: () => void }) {
  const { project } = props;
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(project.name);
  const [error, setError] = useState<string>();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim() || name.trim() === project.name) return setEditing(false);
    try {
      props.onRenamed(await renameProject(project.id, name.trim()));
      setEditing(false);
      setError(undefined);
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <li className="flex flex-wrap items-center gap-3 border-b border-border px-3 py-[0.6rem] last:border-b-0">
      <ScoreBadge score={project.latestScore} trend={project.trend} />
      {editing ? (
        <form className={`${row} ${grow}`} onSubmit={save}>
          <input
            className={control}
            aria-label={`New name for ${project.name}`}
            value={name}
            maxLength={100}
            // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this field.
            autoFocus
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                setName(project.name);
                setEditing(false);
              }
            }}
          />
          <button type="submit" className={button()}>
            Save
          </button>
          <button type="button" className={button('ghost')} onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <Link
            href={`/projects/${encodeURIComponent(project.id)}`}
            className={`${grow} truncate font-semibold`}
            title={displayName(project.name)}
          >
            {displayName(project.name)}
          </Link>
          <span className="text-muted max-md:hidden">created {new Date(project.createdAt).toLocaleDateString()}</span>
          <button type="button" className={button('ghost')} onClick={() => setEditing(true)}>
            Rename<span className="sr-only"> {displayName(project.name)}</span>
          </button>
          <button type="button" className={button('danger-text')} onClick={props.onDelete}>
            Delete<span className="sr-only"> {displayName(project.name)}</span>
          </button>
        </>
      )}
      {error && (
        <p className={`${fieldError} basis-full`} role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/** `/projects`: every project with its current score and trend; create, rename, delete. */
export function ProjectsPage() {
  usePageTitle('Projects');
  const projects = useResource(() => listProjects(), 'projects');
  const [deleting, setDeleting] = useState<Project>();

  return (
    <section className={PAGE}>
      <h1>Projects</h1>
      <CreateProject onCreated={(p) => navigate(`/projects/${encodeURIComponent(p.id)}`)} />
      {projects.status === 'error' && !projects.data ? (
        <ErrorState title="Could not load projects" message={messageOf(projects.error)} onRetry={projects.reload} />
      ) : !projects.data ? (
        <Loading label="Loading projects" minHeight={120} />
      ) : projects.data.length === 0 ? (
        <Empty minHeight={120}>
          <p>No projects yet. Create one above, then send it logs from the project page.</p>
        </Empty>
      ) : (
        <ul className={`${surface} mt-4 mb-0 list-none p-0`} aria-label="Your projects">
          {projects.data.map((p) => (
            <ProjectRow
              key={p.id}
              project={p}
              onRenamed={(renamed) =>
                projects.set((list) => (list ?? []).map((x) => (x.id === p.id ? { ...x, name: renamed.name } : x)))
              }
              onDelete={() => setDeleting(p)}
            />
          ))}
        </ul>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${displayName(deleting.name)}?`}
          confirmLabel="Delete project"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await deleteProject(deleting.id);
            projects.set((list) => (list ?? []).filter((x) => x.id !== deleting.id));
          }}
        >
          <p>Its logs, risk history, forecasts and API keys are deleted too. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
