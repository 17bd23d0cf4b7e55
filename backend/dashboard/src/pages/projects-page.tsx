import type { Project } from '@cloudsage/schema';
import { type FormEvent, useState } from 'react';
import { createProject, deleteProject, listProjects, renameProject } from '../api/endpoints.js';
import { messageOf } from '../api/http.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ScoreBadge } from '../components/score-badge.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { usePageTitle } from '../hooks/use-page-title.js';
import { useResource } from '../hooks/use-resource.js';
import { Link, navigate } from '../lib/router.js';

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
    <form className="card row wrap" onSubmit={submit} aria-label="Create a project">
      <label className="field grow">
        <span>New project</span>
        <input
          name="project-name"
          value={name}
          maxLength={100}
          placeholder="checkout-service"
          onChange={(e) => setName(e.target.value)}
          aria-describedby="create-error"
        />
      </label>
      <button type="submit" className="btn btn-primary align-end" disabled={busy}>
        {busy ? 'Creating…' : 'Create project'}
      </button>
      <p id="create-error" className="field-error full" role="alert">
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
    <li className="project-row">
      <ScoreBadge score={project.latestScore} trend={project.trend} />
      {editing ? (
        <form className="row grow" onSubmit={save}>
          <input
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
          <button type="submit" className="btn">
            Save
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <Link href={`/projects/${encodeURIComponent(project.id)}`} className="project-name grow">
            {project.name}
          </Link>
          <span className="muted hide-narrow">created {new Date(project.createdAt).toLocaleDateString()}</span>
          <button type="button" className="btn btn-ghost" onClick={() => setEditing(true)}>
            Rename<span className="sr-only"> {project.name}</span>
          </button>
          <button type="button" className="btn btn-ghost danger" onClick={props.onDelete}>
            Delete<span className="sr-only"> {project.name}</span>
          </button>
        </>
      )}
      {error && (
        <p className="field-error full" role="alert">
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
    <section className="page">
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
        <ul className="project-list card" aria-label="Your projects">
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
          title={`Delete ${deleting.name}?`}
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
