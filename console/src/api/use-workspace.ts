import { meta } from './http';
import { useApi } from './use-api';

export interface WorkspaceRef { id: number; name: string; description?: string }

/**
 * The console's URLs name a workspace (`/w/{name}`), the Metadata API addresses it by id
 * (`/api:meta/workspace/{id}`): this resolves the name once per screen, from the list the
 * account may see (owners see all, others their memberships), so an unknown or hidden name
 * reads as “not found” exactly like the API's own answer.
 */
export function useWorkspace(name: string | undefined) {
  const { value, error, loading, reload } = useApi(async (signal) => {
    if (!name) return undefined;
    const all = await meta<WorkspaceRef[]>('GET', '/workspace', undefined, { signal });
    const found = all.find((w) => w.name === name);
    if (!found) throw new Error(`Workspace “${name}” not found (or you are not a member of it).`);
    return { id: found.id, name: found.name, description: found.description };
  }, [name]);
  return { workspace: value, error, loading, reload };
}
