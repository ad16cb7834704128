// The hidden-layer activations, named once. Everything that offers a choice of activation — the
// manual and autograd MLPs, the training config, the CLI flag, the web form, the gradient checks —
// derives its list from ACTIVATION_NAMES, and each MLP maps every name to its module in a
// Record<ActivationName, …>, so adding one is this list plus the module (the compiler finds the rest).
export const ACTIVATION_NAMES = ['elu', 'tanh', 'relu', 'sigmoid'] as const;

export type ActivationName = (typeof ACTIVATION_NAMES)[number];

export const isActivationName = (x: unknown): x is ActivationName => ACTIVATION_NAMES.includes(x as ActivationName);

/** "'elu', 'tanh', 'relu' or 'sigmoid'", for error messages. */
export const activationChoices = (): string => {
  const quoted = ACTIVATION_NAMES.map((n) => `'${n}'`);
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
};
