import type { HandlerTable } from './table.js';

export const MULDIV_HANDLERS: HandlerTable = {};
