// The Module base: a tree of named parameters, buffers and child modules, shaped like torch.nn.Module
// so that names (`features.0.weight`) and state dicts line up with PyTorch one to one.
//
// Gradients: tfjs has no `.grad` slot on tensors. Every gradient call (`tf.variableGrads`,
// `optimizer.minimize`, `namedGradients`) records a fresh tape and returns fresh gradients, so there
// is nothing to accumulate and nothing to zero: `zeroGrad()` exists for PyTorch habits and does nothing.
import { tf } from '@backprop/tensor';

/**
 * How a parameter is stored here versus in PyTorch. 'conv2d-hwio': stored as tfjs's
 * [kh, kw, in, out], PyTorch's is [out, in, kh, kw]. Everything else has the same layout in both.
 */
export type TorchLayout = 'same' | 'conv2d-hwio';

/** One entry of a module's state: a parameter (trainable) or a buffer (running statistics). */
export interface StateEntry {
  name: string;
  variable: tf.Variable;
  kind: 'parameter' | 'buffer';
  layout: TorchLayout;
}

/**
 * Called after a module's `forward` with the module, its input and its output (PyTorch's
 * `register_forward_hook`). Runs inside the caller's tidy scope: keep or read what it computes.
 */
export type ForwardHook = (module: Module, input: tf.Tensor, output: tf.Tensor) => void;

/** What `registerForwardHook` returns; `remove()` detaches the hook (PyTorch's RemovableHandle). */
export interface RemovableHandle {
  remove(): void;
}

interface OwnEntry {
  variable: tf.Variable;
  layout: TorchLayout;
}

export abstract class Module {
  /** True in training mode (batch statistics in BatchNorm), false after `eval()`. */
  training = true;
  private readonly ownParameters = new Map<string, OwnEntry>();
  private readonly ownBuffers = new Map<string, OwnEntry>();
  private readonly children = new Map<string, Module>();
  private readonly forwardHooks: ForwardHook[] = [];

  abstract forward(x: tf.Tensor): tf.Tensor;

  /** Registers a trainable parameter under `name` (PyTorch's `register_parameter`). */
  protected registerParameter(name: string, variable: tf.Variable, layout: TorchLayout = 'same'): tf.Variable {
    this.checkFreeName(name);
    if (!variable.trainable) throw new Error(`${this.constructor.name}.registerParameter: '${name}' must be a trainable variable`);
    this.ownParameters.set(name, { variable, layout });
    return variable;
  }

  /** Registers a non-trainable state tensor under `name` (PyTorch's `register_buffer`). */
  protected registerBuffer(name: string, variable: tf.Variable): tf.Variable {
    this.checkFreeName(name);
    if (variable.trainable) throw new Error(`${this.constructor.name}.registerBuffer: '${name}' must be a non-trainable variable`);
    this.ownBuffers.set(name, { variable, layout: 'same' });
    return variable;
  }

  /** Registers a child module under `name`; its entries are named `name.<entry>`. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.checkFreeName(name);
    if (!(module instanceof Module)) throw new Error(`${this.constructor.name}.registerModule: '${name}' must be a Module`);
    this.children.set(name, module);
    return module;
  }

  private checkFreeName(name: string): void {
    if (name === '' || name.includes('.')) {
      throw new Error(`${this.constructor.name}: entry name must be non-empty and without '.', got '${name}'`);
    }
    if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}: '${name}' is already registered`);
    }
  }

  /**
   * Calls `hook(module, input, output)` after every `forward` of this module (PyTorch's
   * `register_forward_hook`). Containers call their children's `forward` directly, so the hook
   * wraps this instance's `forward`; with no hooks left, the class's own `forward` is back and a
   * module without hooks pays nothing.
   */
  registerForwardHook(hook: ForwardHook): RemovableHandle {
    if (typeof hook !== 'function') throw new Error(`${this.constructor.name}.registerForwardHook: hook must be a function, got ${String(hook)}`);
    if (this.forwardHooks.length === 0) {
      const own = Object.getPrototypeOf(this).forward as (x: tf.Tensor) => tf.Tensor;
      this.forward = (x: tf.Tensor): tf.Tensor => {
        const y = own.call(this, x);
        for (const h of [...this.forwardHooks]) h(this, x, y);
        return y;
      };
    }
    this.forwardHooks.push(hook);
    let removed = false;
    return {
      remove: () => {
        if (removed) return;
        removed = true;
        this.forwardHooks.splice(this.forwardHooks.indexOf(hook), 1);
        if (this.forwardHooks.length === 0) delete (this as { forward?: unknown }).forward;
      },
    };
  }

