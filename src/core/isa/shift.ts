import type { HandlerTable } from './table.js';

export const SHIFT_HANDLERS: HandlerTable = {};
