// weld's version as the producers section names it; a constant (not read from package.json at load) so the codec
// runs in a browser. test/version.test.ts keeps it equal to package.json's.
export const WELD_VERSION = '0.1.0';
