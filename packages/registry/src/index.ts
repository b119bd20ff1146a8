export {};
export * from './sign/index.js';
