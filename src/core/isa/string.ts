import type { HandlerTable } from './table.js';

export const STRING_HANDLERS: HandlerTable = {};
