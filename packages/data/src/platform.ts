// Whether we run under Node: decides between node: modules and web APIs (a module of its own so
// that tests can play a browser by mocking it).
export const isNode = typeof process !== 'undefined' && process.versions?.node != null;
