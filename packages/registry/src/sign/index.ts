export * from './errors.js';
export * from './keys.js';
export * from './password.js';
export * from './signer.js';
export * from './cosign.js';
export * from './bundle.js';
export * from './sign.js';
export * from './verify.js';
