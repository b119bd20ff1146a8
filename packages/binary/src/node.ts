/**
 * The Node edge of the codec: reading binaries from disk. The main entry (`@weld/binary`) imports no `node:` module,
 * so it runs in a browser.
 */
export { readBinaryFile } from './file.js';
