// All instruction families of the differential test.
import { ARITH_FAMILIES } from './arith.js';
import { BIT_FAMILIES } from './bits.js';
import { CONTROL_FAMILIES } from './control.js';
import { DATA_FAMILIES } from './data.js';
import { MISC_FAMILIES } from './misc.js';
import { SHIFT_FAMILIES } from './shift.js';
import { STACK_FAMILIES } from './stack.js';
import { STRING_FAMILIES } from './string.js';
import type { Family } from './common.js';

export const FAMILIES: Family[] = [
  ...DATA_FAMILIES,
  ...STACK_FAMILIES,
  ...ARITH_FAMILIES,
  ...SHIFT_FAMILIES,
  ...BIT_FAMILIES,
  ...CONTROL_FAMILIES,
  ...STRING_FAMILIES,
  ...MISC_FAMILIES,
];

export type { Family };
