// The backward passes @backprop/manual implements, as derived in docs/derivations.md, one
// entry per module: the forward, then the gradients in index form and vectorised. S is the batch
// size, M the number of features; ∘ and ⊘ are elementwise product and division.
export interface Derivation {
  title: string;
  /** Where in docs/derivations.md the derivation is. */
  source: string;
  /** Display-mode TeX, one equation per entry. */
  tex: string[];
  note?: string;
}

export const DERIVATIONS: Record<string, Derivation> = {
  Linear: {
    title: 'Linear',
    source: 'docs/derivations.md, Linear',
    tex: [
      String.raw`Y = XW^\top + B,\qquad Y_{mn} = \sum_p X_{mp}W_{np} + b_n`,
      String.raw`\frac{\partial L}{\partial W_{ij}} = \sum_m \frac{\partial L}{\partial Y_{mi}}X_{mj}\;\Rightarrow\;\frac{\partial L}{\partial W} = \Big(\frac{\partial L}{\partial Y}\Big)^{\!\top} X`,
      String.raw`\frac{\partial L}{\partial b_i} = \sum_m \frac{\partial L}{\partial Y_{mi}}\;\Rightarrow\;\frac{\partial L}{\partial b} = \mathbf{1}^\top\frac{\partial L}{\partial Y}`,
      String.raw`\frac{\partial L}{\partial X_{ij}} = \sum_n \frac{\partial L}{\partial Y_{in}}W_{nj}\;\Rightarrow\;\frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y}\,W`,
    ],
  },
  ELU: {
    title: 'ELU',
    source: 'docs/derivations.md, elementwise activations, with h = ELU',
    tex: [
      String.raw`Y = h(X),\qquad h(x) = \begin{cases} x & x > 0\\ \alpha(e^{x}-1) & x \le 0\end{cases}`,
      String.raw`\frac{\partial L}{\partial X_{ij}} = \frac{\partial L}{\partial Y_{ij}}\,h'(X_{ij})\;\Rightarrow\;\frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y}\circ h'(X),\qquad h'(x) = \begin{cases} 1 & x>0\\ \alpha e^{x} & x\le 0\end{cases}`,
    ],
  },
  Tanh: {
    title: 'Tanh',
    source: 'docs/derivations.md, elementwise activations, with h = tanh (added here)',
    tex: [String.raw`Y = \tanh X,\qquad \frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y}\circ\big(1 - Y\circ Y\big)`],
  },
  ReLU: {
    title: 'ReLU',
    source: 'docs/derivations.md, elementwise activations, with h = ReLU (added here)',
    tex: [String.raw`Y = \max(X, 0),\qquad \frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y}\circ[X > 0]`],
  },
  Sigmoid: {
    title: 'Sigmoid',
    source: 'docs/derivations.md, elementwise activations (added here)',
    tex: [String.raw`Y = \sigma(X) = \frac{1}{1+e^{-X}},\qquad \frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y}\circ Y\circ\big(1 - Y\big)`],
  },
  Softmax: {
    title: 'Softmax',
    source: 'docs/derivations.md, Softmax',
    tex: [
      String.raw`Y_{mn} = \frac{e^{X_{mn}}}{\sum_k e^{X_{mk}}},\qquad \frac{\partial Y_{mn}}{\partial X_{ij}} = Y_{mn}\,\delta_{mi}\big(\delta_{nj} - Y_{mj}\big)`,
      String.raw`\frac{\partial L}{\partial X_{ij}} = \sum_n \frac{\partial L}{\partial Y_{in}}\,Y_{in}\big(\delta_{nj}-Y_{ij}\big)\;\Rightarrow\;\frac{\partial L}{\partial X} = Y\circ\Big(\frac{\partial L}{\partial Y} - \Big(\frac{\partial L}{\partial Y}\circ Y\Big)\mathbf{1}\mathbf{1}^\top\Big)`,
    ],
    note: 'Forward with the max trick: subtracting each row’s maximum leaves Y unchanged and keeps exp finite.',
  },
  CrossEntropy: {
    title: 'CrossEntropy',
    source: 'docs/derivations.md, cross-entropy on probabilities',
    tex: [
      String.raw`L = -\frac{1}{S}\sum_{m,n} T_{mn}\log X_{mn}`,
      String.raw`\frac{\partial L}{\partial X_{ij}} = -\frac{1}{S}\frac{T_{ij}}{X_{ij}}\;\Rightarrow\;\frac{\partial L}{\partial X} = -\frac{1}{S}\,T\oslash X`,
    ],
  },
  SoftmaxCrossEntropy: {
    title: 'SoftmaxCrossEntropy (fused)',
    source: 'Softmax ∘ CrossEntropy, chained (added here for speed and stability)',
    tex: [
      String.raw`P = \operatorname{softmax}(Z),\qquad L = -\frac{1}{S}\sum_{m,n}T_{mn}\log P_{mn}`,
      String.raw`\frac{\partial L}{\partial Z_{ij}} = \sum_n -\frac{1}{S}\frac{T_{in}}{P_{in}}\,P_{in}\big(\delta_{nj}-P_{ij}\big) = \frac{1}{S}\big(P_{ij}-T_{ij}\big)\;\Rightarrow\;\frac{\partial L}{\partial Z} = \frac{1}{S}(P - T)`,
    ],
    note: 'Uses that each row of T sums to 1. Never takes log 0, which float32 probabilities can reach.',
  },
  LayerNorm: {
    title: 'LayerNorm',
    source: 'docs/derivations.md, layer normalisation',
    tex: [
      String.raw`\mu_s = \frac{1}{M}\sum_j X_{sj},\quad \sigma_s^2 = \frac{1}{M}\sum_j (X_{sj}-\mu_s)^2,\quad \hat X_{sj} = \frac{X_{sj}-\mu_s}{\sqrt{\sigma_s^2+\epsilon}},\quad Y_{sj} = \gamma_j\hat X_{sj} + \beta_j`,
      String.raw`\frac{\partial L}{\partial \gamma_i} = \sum_s \frac{\partial L}{\partial Y_{si}}\hat X_{si},\qquad \frac{\partial L}{\partial \beta_i} = \sum_s \frac{\partial L}{\partial Y_{si}}`,
      String.raw`\frac{\partial L}{\partial X_{ri}} = \frac{1}{\sqrt{\sigma_r^2+\epsilon}}\Big(\frac{\partial L}{\partial Y_{ri}}\gamma_i - \frac{1}{M}\sum_j \frac{\partial L}{\partial Y_{rj}}\gamma_j - \frac{\hat X_{ri}}{M}\sum_j \frac{\partial L}{\partial Y_{rj}}\gamma_j\hat X_{rj}\Big)`,
    ],
    note: 'The input gradient collects the direct path through X and the two indirect ones through μ and σ² (total derivative).',
  },
  MLP: {
    title: 'MLP',
    source: 'the modules above, chained: Linear → activation → … → Linear → Softmax → CrossEntropy',
    tex: [
      String.raw`\frac{\partial L}{\partial X^{(l)}} = \frac{\partial L}{\partial X^{(l+1)}}\,\frac{\partial X^{(l+1)}}{\partial X^{(l)}},\qquad \text{each factor the module's own backward, from the loss down to the first Linear}`,
    ],
  },
};

/** The derivation a gradient-check row belongs to ('LayerNorm (γ = 1)' → LayerNorm, 'MLP (elu) + …' → MLP). */
export function derivationKey(module: string): string {
  if (module.startsWith('LayerNorm')) return 'LayerNorm';
  if (module.startsWith('MLP')) return 'MLP';
  return module;
}
