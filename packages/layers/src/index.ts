// Filled by its issue; see the README's package table.
export const packageName = '@backprop/layers';
