import { AppConfigDocument } from '@vigil/schema';
import { useQuery } from '../api/useQuery';

/** Map and measurement settings from the server, including the optional tile server. */
export function useAppConfig() {
  return useQuery(AppConfigDocument);
}
