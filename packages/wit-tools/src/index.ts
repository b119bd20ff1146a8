export { WeldError, isWeldError } from './error.js';
