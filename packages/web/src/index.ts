export { buildPage, PAGE_ENTRIES, type PageFiles } from './page.js';
export { startUiServer, type UiServer, type UiServerOptions } from './server.js';
export { writePageFiles } from './build.js';
export { checkStoreFolder } from './store-folder.js';
export { bundleForBrowser, nodeImportChains, formatNodeImports, isNodeBuiltin, type BrowserBundle, type BrowserBundleOptions, type NodeImport } from './bundle.js';
export { UiError, type UiErrorCode } from './errors.js';