  /** Direct children, in registration order. */
  namedChildren(): Array<[string, Module]> {
    return [...this.children];
  }

  /** This module (name '') and all descendants, depth first, PyTorch's `named_modules`. */
  namedModules(prefix = ''): Array<[string, Module]> {
    const out: Array<[string, Module]> = [[prefix, this]];
    for (const [name, child] of this.children) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /**
   * Every parameter and buffer with its PyTorch name, in PyTorch's `state_dict` order (a module's
   * own parameters, then its own buffers, then its children's entries).
   */
  stateEntries(): StateEntry[] {
    const out: StateEntry[] = [];
    for (const [prefix, module] of this.namedModules()) {
      const full = (name: string) => (prefix ? `${prefix}.${name}` : name);
      for (const [name, e] of module.ownParameters) out.push({ name: full(name), variable: e.variable, kind: 'parameter', layout: e.layout });
      for (const [name, e] of module.ownBuffers) out.push({ name: full(name), variable: e.variable, kind: 'buffer', layout: e.layout });
    }
    return out;
  }

  /** Parameters with PyTorch names (`features.0.weight`), stored in this library's layout. */
  namedParameters(): Array<[string, tf.Variable]> {
    return this.stateEntries()
      .filter((e) => e.kind === 'parameter')
      .map((e) => [e.name, e.variable]);
  }

  parameters(): tf.Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  /** Buffers (BatchNorm's running_mean, running_var, num_batches_tracked) with PyTorch names. */
  namedBuffers(): Array<[string, tf.Variable]> {
    return this.stateEntries()
      .filter((e) => e.kind === 'buffer')
      .map((e) => [e.name, e.variable]);
  }

  buffers(): tf.Variable[] {
    return this.namedBuffers().map(([, v]) => v);
  }

  /** Number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((n, v) => n + v.size, 0);
  }

  /** Sets training mode on this module and every descendant; returns `this`, as in PyTorch. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (BatchNorm uses running statistics); returns `this`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Kept for PyTorch habits; does nothing. tfjs returns fresh gradients from every gradient call
   * (`tf.variableGrads`, `optimizer.minimize`), so gradients never accumulate between steps.
   */
  zeroGrad(): void {}

  /** The type name shown by `toString()` (PyTorch's class name). */
  protected get typeName(): string {
    return this.constructor.name;
  }

  /** The settings shown inside `Type(...)` by `toString()` (PyTorch's `extra_repr`). */
  extraRepr(): string {
    return '';
  }

  /**
   * PyTorch's `repr(module)`: `Linear(in_features=3072, out_features=100, bias=True)`, containers
   * with one `(name): child` line per child, indented as PyTorch indents them.
   */
  toString(): string {
    const extra = this.extraRepr();
    const children = this.namedChildren();
    if (children.length === 0) return `${this.typeName}(${extra})`;
    const lines = extra ? extra.split('\n') : [];
    for (const [name, child] of children) lines.push(`(${name}): ${String(child).split('\n').join('\n  ')}`);
    return `${this.typeName}(\n  ${lines.join('\n  ')}\n)`;
  }

  /** Frees every parameter and buffer. The module is unusable afterwards. */
  dispose(): void {
    for (const e of this.stateEntries()) e.variable.dispose();
  }
}
