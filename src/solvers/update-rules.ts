/**
 * Update rules for the mini-batch solvers, in optax's shape (transform.py / alias.py): a rule is a
 * gradient transformation with explicit state,
 *
 *   init(dimension) -> state;   update(g, state, ctx) -> { step, state }
 *
 * and the exported rules are chains of small transformations, not a switch on a name. A step is what the
 * solver subtracts: w <- w - step. Transformations work in place on g (no allocation per mini-batch: `step`
 * is g's buffer), and the state's arrays are updated in place too; the state is still a value the caller
 * holds and passes back, never hidden in a closure, so a run can be inspected, copied or resumed.
 *
 *   traceMomentum(beta):           v = beta v + g;       step = v          (heavy ball, as PyTorch)
 *   traceMomentum(beta, nesterov): v = beta v + g;       step = g + beta v (PyTorch/Keras form)
 *   scaleByAdagrad(eps):           G = G + g^2;          step = g / (sqrt(G) + eps)       (Duchi et al. 2011)
 *   scaleByRms(rho, eps):          E = rho E + (1-rho) g^2;  step = g / (sqrt(E) + eps)  (Hinton's lecture 6e)
 *   scaleByAdam(b1, b2, eps):      m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
 *                                  step = mhat / (sqrt(vhat) + eps), mhat = m/(1-b1^t), vhat = v/(1-b2^t)
 *                                                                            (Kingma & Ba 2015; t counts updates)
 *   scaleByLearningRate():         step = lr g, lr = ctx.learningRate
 *
 * Where optax's scale_by_learning_rate owns its schedule, here the solver evaluates the schedule and
 * passes the rate in `ctx`: it needs the same rate for the proximal step and for its report, and the
 * schedules are stated in epochs (scikit-learn's and Keras' convention), which only the solver knows.
 *
 * Schedules map progress (epochs completed, fractional) to the learning rate:
 *   constant:    lr0
 *   invscaling:  lr0 / (1 + epoch)^powerT        (scikit-learn's 'invscaling', counted in epochs)
 *   step:        lr0 * dropFactor^floor(epoch / dropEvery)      (Keras' step decay)
 */

/** What the solver tells a rule about the current update. */
export interface UpdateContext {
  /** The scheduled learning rate for this update. */
  learningRate: number;
}

export interface GradientTransformation<S = unknown> {
  readonly name: string;
  init(dimension: number): S;
  /** Transform g in place into this stage's output; returns it (as `step`) and the new state. */
  update(g: Float64Array, state: S, ctx: UpdateContext): { step: Float64Array; state: S };
}

/** A rule is any gradient transformation; its output is the step to subtract. */
export type UpdateRule = GradientTransformation<unknown>;

/** Apply transformations one after the other (optax.chain); the state is the tuple of their states. */
export function chain(name: string, ...parts: GradientTransformation<unknown>[]): GradientTransformation<unknown[]> {
  return {
    name,
    init: (dimension) => parts.map((p) => p.init(dimension)),
    update(g, state, ctx) {
      let step = g;
      const next = state.slice();
      for (let i = 0; i < parts.length; i++) {
        const r = parts[i]!.update(step, state[i], ctx);
        step = r.step;
        next[i] = r.state;
      }
      return { step, state: next };
    },
  };
}

export function scaleByLearningRate(): GradientTransformation<null> {
  return {
    name: 'scale-by-learning-rate',
    init: () => null,
    update(g, state, { learningRate }) {
      for (let i = 0; i < g.length; i++) g[i]! *= learningRate;
      return { step: g, state };
    },
  };
}

export interface MomentumState {
  velocity: Float64Array;
}

export function traceMomentum(beta: number, nesterov = false): GradientTransformation<MomentumState> {
  return {
    name: nesterov ? 'nesterov' : 'momentum',
    init: (n) => ({ velocity: new Float64Array(n) }),
    update(g, state) {
      const v = state.velocity;
      for (let i = 0; i < g.length; i++) {
        const vi = beta * v[i]! + g[i]!;
        v[i] = vi;
        g[i] = nesterov ? g[i]! + beta * vi : vi;
      }
      return { step: g, state };
    },
  };
}

