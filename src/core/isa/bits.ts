import type { HandlerTable } from './table.js';

export const BIT_HANDLERS: HandlerTable = {};
