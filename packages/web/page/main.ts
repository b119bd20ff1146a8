/** The weld page: each panel wires itself to the markup in index.html. */
import { setupComponentPanel } from './component-view.js';
import { setupContractPanel } from './contract-view.js';
import { setupStorePanel } from './store-view.js';

setupComponentPanel();
setupContractPanel();
void setupStorePanel();
document.body.dataset.ready = 'true';
