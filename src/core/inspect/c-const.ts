/**
 * Integer constant expressions in headers: array sizes (`(0x1000 - 0x100) / 8`,
 * `PAGE_SIZE - sizeof(struct x86_hw_tss)`), enumerator values, bit-field widths, `aligned(N)`.
 * 64-bit arithmetic with C's signed/unsigned distinction for `/ % >> <` and comparisons.
 */
import { ParseError, type Expr } from './c-expr-parser.js';
import { alignOf, findField, sizeOf, type CType, type TypeScope } from './ctype-model.js';

interface Constant {
  value: bigint;
  unsigned: boolean;
}

function typeIsUnsigned(t: CType): boolean {
  return (t.kind === 'int' && !t.signed && t.size >= 4) || t.kind === 'pointer';
}

const norm = (value: bigint, unsigned: boolean): Constant => ({ value: unsigned ? BigInt.asUintN(64, value) : BigInt.asIntN(64, value), unsigned });

export function evaluateConstant(e: Expr, scope: TypeScope): bigint {
  return constant(e, scope).value;
}

function constant(e: Expr, scope: TypeScope): Constant {
  const fail = (message: string): never => {
    throw new ParseError(message, e.pos, e.line);
  };
  switch (e.k) {
    case 'num':
      return norm(e.value, typeIsUnsigned(e.type));
    case 'ident': {
      const c = scope.enumConstant(e.name);
      return c ? norm(c.value, false) : fail(`'${e.name}' is not a constant`);
    }
    case 'sizeof': {
      const size = e.type ? sizeOf(e.type) : undefined;
      return size === undefined ? fail(e.type ? 'sizeof an incomplete type' : 'sizeof of an expression is not supported in headers') : norm(BigInt(size), true);
    }
    case 'alignof':
      return norm(BigInt(alignOf(e.type)), true);
    case 'offsetof': {
      let t = e.type;
      let offset = 0;
      for (const name of e.path) {
        if (t.kind !== 'struct' && t.kind !== 'union') fail(`offsetof: '${name}' is not in a struct`);
        const f = findField(t as Extract<CType, { kind: 'struct' }>, name);
        if (!f) fail(`offsetof: no field '${name}'`);
        offset += f!.offset;
        t = f!.field.type;
      }
      return norm(BigInt(offset), true);
    }
    case 'cast': {
      const v = constant(e.arg, scope);
      const t = e.type;
      if (t.kind === 'int' || t.kind === 'enum') {
        const bits = BigInt(t.size * 8);
        return norm(t.signed ? BigInt.asIntN(Number(bits), v.value) : BigInt.asUintN(Number(bits), v.value), typeIsUnsigned(t));
      }
      if (t.kind === 'bool') return norm(v.value !== 0n ? 1n : 0n, false);
      if (t.kind === 'pointer') return norm(v.value, true);
      return fail('cannot cast to a non-scalar type in a constant');
    }
    case 'unary': {
      const a = constant(e.arg, scope);
      switch (e.op) {
        case '-':
          return norm(-a.value, a.unsigned);
        case '+':
          return a;
        case '~':
          return norm(~a.value, a.unsigned);
        case '!':
          return norm(a.value === 0n ? 1n : 0n, false);
        default:
          return fail(`'${e.op}' is not allowed in a constant expression`);
      }
    }
    case 'cond':
      return constant(e.test, scope).value !== 0n ? constant(e.then, scope) : constant(e.else, scope);
    case 'binary': {
      if (e.op === '&&') return norm(constant(e.left, scope).value !== 0n && constant(e.right, scope).value !== 0n ? 1n : 0n, false);
      if (e.op === '||') return norm(constant(e.left, scope).value !== 0n || constant(e.right, scope).value !== 0n ? 1n : 0n, false);
      const a = constant(e.left, scope);
      const b = constant(e.right, scope);
      const unsigned = a.unsigned || b.unsigned;
      const x = unsigned ? BigInt.asUintN(64, a.value) : a.value;
      const y = unsigned ? BigInt.asUintN(64, b.value) : b.value;
      const truth = (c: boolean) => norm(c ? 1n : 0n, false);
      switch (e.op) {
        case '+': return norm(x + y, unsigned);
        case '-': return norm(x - y, unsigned);
        case '*': return norm(x * y, unsigned);
        case '/': return y === 0n ? fail('division by zero') : norm(x / y, unsigned);
        case '%': return y === 0n ? fail('division by zero') : norm(x % y, unsigned);
        case '<<': return norm(a.value << (b.value & 63n), a.unsigned);
        case '>>': return norm((a.unsigned ? BigInt.asUintN(64, a.value) : a.value) >> (b.value & 63n), a.unsigned);
        case '&': return norm(x & y, unsigned);
        case '|': return norm(x | y, unsigned);
        case '^': return norm(x ^ y, unsigned);
        case '<': return truth(x < y);
        case '<=': return truth(x <= y);
        case '>': return truth(x > y);
        case '>=': return truth(x >= y);
        case '==': return truth(x === y);
        case '!=': return truth(x !== y);
      }
      return fail(`'${e.op}' is not allowed in a constant expression`);
    }
    default:
      return fail('not a constant expression');
  }
}
