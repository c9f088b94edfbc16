/**
 * Update rules for stochastic solvers as small composable pieces (in the spirit of optax): each rule turns
 * a (mini-batch) gradient g into the step u that is subtracted, w <- w - u, keeping its own per-parameter
 * state. lr is the current learning rate (from a schedule), t the 1-based update count.
 *
 *   sgd:       u = lr g
 *   momentum:  v = beta v + g;               u = lr v                         (heavy ball, as PyTorch)
 *   nesterov:  v = beta v + g;               u = lr (g + beta v)              (PyTorch/Keras form)
 *   adagrad:   G = G + g^2;                  u = lr g / (sqrt(G) + eps)       (Duchi et al. 2011)
 *   rmsprop:   E = rho E + (1-rho) g^2;      u = lr g / (sqrt(E) + eps)       (Hinton's lecture 6e)
 *   adam:      m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
 *              u = lr mhat / (sqrt(vhat) + eps), mhat = m/(1-b1^t), vhat = v/(1-b2^t)   (Kingma & Ba 2015)
 *
 * Schedules map progress (epochs completed, fractional) to the learning rate:
 *   constant:    lr0
 *   invscaling:  lr0 / (1 + epoch)^powerT        (scikit-learn's 'invscaling', counted in epochs)
 *   step:        lr0 * dropFactor^floor(epoch / dropEvery)      (Keras' step decay)
 */

export interface UpdateState {
  /** g <- the step to subtract (in place). */
  apply(g: Float64Array, lr: number, t: number): void;
}

export interface UpdateRule {
  readonly name: string;
  init(n: number): UpdateState;
}

export const sgdRule: UpdateRule = {
  name: 'sgd',
  init: () => ({
    apply(g, lr) {
      for (let i = 0; i < g.length; i++) g[i]! *= lr;
    },
  }),
};

export function momentumRule(beta: number, nesterov = false): UpdateRule {
  return {
    name: nesterov ? 'nesterov' : 'momentum',
    init(n) {
      const v = new Float64Array(n);
      return {
        apply(g, lr) {
          for (let i = 0; i < n; i++) {
            const vi = beta * v[i]! + g[i]!;
            v[i] = vi;
            g[i] = nesterov ? lr * (g[i]! + beta * vi) : lr * vi;
          }
        },
      };
    },
  };
}

export function adagradRule(eps = 1e-8): UpdateRule {
  return {
    name: 'adagrad',
    init(n) {
      const G = new Float64Array(n);
      return {
        apply(g, lr) {
          for (let i = 0; i < n; i++) {
            const gi = g[i]!;
            G[i]! += gi * gi;
            g[i] = (lr * gi) / (Math.sqrt(G[i]!) + eps);
          }
        },
      };
    },
  };
}

export function rmspropRule(rho = 0.9, eps = 1e-8): UpdateRule {
  return {
    name: 'rmsprop',
    init(n) {
      const E = new Float64Array(n);
      return {
        apply(g, lr) {
          for (let i = 0; i < n; i++) {
            const gi = g[i]!;
            E[i] = rho * E[i]! + (1 - rho) * gi * gi;
            g[i] = (lr * gi) / (Math.sqrt(E[i]!) + eps);
          }
        },
      };
    },
  };
}

export function adamRule(beta1 = 0.9, beta2 = 0.999, eps = 1e-8): UpdateRule {
  return {
    name: 'adam',
    init(n) {
      const m = new Float64Array(n);
      const v = new Float64Array(n);
      return {
        apply(g, lr, t) {
          const c1 = 1 - beta1 ** t;
          const c2 = 1 - beta2 ** t;
          for (let i = 0; i < n; i++) {
            const gi = g[i]!;
            m[i] = beta1 * m[i]! + (1 - beta1) * gi;
            v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
            g[i] = (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
          }
        },
      };
    },
  };
}

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
