// Finds or makes the "Demo shop" project and an ingest key for it, from a login, or uses the key given.
export async function setupProject(endpoint) {
  if (process.env.CLOUDSAGE_API_KEY) {
    return { apiKey: process.env.CLOUDSAGE_API_KEY, projectId: process.env.CLOUDSAGE_PROJECT_ID };
  }
  const login = JSON.parse(process.env.CLOUDSAGE_DEMO_LOGIN ?? 'null');
  if (!login) throw new Error('set CLOUDSAGE_API_KEY, or CLOUDSAGE_DEMO_LOGIN={"email":...,"password":...}');
  const call = async (method, path, body, token) => {
    const res = await fetch(`${endpoint}${path}`, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const { token } = await call('POST', '/api/auth/login', login);
  const listed = await call('GET', '/api/projects', undefined, token);
  const projects = Array.isArray(listed) ? listed : listed.projects;
  const project =
    projects.find((p) => p.name === 'Demo shop') ?? (await call('POST', '/api/projects', { name: 'Demo shop' }, token));
  const { key } = await call(
    'POST',
    `/api/projects/${project.id}/keys`,
    { name: 'demo service', scopes: ['ingest'] },
    token,
  );
  return { apiKey: key, projectId: project.id };
}
