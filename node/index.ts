/** Node.js helpers: files, streams, threads. `import { saveModel } from 'softmax-regression/node'`. */
export { saveModel, loadModel, writeFileAtomic } from './model-file.js';