export interface AccumulatorState {
  /** Per-parameter sum (adagrad) or moving average (rmsprop) of g^2. */
  sumSquares: Float64Array;
}

export function scaleByAdagrad(eps = 1e-8): GradientTransformation<AccumulatorState> {
  return {
    name: 'adagrad',
    init: (n) => ({ sumSquares: new Float64Array(n) }),
    update(g, state) {
      const G = state.sumSquares;
      for (let i = 0; i < g.length; i++) {
        const gi = g[i]!;
        G[i]! += gi * gi;
        g[i] = gi / (Math.sqrt(G[i]!) + eps);
      }
      return { step: g, state };
    },
  };
}

export function scaleByRms(rho = 0.9, eps = 1e-8): GradientTransformation<AccumulatorState> {
  return {
    name: 'rmsprop',
    init: (n) => ({ sumSquares: new Float64Array(n) }),
    update(g, state) {
      const E = state.sumSquares;
      for (let i = 0; i < g.length; i++) {
        const gi = g[i]!;
        E[i] = rho * E[i]! + (1 - rho) * gi * gi;
        g[i] = gi / (Math.sqrt(E[i]!) + eps);
      }
      return { step: g, state };
    },
  };
}

export interface AdamState {
  /** Updates so far (the bias correction's t). */
  count: number;
  mu: Float64Array;
  nu: Float64Array;
}

export function scaleByAdam(beta1 = 0.9, beta2 = 0.999, eps = 1e-8): GradientTransformation<AdamState> {
  return {
    name: 'adam',
    init: (n) => ({ count: 0, mu: new Float64Array(n), nu: new Float64Array(n) }),
    update(g, state) {
      const t = state.count + 1;
      const c1 = 1 - beta1 ** t;
      const c2 = 1 - beta2 ** t;
      const { mu: m, nu: v } = state;
      for (let i = 0; i < g.length; i++) {
        const gi = g[i]!;
        m[i] = beta1 * m[i]! + (1 - beta1) * gi;
        v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
        g[i] = m[i]! / c1 / (Math.sqrt(v[i]! / c2) + eps);
      }
      return { step: g, state: { count: t, mu: m, nu: v } };
    },
  };
}

// The rules the solvers are made of (optax's alias.py): each a chain ending in the learning rate.

/** Plain SGD, or heavy-ball / Nesterov momentum when beta > 0. */
export function sgdRule(momentum = 0, nesterov = false): UpdateRule {
  return momentum > 0
    ? chain(nesterov ? 'nesterov' : 'momentum', traceMomentum(momentum, nesterov), scaleByLearningRate())
    : chain('sgd', scaleByLearningRate());
}
export const adamRule = (beta1 = 0.9, beta2 = 0.999, eps = 1e-8): UpdateRule => chain('adam', scaleByAdam(beta1, beta2, eps), scaleByLearningRate());
export const adagradRule = (eps = 1e-8): UpdateRule => chain('adagrad', scaleByAdagrad(eps), scaleByLearningRate());
export const rmspropRule = (rho = 0.9, eps = 1e-8): UpdateRule => chain('rmsprop', scaleByRms(rho, eps), scaleByLearningRate());

export type ScheduleName = 'constant' | 'invscaling' | 'step';

export interface ScheduleOptions {
  /** invscaling exponent (default 0.5, scikit-learn's power_t). */
  powerT?: number;
  /** step decay: multiply by dropFactor every dropEvery epochs (defaults 0.5 and 10). */
  dropFactor?: number;
  dropEvery?: number;
}

export type Schedule = (lr0: number, epoch: number) => number;

export function makeSchedule(name: ScheduleName, o: ScheduleOptions = {}): Schedule {
  switch (name) {
    case 'constant':
      return (lr0) => lr0;
    case 'invscaling': {
      const p = o.powerT ?? 0.5;
      return (lr0, epoch) => lr0 / (1 + epoch) ** p;
    }
    case 'step': {
      const f = o.dropFactor ?? 0.5;
      const every = o.dropEvery ?? 10;
      return (lr0, epoch) => lr0 * f ** Math.floor(epoch / every);
    }
  }
}
