import { useEffect, useState } from 'react';
import type { ServerCapabilities } from '@riffle/shared';
import { EMBEDDED_ONLY, fetchCapabilities } from '../api/capabilities-api';

/** The server's capabilities, read once when the component mounts (embedded only until then). */
export function useCapabilities(): ServerCapabilities {
  const [caps, setCaps] = useState<ServerCapabilities>(EMBEDDED_ONLY);
  useEffect(() => {
    let live = true;
    void fetchCapabilities().then((c) => live && setCaps(c));
    return () => {
      live = false;
    };
  }, []);
  return caps;
}
