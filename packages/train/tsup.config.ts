import { libraryConfig } from '../../tsup.shared';

// Two entries: the platform-neutral core (runs in a web worker) and the Node-only half.
// vega stays external too (resolved through the package's dependencies at run time).
export default libraryConfig({ index: 'src/index.ts', 'node/index': 'src/node/index.ts' }, [/^vega/]);
