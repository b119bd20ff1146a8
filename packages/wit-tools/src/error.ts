// The base error lives in @weld/core; this entry stays so light importers (`@weld/wit-tools/error`) keep working.
export { WeldError, isWeldError, type WeldErrorOptions } from '@weld/core';
