/**
 * Property tests run from a fixed seed so that CI is reproducible: a run that fails fails again with the
 * same counterexample. Explore other inputs with FC_SEED=<n> (any integer) or FC_SEED=random.
 */
import fc from 'fast-check';

const env = process.env.FC_SEED;
if (env !== 'random') fc.configureGlobal({ seed: env !== undefined && env !== '' ? Number(env) : 20261128 });
