import { meta } from './http';
import { useApi } from './use-api';

export interface WorkspaceView { id: number; name: string; description?: string }

/**
 * The Metadata API addresses a workspace by numeric id, the console's URLs by name: this
 * finds the id (GET /workspace lists those the account may see). An unknown name is an
 * error saying so, as the API would for an unknown id.
 */
export function useWorkspaceId(name: string | undefined) {
  return useApi(async (signal) => {
    const list = await meta<WorkspaceView[]>('GET', '/workspace', undefined, { signal });
    const found = list.find((w) => w.name === name);
    if (!found) throw new Error(`workspace [${name}] not found`);
    return found.id;
  }, [name]);
}
