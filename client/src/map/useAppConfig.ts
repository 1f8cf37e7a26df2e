import { AppConfigDocument } from '@vigil/schema';
import { useGraphQL } from '../api/queries';

/** Map and measurement settings from the server, including the optional tile server. */
export function useAppConfig() {
  return useGraphQL(AppConfigDocument, undefined);
}
