import { libraryConfig } from '../../tsup.shared';

// Node-only functions (paths, the download cache) import node: modules lazily; the browser build
// (dist/) replaces them with clear errors, the Node build (dist/node/) keeps them.
export default libraryConfig({ index: 'src/index.ts' }, [], { nodeBuild: { packageName: '@backprop/data' } });
